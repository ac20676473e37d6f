import { z } from 'zod';
import { demoTown, demoVillage } from '../../demo/seed';
import { relocationStages } from '../../domain/relocation/case';
import {
  baselineSchema,
  createRelocationSchema,
  createSiteSchema,
  employmentSchema,
  endEmploymentSchema,
  listRelocationsSchema,
  projectSchema,
  relocationVisitSchema,
} from '../../domain/relocation/schemas';
import { relocationReportQuerySchema } from '../../domain/relocation/reports';
import { idempotencyKeyHeaders } from '../idempotency-key';
import type { RouteDoc } from '../openapi/registry';
import { caseConflictSchema, taskViewSchema } from '../openapi/response-schemas';

/** The OpenAPI descriptions of the relocation routes (src/api/openapi/routes.ts lists them). */

const isoTime = z.string().meta({ format: 'date-time', description: 'ISO 8601 时间（UTC）' });
const label = z.string().meta({ description: '中文名称' });
const caseParams = z.object({ id: z.string().min(1).meta({ description: '搬迁户案件 id（UUID）', examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81'] }) });
const entryParams = caseParams.extend({ entryId: z.string().min(1).meta({ description: '就业记录 id', examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81.e1'] }) });
const notFound = '搬迁户案件不存在或不在您的辖区内';
const refusals = { 400: '请求内容不符合要求（issues 中说明原因）', 403: '无权办理（角色、辖区、部门）', 404: notFound } as const;

export const siteViewSchema = z.object({ code: z.string(), name: z.string(), townCode: z.string(), kind: z.string(), kindLabel: label, households: z.number().int() });
const target = z.object({ required: z.boolean(), met: z.boolean() });
export const relocationViewSchema = z.object({
  id: z.string(),
  stage: z.enum(relocationStages),
  stageLabel: label,
  atRisk: z.boolean(),
  site: siteViewSchema,
  villageCode: z.string(),
  villageName: z.string().nullable(),
  townCode: z.string(),
  townName: z.string().nullable(),
  relocatedAt: z.string(),
  openedAt: isoTime,
  closedAt: isoTime.nullable(),
  overdue: z.boolean(),
  household: z.object({
    id: z.string(),
    headName: z.string(),
    idNumber: z.string().meta({ description: '脱敏：500234********1234' }),
    phone: z.string().nullable().meta({ description: '脱敏：138****5678' }),
    memberCount: z.number().int(),
    laborCapacity: z.string(),
    laborCapacityLabel: label,
  }),
  baseline: z.looseObject({}).nullable().meta({ description: '基线调查（登记后）：家庭人口、劳动力、技能、健康状况、就业和培训意愿' }),
  targets: z.object({
    asOf: z.string().meta({ description: '按北京时间的日期判断' }),
    safetyNetOnly: z.boolean(),
    note: z.string().nullable(),
    employment: target,
    project: target,
    metSince: isoTime.nullable(),
  }),
  employment: z.array(
    z.object({ id: z.string(), memberName: z.string(), employer: z.string(), industry: z.string(), monthlyPay: z.number(), startDate: z.string(), endDate: z.string().nullable(), current: z.boolean() }),
  ),
  projects: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), typeLabel: label, startDate: z.string(), expectedYearlyIncome: z.number().nullable() })),
  visits: z.array(
    z.object({
      id: z.string(),
      at: isoTime,
      atRisk: z.boolean(),
      riskTypes: z.array(z.object({ code: z.string(), label })),
      perCapitaIncome: z.number(),
      monitoringCaseId: z.string().nullable(),
      referred: z.boolean(),
    }),
  ),
  openTasks: z.array(taskViewSchema),
  timeline: z.array(
    z.object({
      at: isoTime,
      kind: z.string(),
      label,
      step: z.string().nullable(),
      stepLabel: label.nullable(),
      actor: z.string().nullable(),
      decision: z.string().nullable(),
      decisionLabel: label.nullable(),
      comment: z.string().nullable(),
      fromStage: z.string().nullable(),
      toStage: z.string().nullable(),
    }),
  ),
  monitoringCaseId: z.string().nullable(),
});
const relocationListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      stage: z.enum(relocationStages),
      stageLabel: label,
      atRisk: z.boolean(),
      siteCode: z.string(),
      siteName: z.string(),
      headName: z.string(),
      villageCode: z.string(),
      townCode: z.string(),
      relocatedAt: z.string(),
      openedAt: isoTime,
      monitoringCaseId: z.string().nullable(),
    }),
  ),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
const entryResultSchema = z.object({ entryId: z.string(), case: relocationViewSchema });

const counts = { households: z.number().int(), withLabour: z.number().int(), employmentMet: z.number().int(), projectMet: z.number().int(), atRisk: z.number().int(), overdueVisits: z.number().int() };
const relocationReportSchema = z.object({
  generatedAt: isoTime,
  asOf: z.string(),
  scope: z.object({ code: z.string(), name: z.string() }),
  filters: z.object({ siteCode: z.string().nullable(), townCode: z.string().nullable() }),
  totals: z.object(counts),
  bySite: z.array(z.object({ siteCode: z.string(), siteName: z.string(), townCode: z.string(), townName: z.string(), ...counts })),
  byTown: z.array(z.object({ townCode: z.string(), townName: z.string(), ...counts })),
});

const tags = ['易地搬迁后续扶持'];
export const relocationTag = { name: '易地搬迁后续扶持', description: '安置点、搬迁户基线调查、就业和产业台账、后续扶持走访、转入监测' } as const;

export const relocationRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/relocation-sites',
    operationId: 'listResettlementSites',
    summary: '安置点列表',
    description: '全部安置点（参考数据），按乡镇排列。所有登录用户可读。',
    tags,
    auth: true,
    responses: { 200: { description: '安置点', schema: z.object({ items: z.array(siteViewSchema) }) } },
  },
  {
    method: 'post',
    path: '/api/relocation-sites',
    operationId: 'createResettlementSite',
    summary: '新增安置点',
    description: '系统管理员维护。`kind`：CENTRALISED 集中安置、SCATTERED 分散安置。',
    tags,
    auth: true,
    body: { json: createSiteSchema, example: { code: 'DJ-JZ-09', name: '大进镇演示安置点九', townCode: demoTown, kind: 'CENTRALISED', households: 60 } },
    responses: { 201: { description: '已新增', schema: siteViewSchema }, 403: '只有系统管理员可以维护安置点', 409: '安置点代码已存在' },
  },
  {
    method: 'post',
    path: '/api/relocations',
    operationId: 'startRelocationCase',
    summary: '登记搬迁户（后续扶持案件）',
    description:
      '乡镇审核人员或区级审定人员在辖区内登记；农户与防止返贫监测共用同一户籍记录（身份证号校验）。案件从基线调查开始（本村信息员办理），立即可读。一户只有一个搬迁户案件（409 `caseId`）。',
    tags,
    auth: true,
    body: {
      json: createRelocationSchema,
      example: { household: { headName: '演示搬迁户', idNumber: '11010519491231002X', villageCode: demoVillage, memberCount: 4, laborCapacity: 'full' }, siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01' },
    },
    responses: { 201: { description: '已登记，返回案件', schema: relocationViewSchema }, 403: '无权在该村登记', 409: { description: '该户已有搬迁户案件（`caseId`）', schema: caseConflictSchema } },
  },
  {
    method: 'get',
    path: '/api/relocations',
    operationId: 'listRelocationCases',
    summary: '辖区内的搬迁户案件',
    description: '新登记的在前，分页；可按安置点、乡镇和是否存在风险筛选。人社部门可读全区。',
    tags,
    auth: true,
    query: listRelocationsSchema,
    responses: { 200: { description: '一页案件', schema: relocationListSchema } },
  },
  {
    method: 'get',
    path: '/api/relocations/{id}',
    operationId: 'getRelocationCase',
    summary: '搬迁户案件详情',
    description: '阶段、安置点、农户（身份证号、电话脱敏）、基线、目标今日是否达标、就业和产业台账、走访、待办任务、办理记录、关联的监测案件。',
    tags,
    auth: true,
    params: caseParams,
    responses: { 200: { description: '案件', schema: relocationViewSchema }, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/relocations/{id}/baseline',
    operationId: 'recordRelocationBaseline',
    summary: '登记基线调查',
    description: '本村信息员登记；办结基线调查任务，进入后续扶持（开启季度走访）。',
    tags,
    auth: true,
    params: caseParams,
    headers: idempotencyKeyHeaders,
    body: { json: baselineSchema, example: { memberCount: 4, laborForceCount: 2, laborCapacity: 'full', skills: ['电焊'], healthStatus: 'GOOD', workWishes: '就近务工', trainingWishes: '电工培训' } },
    responses: { 201: { description: '已登记', schema: z.object({ stage: z.enum(relocationStages), case: relocationViewSchema }) }, ...refusals, 409: '基线调查已登记' },
  },
  {
    method: 'post',
    path: '/api/relocations/{id}/employment',
    operationId: 'addRelocationEmployment',
    summary: '登记就业',
    description: '本辖区的村、乡镇经办人员或人社部门登记家庭成员的就业（`endDate` 为不再就业的第一天）。',
    tags,
    auth: true,
    params: caseParams,
    headers: idempotencyKeyHeaders,
    body: { json: employmentSchema, example: { memberName: '演示成员', employer: '大进镇演示食品厂', industry: '食品加工', monthlyPay: 3200, startDate: '2026-07-01' } },
    responses: { 201: { description: '已登记', schema: entryResultSchema }, ...refusals },
  },
  {
    method: 'patch',
    path: '/api/relocations/{id}/employment/{entryId}',
    operationId: 'endRelocationEmployment',
    summary: '登记就业结束',
    description: '已结案的户因此不再达标时恢复后续扶持。',
    tags,
    auth: true,
    params: entryParams,
    headers: idempotencyKeyHeaders,
    body: { json: endEmploymentSchema, example: { endDate: '2026-12-01' } },
    responses: { 200: { description: '已登记', schema: entryResultSchema }, ...refusals, 404: '案件或就业记录不存在' },
  },
  {
    method: 'post',
    path: '/api/relocations/{id}/projects',
    operationId: 'addRelocationProject',
    summary: '登记产业项目',
    description: '本辖区的村、乡镇经办人员登记增收产业项目。',
    tags,
    auth: true,
    params: caseParams,
    headers: idempotencyKeyHeaders,
    body: { json: projectSchema, example: { name: '演示柑橘种植', type: 'PLANTING', startDate: '2026-03-01', expectedYearlyIncome: 8000 } },
    responses: { 201: { description: '已登记', schema: entryResultSchema }, ...refusals },
  },
  {
    method: 'post',
    path: '/api/relocations/{id}/visits',
    operationId: 'recordRelocationVisit',
    summary: '登记后续扶持走访',
    description: '办结到期的走访任务并开启下一次；发现返贫风险（`atRisk`）时转入防止返贫监测（新建监测案件，或补充至该户已有的监测案件），返回 `monitoringCaseId`。',
    tags,
    auth: true,
    params: caseParams,
    headers: idempotencyKeyHeaders,
    body: { json: relocationVisitSchema, example: { atRisk: true, riskTypes: ['UNSTABLE_EMPLOYMENT'], perCapitaIncome: 5200, note: '务工中断' } },
    responses: {
      201: { description: '已登记', schema: z.object({ visitId: z.string(), monitoringCaseId: z.string().nullable(), nextVisitTaskId: z.string(), case: relocationViewSchema }) },
      ...refusals,
      409: '尚未完成基线调查，或已结案',
    },
  },
  {
    method: 'get',
    path: '/api/reports/relocation',
    operationId: 'relocationReport',
    summary: '易地搬迁后续扶持报表',
    description:
      '按安置点和乡镇（街道）统计：搬迁户数、有劳动能力户数、就业目标达标户数、产业目标达标户数、存在风险户数、走访逾期户数（目标按北京时间当日判断）。范围为本人辖区；`format=csv`（UTF-8 带 BOM）或 `xlsx` 为附件下载，中文表头，并记入审计日志。不含姓名和身份证号。',
    tags,
    auth: true,
    query: relocationReportQuerySchema,
    responses: {
      200: { description: '报表', schema: relocationReportSchema, files: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] },
      403: '无权查看，或乡镇不在辖区内',
    },
  },
  {
    method: 'post',
    path: '/api/imports/relocations',
    operationId: 'importRelocations',
    summary: '导入搬迁户名单',
    description:
      '乡镇审核人员或区级审定人员上传 CSV（UTF-8、UTF-16 或 GBK）或 XLSX，第一行为表头：户主姓名、身份证号、村（社区）代码、家庭人口、劳动能力（有劳动能力/弱劳动能力/无劳动能力）、安置点代码、搬迁入住日期（可选：联系电话）。每个有效行登记一个搬迁户案件，如同 `POST /api/relocations`；有问题的行逐项列出 `{row, field, message}`；已有案件的户计为重复。同一文件再次上传不再登记（`alreadyImported: true`）。单次最多500户。',
    tags,
    auth: true,
    body: { multipartFile: { description: 'CSV 或 XLSX 文件' } },
    responses: {
      200: {
        description: '导入结果',
        schema: z.object({
          importId: z.string(),
          alreadyImported: z.boolean(),
          accepted: z.number().int(),
          rejected: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })),
          casesCreated: z.number().int(),
          duplicates: z.number().int(),
        }),
      },
      403: '只有乡镇审核人员或区级审定人员可以导入',
    },
  },
];
