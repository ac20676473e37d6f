import { z } from 'zod';
import { demoPassword, demoVillage } from '../../demo/seed';
import { listAuditSchema } from '../../domain/audit';
import { loginSchema, refreshCookieSchema, refreshSchema } from '../../domain/auth-schemas';
import { measurePlanRequestSchema, objectionRequestSchema, visitRequestSchema } from '../../domain/monitoring/schemas';
import { monitoringReportQuerySchema } from '../../domain/monitoring/reports';
import {
  applyPolicySchema,
  createMonitoringCaseSchema,
  exitProposalSchema,
  listMonitoringCasesSchema,
  rollbackSchema,
} from '../../domain/monitoring/schemas';
import { attachmentParamsSchema } from '../../domain/attachments';
import { householdTransferSchema as householdTransferBodySchema, listHouseholdTransfersSchema } from '../../domain/households';
import { defaultPolicySettings } from '../../domain/policy';
import { putPolicySchema } from '../../domain/policy-schemas';
import { policyWhatIfQuerySchema, policyWhatIfSchema } from '../../domain/policy-what-if-schemas';
import { completeTaskSchema, inboxQuerySchema, reassignTaskSchema } from '../../domain/tasks/schemas';
import { idempotencyKeyHeaders } from '../idempotency-key';
import { payloadsSchema } from '../temporal-codec-router';
import { personalDataRouteDoc, userRouteDocs } from '../users/users-docs';
import { relocationRouteDocs, relocationTag } from '../relocation/relocation-docs';
import { bulkCompleteRouteDoc, delegationRouteDocs } from '../delegations/delegations-docs';
import { cooperationReportRouteDoc, cooperationRouteDocs } from '../cooperation/cooperation-docs';
import type { RouteDoc } from './registry';
import {
  attachmentSchema,
  auditListSchema,
  auditVerificationSchema,
  caseConflictSchema,
  caseListSchema,
  caseViewSchema,
  codecPayloadsSchema,
  exitProposedSchema,
  healthSchema,
  householdTransferListSchema,
  householdTransferSchema,
  importResultSchema,
  inboxSchema,
  lockedErrorSchema,
  monitoringReportSchema,
  measuresPlannedSchema,
  objectionFiledSchema,
  openApiDocumentSchema,
  policySchema,
  policyWhatIfSchema as policyWhatIfResultSchema,
  rolledBackSchema,
  storedPolicySchema,
  taskDecidedSchema,
  taskViewSchema,
  tokenPairSchema,
  visitRecordedSchema,
} from './response-schemas';

/**
 * Every route of the API, once: what the OpenAPI document (`GET /api/openapi.json`, Swagger UI at `/docs`) says.
 * test/api/openapi.test.ts fails while Express has a route this list lacks, or the other way round.
 */

export const tags = [
  { name: '认证', description: '登录、刷新令牌、退出' },
  { name: '监测对象', description: '防止返贫动态监测：登记、识别、走访、帮扶措施' },
  { name: '佐证材料', description: '案件的佐证材料：上传（JPEG、PNG、PDF）、校验后下载' },
  relocationTag,
  { name: '任务', description: '待办任务：认领、办理（通过、退回补充、不予通过）' },
  { name: '部门预警', description: '行业部门上传筛查预警名单' },
  { name: '户籍迁移', description: '农户登记在村与村之间迁移，原乡镇和迁入乡镇都可查看' },
  { name: '政策设置', description: '办理时限、监测线等政策参数，按版本生效' },
  { name: '审计日志', description: '操作留痕与哈希链校验' },
  { name: '报表', description: '防止返贫动态监测报表：JSON、CSV、XLSX' },
  { name: '协作帮扶', description: '协作帮扶年度计划：协作伙伴、指标、任务、季度报告、计划调整、年终评定' },
  { name: '用户管理', description: '系统管理员管理用户账号：新建、修改角色辖区部门、停用、重置密码' },
  { name: '代办委托', description: '缺勤期间的代办人：设置、查看、撤销；代办人代为办理被代办人的待办' },
  { name: '系统', description: '健康检查、接口文档、Temporal 编解码' },
] as const;
type Tag = (typeof tags)[number]['name'];

