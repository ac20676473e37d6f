import { z } from 'zod';
import { createDelegationSchema } from '../../domain/delegations';
import { bulkCompleteSchema } from '../../domain/tasks/schemas';
import type { RouteDoc } from '../openapi/registry';

/** The OpenAPI descriptions of 代办 (delegations) and 批量审核 (bulk decisions); src/api/openapi/routes.ts lists them. */

const person = z.object({ id: z.string(), username: z.string().nullable(), displayName: z.string().nullable() });
export const delegationViewSchema = z.object({
  id: z.string(),
  delegator: person,
  delegate: person,
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  state: z.enum(['SCHEDULED', 'ACTIVE', 'ENDED', 'REVOKED']),
  stateLabel: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const delegationParams = z.object({ id: z.string().min(1).meta({ description: '委托 id（UUID）', examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81'] }) });

export const bulkResultSchema = z.object({
  results: z.array(
    z.object({
      taskId: z.string(),
      status: z.number().int().meta({ description: '该任务单独办理时的状态码：200、400、403、404 或 409' }),
      caseId: z.unknown().optional(),
      stage: z.unknown().optional(),
      stageLabel: z.unknown().optional(),
      error: z.string().optional().meta({ description: '未办理的原因（中文）' }),
    }),
  ),
});

export const delegationRouteDocs: Omit<RouteDoc, 'tags'>[] = [
  {
    method: 'post',
    path: '/api/delegations',
    operationId: 'createDelegation',
    summary: '设置代办人',
    description:
      '本人在缺勤期间指定同一角色的代办人（`forUsername` 省略时为本人）；系统管理员或上级（村级人员的乡镇审核、乡镇人员的区级审批）可以为其设置。期间代办人的待办列出被代办人可办理的任务（`delegated`，标明“代办”及代谁），可以代为办理；时间线和审计日志同时记录办理人和被代办人。职责分离对两人同时适用。到期自动失效，撤销立即失效。委托给本人 400，时间重叠 409。记入审计日志（`delegation.create`）。',
    auth: true,
    body: { json: createDelegationSchema, example: { delegateUsername: 'village.head', from: '2026-12-08T08:00:00+08:00', to: '2026-12-15T18:00:00+08:00', reason: '外出参加培训' } },
    responses: { 201: { description: '委托', schema: delegationViewSchema }, 403: '无权为该人员设置代办人', 409: '该人员在这段时间已有代办人' },
  },
  {
    method: 'get',
    path: '/api/delegations',
    operationId: 'listDelegations',
    summary: '代办委托列表',
    description: '本人作为被代办人或代办人的委托；上级和系统管理员另可看到其可以设置的委托。',
    auth: true,
    responses: { 200: { description: '委托列表', schema: z.object({ items: z.array(delegationViewSchema) }) } },
  },
  {
    method: 'delete',
    path: '/api/delegations/{id}',
    operationId: 'revokeDelegation',
    summary: '撤销代办委托',
    description: '被代办人、代办人、设置人或其上级撤销，立即失效。记入审计日志（`delegation.revoke`）。',
    auth: true,
    params: delegationParams,
    responses: { 200: { description: '已撤销的委托', schema: delegationViewSchema }, 404: '委托不存在或不在您的管理范围内', 409: '该委托已撤销' },
  },
];

export const bulkCompleteRouteDoc: Omit<RouteDoc, 'tags'> = {
  method: 'post',
  path: '/api/tasks/bulk-complete',
  operationId: 'bulkCompleteTasks',
  summary: '批量审核',
  description:
    '乡镇或区级审核会议后一次办理多项任务（1–200项），每项与单独办理完全相同（同样的校验、同一流程更新、同样的审计记录）；一项被拒绝不影响其他各项，`results` 中逐项给出状态码和原因。原样重复提交时，每项得到首次办理的结果，不会重复记录。',
  auth: true,
  body: { json: bulkCompleteSchema, example: { taskIds: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81.4'], decision: 'approve', comment: '经乡镇审核会议研究同意' } },
  responses: { 200: { description: '逐项办理结果', schema: bulkResultSchema } },
};