const idParams = (what: string) =>
  z.object({ id: z.string().min(1).meta({ description: `${what} id（UUID）`, examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81'] }) });
const caseParams = idParams('案件');
const taskParams = idParams('任务');

const caseNotFound = '案件不存在或不在您的辖区内';
const workflowRefusals = {
  400: '请求内容不符合要求，或流程拒绝了该操作（issues 中说明原因）',
  403: '无权办理（角色、辖区、职责分离）',
} as const;

const intakeExample = {
  household: { headName: '演示户主', idNumber: '11010519491231002X', villageCode: demoVillage, memberCount: 4, laborCapacity: 'partial' },
  category: 'MARGINAL',
  channel: 'CADRE_VISIT',
  riskTypes: ['ILLNESS'],
  perCapitaIncome: 5600,
  note: '因病支出较大',
};

/**
 * The evidence-file routes below one process's cases (one implementation, src/api/attachments): who uploads is the
 * process's rule (monitoring: the village, town and district caseworkers of the case; relocation: those who record its
 * visits), who downloads whoever reads the case.
 */
function attachmentRouteDocs(base: '/api/monitoring-cases' | '/api/relocations', operation: string, what: string): Omit<RouteDoc, 'tags'>[] {
  const params = idParams(what);
  return [
    {
      method: 'post',
      path: `${base}/{id}/attachments`,
      operationId: `upload${operation}Attachment`,
      summary: `上传佐证材料（${what}）`,
      description:
        '可办理该案件的人员上传一份佐证材料（multipart，字段名 file）：JPEG、PNG 或 PDF，按文件内容识别（与扩展名无关），不超过 `ATTACHMENT_MAX_BYTES`（默认 10 MB）。照片中的位置信息（JPEG 的 EXIF/XMP 段、PNG 的 eXIf/XMP 块）在保存前去除（`ATTACHMENT_KEEP_LOCATION=true` 时保留）；`sha256` 是保存内容的校验值。办理任务、走访、异议、帮扶措施时可在 `attachmentIds` 中引用。记入审计日志（`attachment.upload`）。',
      auth: true,
      params,
      body: { multipartFile: { description: '佐证材料（JPEG、PNG 或 PDF），字段名 file' } },
      responses: {
        201: { description: '已保存', schema: attachmentSchema },
        400: '不是 JPEG/PNG/PDF、超过大小上限、图片结构不完整或没有文件（issues 中说明）',
        403: '能查看但不能办理该案件（如系统管理员）',
        404: '案件不存在或不在您的辖区内',
      },
    },
    {
      method: 'get',
      path: `${base}/{id}/attachments/{attachmentId}`,
      operationId: `download${operation}Attachment`,
      summary: `下载佐证材料（${what}）`,
      description:
        '能查看该案件的人员下载其佐证材料（附件）。下载前重新计算 SHA-256：与上传时的校验值不一致（被篡改或损坏）时不予下载，答复 409 并记入审计日志（`attachment.integrity_failure`）；每次下载记入审计日志（`attachment.download`）。',
      auth: true,
      params: params.extend(attachmentParamsSchema.shape),
      responses: {
        200: { description: '文件内容（附件）', files: ['image/jpeg', 'image/png', 'application/pdf'] },
        404: '案件不存在或不在您的辖区内，或该案件没有这份佐证材料',
        409: '文件校验失败（内容与校验值不一致或已丢失），不予下载',
      },
    },
  ];
}

/** The routes of one tag. */
const routes = (tag: Tag, list: Omit<RouteDoc, 'tags'>[]): RouteDoc[] => list.map((r) => ({ ...r, tags: [tag] }));

export const apiRoutes: readonly RouteDoc[] = [
  ...routes('认证', [
    ({
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: '登录',
      description:
        '以用户名和密码登录，得到访问令牌（`token`，放在 `Authorization: Bearer` 中）和刷新令牌。同一用户名15分钟内失败5次锁定15分钟（423），同一地址失败50次锁定该地址（429）。' +
        '刷新令牌同时以 Cookie `assistflow_refresh` 下发（HttpOnly、SameSite=Strict、Path=/api/auth，HTTPS 时加 Secure），供网页端使用。',
      auth: false,
      body: { json: loginSchema, example: { username: 'village.worker', password: demoPassword } },
      responses: {
        200: { description: '登录成功', schema: tokenPairSchema },
        401: '用户名或密码错误，或账号已停用',
        423: { description: '该用户名失败次数过多，已锁定', schema: lockedErrorSchema },
        429: { description: '该地址失败次数过多，已锁定', schema: lockedErrorSchema },
      },
    }),
    ({
      method: 'post',
      path: '/api/auth/refresh',
      operationId: 'refresh',
      summary: '刷新访问令牌',
      description:
        '以刷新令牌换一对新令牌；刷新令牌用过即失效，再次出示会注销整个登录（视为泄露）。' +
        '请求体中的 `refreshToken` 优先；没有时使用 Cookie `assistflow_refresh`（网页端发送 `{}`，仍须为 JSON 请求体，以防跨站表单提交）。新的刷新令牌同时写入该 Cookie；失败时清除 Cookie。',
      auth: false,
      cookies: refreshCookieSchema,
      body: { json: refreshSchema },
      responses: {
        200: { description: '新的一对令牌', schema: tokenPairSchema },
        400: '请求体不是 JSON，或请求体和 Cookie 中都没有刷新令牌',
        401: '刷新令牌无效、已用过或登录已结束',
      },
    }),
    ({
      method: 'post',
      path: '/api/auth/logout',
      operationId: 'logout',
      summary: '退出登录',
      description: '结束本次登录：其访问令牌和刷新令牌立即失效，并清除刷新 Cookie。',
      auth: true,
      responses: { 204: { description: '已退出' } },
    }),
  ]),
  ...routes('系统', [
    ({
      method: 'get',
      path: '/api/health',
      operationId: 'health',
      summary: '健康检查',
      description: '数据库和 Temporal 是否可用。',
      auth: false,
      responses: {
        200: { description: '一切正常', schema: healthSchema },
        503: { description: '有依赖不可用，`down` 列出', schema: healthSchema },
      },
    }),
    ({
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'openApiDocument',
      summary: '本接口文档（OpenAPI 3.1）',
      description: '由校验请求所用的 zod 模式生成；`/docs` 是它的 Swagger UI。',
      auth: false,
      responses: { 200: { description: 'OpenAPI 3.1 文档', schema: openApiDocumentSchema } },
    }),
    ({
      method: 'post',
      path: '/api/temporal-codec/decode',
      operationId: 'temporalCodecDecode',
      summary: 'Temporal 载荷解密（远程编解码协议）',
      description:
        '供 Temporal Web UI 和 `temporal --codec-endpoint` 使用，字段为 base64。仅区级审定人员和系统管理员可用：载荷中有农户个人信息。解密后的 JSON 中身份证号、电话、银行账号已脱敏；每次调用记入审计日志（codec.decode）。未用本系统密钥加密的载荷一律拒绝（400）。不提供加密（encode）：那会让人绕过接口伪造工作流消息。',
      auth: true,
      body: { json: payloadsSchema, example: { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' }, data: 'AAAA' }] } },
      responses: {
        200: { description: '解密后的载荷，顺序不变', schema: codecPayloadsSchema },
        400: '载荷无法解密（未加密、密钥不在 PAYLOAD_KEYS 中或数据被改动），或格式有误',
        403: '仅区级审定人员和系统管理员可用',
      },
    }),
  ]),
  ...routes('监测对象', [
    ({
      method: 'post',
      path: '/api/monitoring-cases',
      operationId: 'reportHousehold',
      summary: '登记监测对象线索',
      description:
        '村、乡镇、区级经办人员在辖区内登记农户；身份证号校验码和出生日期都会核对。案件从入户核实开始，立即可读。',
      auth: true,
      body: { json: createMonitoringCaseSchema, example: intakeExample },
      responses: {
        201: { description: '已登记，返回案件', schema: caseViewSchema },
        403: '无权在该村登记',
        409: {
          description:
            '该户已有正在办理的案件（`caseId`，仅当该户在您的辖区内）；或该身份证号不能在此村登记（已在其他村登记，或不在您的辖区内：回答不说明是否存在、在哪里、有无案件）',
          schema: caseConflictSchema,
        },
      },
    }),
    ({
      method: 'get',
      path: '/api/monitoring-cases',
      operationId: 'listCases',
      summary: '辖区内的案件列表',
      description: '新登记的在前，分页。',
      auth: true,
      query: listMonitoringCasesSchema,
      responses: { 200: { description: '一页案件', schema: caseListSchema } },
    }),
    ({
      method: 'get',
      path: '/api/monitoring-cases/{id}',
      operationId: 'getCase',
      summary: '案件详情',
      description: '阶段、农户（身份证号脱敏）、待办任务、预警、帮扶措施、走访和办理记录。',
      auth: true,
      params: caseParams,
      responses: { 200: { description: '案件', schema: caseViewSchema }, 404: caseNotFound },
    }),
    {
      method: 'post',
      path: '/api/monitoring-cases/{id}/exit-proposals',
      operationId: 'proposeExit',
      summary: '申请风险消除',
      description: '已纳入监测的户，由本村经办人员申请；案件进入风险消除的入户核实，再经村级评议、公示、乡镇审核和区级审定。',
      auth: true,
      params: caseParams,
      headers: idempotencyKeyHeaders,
      body: { json: exitProposalSchema, example: { reason: '连续6个月人均纯收入高于监测线，“三保障”和饮水安全有保障' } },
      responses: {
        201: { description: '已申请，返回风险消除入户核实任务', schema: exitProposedSchema },
        ...workflowRefusals,
        404: caseNotFound,
        409: '该户不在监测中，或尚不满足申请条件',
      },
    },
    {
      method: 'post',
      path: '/api/monitoring-cases/{id}/rollback',
      operationId: 'rollBack',
      summary: '风险消除后回退',
      description: '已标注风险消除的户经回访发现不稳定，重新纳入监测：恢复帮扶和每月走访。',
      auth: true,
      params: caseParams,
      headers: idempotencyKeyHeaders,
      body: { json: rollbackSchema, example: { reason: '家庭成员突发重病，医疗支出大' } },
      responses: {
        201: { description: '已回退为监测户', schema: rolledBackSchema },
        ...workflowRefusals,
        404: caseNotFound,
        409: '该户未标注风险消除',
      },
    },
    {
      method: 'put',
      path: '/api/monitoring-cases/{id}/policy',
      operationId: 'applyPolicyToCase',
      summary: '调整案件适用的政策版本',
      description: '案件默认沿用登记时的政策版本；区级审定人员可以改为另一版本（0 为内置默认设置），此后的时限按新版本计算。',
      auth: true,
      params: caseParams,
      headers: idempotencyKeyHeaders,
      body: { json: applyPolicySchema, example: { version: 0 } },
      responses: {
        200: { description: '调整后的案件', schema: caseViewSchema },
        ...workflowRefusals,
        404: '案件不存在、不在您的辖区内，或没有这个政策版本',
        409: '案件已办结',
      },
    },
    personalDataRouteDoc,
    ({
      method: 'post',
      path: '/api/monitoring-cases/{id}/objections',
      operationId: 'fileObjection',
      summary: '登记公示异议',
      description: '仅在公示期内；生成一个由村里处理的公示异议任务，处理完之前公示不能结束。',
      auth: true,
      params: caseParams,
      headers: idempotencyKeyHeaders,
      body: { json: objectionRequestSchema, example: { content: '该户家中有经营性货车，收入情况与申报不符' } },
      responses: {
        201: { description: '已登记异议', schema: objectionFiledSchema },
        ...workflowRefusals,
        404: caseNotFound,
        409: '案件不在公示期',
      },
    }),
    ({
      method: 'post',
      path: '/api/monitoring-cases/{id}/visits',
      operationId: 'recordVisit',
      summary: '记录定期走访',
      description: '已纳入监测的户，由本村经办人员走访；完成到期的走访任务并安排下一次。',
      auth: true,
      params: caseParams,
      headers: idempotencyKeyHeaders,
      body: { json: visitRequestSchema, example: { perCapitaIncome: 7200, unresolvedSpending: false, guaranteesSecure: true, note: '务工收入稳定' } },
      responses: {
        201: { description: '已记录走访', schema: visitRecordedSchema },
        ...workflowRefusals,
        404: caseNotFound,
        409: '该户尚未纳入监测',
      },
    }),
    ({
      method: 'post',
      path: '/api/monitoring-cases/{id}/measures',
      operationId: 'planMeasures',
      summary: '制定帮扶措施',
      description: '按政策核对（特困供养不低于低保1.3倍、无劳动能力不能只安排开发式帮扶等），每项措施交给其部门或村落实。',
      auth: true,
      params: caseParams,
      headers: idempotencyKeyHeaders,
      body: { json: measurePlanRequestSchema, example: { measures: [{ type: 'EMPLOYMENT', startDate: '2026-12-01', note: '推荐到园区务工' }] } },
      responses: {
        201: { description: '已安排', schema: measuresPlannedSchema },
        400: '措施不符合要求或违反政策（issues 中逐项说明）',
        403: workflowRefusals[403],
        404: caseNotFound,
        409: '该户尚未纳入监测',
      },
    }),
  ]),
  ...routes('佐证材料', [...attachmentRouteDocs('/api/monitoring-cases', 'MonitoringCase', '防止返贫监测案件'), ...attachmentRouteDocs('/api/relocations', 'Relocation', '易地搬迁后续扶持案件')]),
  ...routes('任务', [
    ({
      method: 'get',
      path: '/api/tasks',
      operationId: 'inbox',
      summary: '我的待办',
      description:
        '`items`：本人可以办理的待办任务；`escalated`：逾期上报到本乡镇或本区督办的任务。两者按办理期限先后排列，各取第 `page` 页（每页 `pageSize` 条），`total`、`escalatedTotal` 为各自总数。`caseId` 只看该案件的任务（案件页用）。',
      auth: true,
      query: inboxQuerySchema,
      responses: { 200: { description: '待办', schema: inboxSchema } },
    }),
    ({
      method: 'post',
      path: '/api/tasks/{id}/claim',
      operationId: 'claimTask',
      summary: '认领任务',
      description: '认领后只有本人可以办理。',
      auth: true,
      params: taskParams,
      responses: {
        200: { description: '已认领', schema: taskViewSchema },
        ...workflowRefusals,
        404: '任务不存在',
        409: '任务已办结或已被他人认领',
      },
    }),
    bulkCompleteRouteDoc,
    ({
      method: 'post',
      path: '/api/tasks/{id}/release',
      operationId: 'releaseTask',
      summary: '释放认领',
      description: '认领人本人，或上级督办人员（本乡镇的乡镇审核、区级审批、系统管理员）释放认领，任务回到所有可办理人员的待办中。停用账号时其认领自动释放。写入时间线和审计日志。',
      auth: true,
      params: taskParams,
      responses: {
        200: { description: '已释放', schema: taskViewSchema },
        ...workflowRefusals,
        404: '任务不存在',
        409: '任务已办结或未被认领',
      },
    }),
    ({
      method: 'post',
      path: '/api/tasks/{id}/reassign',
      operationId: 'reassignTask',
      summary: '改派任务',
      description: '上级督办人员（本乡镇的乡镇审核、区级审批、系统管理员）把任务改派给可以办理它的在用账号（角色、辖区、部门相符，且不是本步骤审核内容的经手人）。写入时间线和审计日志。',
      auth: true,
      params: taskParams,
      body: { json: reassignTaskSchema, example: { username: 'village.head' } },
      responses: {
        200: { description: '已改派', schema: taskViewSchema },
        ...workflowRefusals,
        404: '任务不存在',
        409: '任务已办结，或已由此人办理',
      },
    }),
    ({
      method: 'post',
      path: '/api/tasks/{id}/complete',
      operationId: 'completeTask',
      summary: '办理任务',
      description: '通过（approve）、退回补充（return）或不予通过（reject）；退回和不予通过须填写意见。`attachmentIds` 引用本案件已上传的佐证材料，时间线在该办理记录旁显示。重复提交同一决定得到同一结果。',
      auth: true,
      params: taskParams,
      body: { json: completeTaskSchema, example: { decision: 'approve', comment: '情况属实' } },
      responses: {
        200: { description: '已办理，返回案件所处阶段', schema: taskDecidedSchema },
        ...workflowRefusals,
        404: '任务不存在',
        409: '任务已办结，或流程已结束',
      },
    }),
  ]),
  ...routes('部门预警', [
    ({
      method: 'post',
      path: '/api/imports/department-alerts',
      operationId: 'importDepartmentAlerts',
      summary: '上传部门筛查预警名单',
      description:
        '行业部门人员上传 CSV（UTF-8、UTF-16 或 GBK）或 XLSX。表头：姓名、身份证号、部门、预警事由、金额、日期，可选 村（社区）代码。有效行按身份证号匹配农户：已有案件的作为佐证，其余登记为线索。同一文件再次上传不会重复处理。',
      auth: true,
      body: { multipartFile: { description: '名单文件（CSV 或 XLSX），字段名 file' } },
      responses: {
        200: { description: '处理结果；无效行在 rejected 中逐项说明', schema: importResultSchema },
        400: '文件不是 CSV/XLSX、无法读取、过大、没有数据或缺少必需的列（什么都没有写入）',
        403: '只有行业部门人员可以上传',
      },
    }),
  ]),
  ...routes('户籍迁移', [
    ({
      method: 'post',
      path: '/api/households/transfers',
      operationId: 'transferHousehold',
      summary: '办理户籍迁移',
      description:
        '把农户的登记从原村迁到另一个村（社区），仅原乡镇的审核人员或区级审定人员办理；有正在办理的案件时不能迁移。原乡镇和迁入乡镇都能在迁移记录中看到，并记入审计日志。',
      auth: true,
      body: { json: householdTransferBodySchema, example: { idNumber: '11010519491231002X', toVillageCode: demoVillage, reason: '全户随子女迁居' } },
      responses: {
        201: { description: '已迁移', schema: householdTransferSchema },
        403: '只有原乡镇审核人员或区级审定人员可以办理户籍迁移',
        404: '您的辖区内没有该身份证号登记的农户',
        409: '该户已登记在此村，或有正在办理的监测案件',
      },
    }),
    ({
      method: 'get',
      path: '/api/households/transfers',
      operationId: 'listHouseholdTransfers',
      summary: '户籍迁移记录',
      description: '迁出或迁入您辖区的迁移，新的在前，分页；身份证号已脱敏。行业部门和协作帮扶人员不能查看。',
      auth: true,
      query: listHouseholdTransfersSchema,
      responses: { 200: { description: '一页迁移记录', schema: householdTransferListSchema }, 403: '无权查看户籍迁移记录' },
    }),
  ]),
  ...routes('政策设置', [
    ({
      method: 'get',
      path: '/api/policy',
      operationId: 'getPolicy',
      summary: '查看政策设置',
      description: '区级审定人员和管理员看到现行版本和全部历史版本；村、乡镇经办人员只看到现行版本。',
      auth: true,
      responses: { 200: { description: '政策设置', schema: policySchema }, 403: '无权查看政策设置' },
    }),
    ({
      method: 'put',
      path: '/api/policy',
      operationId: 'putPolicy',
      summary: '发布新版政策设置',
      description: '仅区级审定人员。时长为 ISO 8601（P3D、PT30S）。此后登记的案件采用新版本，已在办的案件不变。',
      auth: true,
      body: { json: putPolicySchema, example: { settings: defaultPolicySettings } },
      responses: {
        201: { description: '已保存的新版本', schema: storedPolicySchema },
        403: '只有区乡村振兴局审定人员可以修改政策设置',
        409: '生效时间早于现行版本的生效时间（历史不能改写）',
      },
    }),
    ({
      method: 'post',
      path: '/api/policy/what-if',
      operationId: 'policyWhatIf',
      summary: '政策模拟测算',
      description:
        '仅区级审批人员。按拟定的政策设置（与 `PUT /api/policy` 的 settings 相同）测算对在办案件的影响，不保存任何内容：最近一次走访收入将不高于或将高于当年监测线的监测户，特困供养金额将低于低保标准1.3倍的措施，按拟定办理时限（任务开始时间加时限）将逾期或不再逾期的环节。每个案件与其现行适用的政策版本比较，所用规则与实际核查（风险消除条件、帮扶措施核对、任务期限）相同。按乡镇和类别计数，并列出案件（案件编号、村、乡镇、类别，不含姓名和身份证号）。`format=xlsx` 以附件下载并记入审计日志（`export.run`）。',
      auth: true,
      query: policyWhatIfQuerySchema,
      body: { json: policyWhatIfSchema, example: { settings: { ...defaultPolicySettings, monitoringLines: { ...defaultPolicySettings.monitoringLines, 2026: 8000 }, standards: { minimumLivingMonthly: 600 } } } },
      responses: {
        200: { description: '测算结果（`format=json`）；xlsx 为同样内容的文件（附件）', schema: policyWhatIfResultSchema, files: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] },
        400: '政策设置或格式有误（issues 中逐项说明）',
        403: '只有区级审批人员可以进行政策模拟测算',
      },
    }),
  ]),
  ...routes('审计日志', [
    ({
      method: 'get',
      path: '/api/audit',
      operationId: 'listAudit',
      summary: '查询审计日志',
      description: '新的在前，分页；身份证号、电话、银行账号已脱敏。仅区级审定人员和系统管理员。',
      auth: true,
      query: listAuditSchema,
      responses: { 200: { description: '一页审计记录', schema: auditListSchema }, 403: '无权查看审计日志' },
    }),
    ({
      method: 'get',
      path: '/api/audit/verify',
      operationId: 'verifyAudit',
      summary: '校验审计日志哈希链',
      description: '`firstBrokenId` 是第一条被改动、删除后或顺序不对的记录。仅区级审定人员和系统管理员。',
      auth: true,
      responses: { 200: { description: '校验结果', schema: auditVerificationSchema }, 403: '无权查看审计日志' },
    }),
  ]),
  ...routes('报表', [
    ({
      method: 'get',
      path: '/api/reports/monitoring',
      operationId: 'monitoringReport',
      summary: '防止返贫动态监测报表',
      description:
        '辖区内（村、乡镇、区；`townCode` 可缩小到一个乡镇）按阶段、乡镇、类别、风险类型的案件数，逾期环节，认定用时中位数，动态清零（未清零户数及占比，全区和分乡镇）。`year` 只统计当年（北京时间）发现的案件。`format=csv`（UTF-8 带 BOM，一张平表）或 `format=xlsx`（每部分一个工作表）以附件下载，并记入审计日志（`export.run`）。不含姓名、身份证号等个人信息。行业部门和区协作办不可用。',
      auth: true,
      query: monitoringReportQuerySchema,
      responses: {
        200: {
          description: '报表（`format=json`）；csv、xlsx 为同样数字的文件（附件）',
          schema: monitoringReportSchema,
          files: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        },
        400: '格式、乡镇代码或年度有误，或没有这个乡镇（issues 中逐项说明）',
        403: '行业部门和区协作办不能查看报表，或该乡镇不在您的辖区内',
      },
    }),
  ]),
  ...routes('协作帮扶', [...cooperationRouteDocs, cooperationReportRouteDoc]),
  ...routes('用户管理', userRouteDocs),
  ...relocationRouteDocs,
  ...routes('代办委托', delegationRouteDocs),
];
