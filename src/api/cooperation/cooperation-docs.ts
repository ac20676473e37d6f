import { z } from 'zod';
import { partnerKinds } from '../../domain/cooperation/reference';
import {
  amendmentSchema,
  cooperationReportQuerySchema,
  createIndicatorSchema,
  createPartnerSchema,
  createPlanSchema,
  listPlansSchema,
  reportSchema,
} from '../../domain/cooperation/schemas';
import { idempotencyKeyHeaders } from '../idempotency-key';
import { responseSchemaNames, taskViewSchema } from '../openapi/response-schemas';
import type { RouteDoc } from '../openapi/registry';

/** The OpenAPI descriptions of the 协作帮扶 routes (src/api/openapi/routes.ts lists them). */

const named = <S extends z.ZodType>(name: string, schema: S): S => {
  responseSchemaNames.set(schema, name);
  return schema;
};
const label = z.string().meta({ description: '中文名称' });
const isoTime = z.string().meta({ format: 'date-time', description: 'ISO 8601 时间（UTC）' });

const partnerSchema = named('CooperationPartner', z.object({ code: z.string(), name: z.string(), kind: z.string(), kindLabel: label }));
const partnerListSchema = named('CooperationPartnerList', z.object({ items: z.array(partnerSchema) }));
const indicatorSchema = named('CooperationIndicator', z.object({ code: z.string(), label, unit: z.string() }));
const indicatorListSchema = named('CooperationIndicatorList', z.object({ items: z.array(indicatorSchema) }));
const rollUpSchema = z.object({
  code: z.string(),
  label,
  unit: z.string(),
  target: z.number().nullable(),
  actual: z.number().meta({ description: '已采纳季度报告的完成值之和' }),
  share: z.number().nullable().meta({ description: '完成率 actual / target（0..1 以上），无目标时为 null' }),
});
const planReportSchema = z.object({
  id: z.string(),
  period: z.string(),
  status: z.enum(['SUBMITTED', 'ACCEPTED', 'RETURNED']),
  statusLabel: label,
  actuals: z.record(z.string(), z.number()),
  note: z.string().nullable(),
  evidence: z.array(z.string()),
  submittedAt: isoTime,
  reviewedAt: isoTime.nullable(),
  reviewComment: z.string().nullable(),
});
const planTaskSchema = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  categoryLabel: label,
  responsibleUnit: z.string(),
  responsibleUnitLabel: label,
  dueDate: z.string(),
  indicators: z.array(z.string()),
  stage: z.string(),
  stageLabel: label,
  finished: z.boolean().nullable(),
  grade: z.string().nullable(),
  gradeLabel: label.nullable(),
  carriedFromTaskId: z.string().nullable(),
  reports: z.array(planReportSchema),
});
const closingSchema = z.object({
  indicators: z.array(z.object({ code: z.string(), target: z.number().nullable(), actual: z.number(), share: z.number().nullable() })),
  grade: z.string().nullable(),
  unfinishedTaskIds: z.array(z.string()),
});
export const planViewSchema = named(
  'CooperationPlan',
  z.object({
    id: z.string().meta({ description: '计划编号：协作伙伴代码-年度，例如 JIANGJIN-2027' }),
    partner: partnerSchema,
    year: z.number().int(),
    agreedAt: z.string(),
    stage: z.string(),
    stageLabel: label,
    grade: z.string().nullable(),
    gradeLabel: label.nullable(),
    carryOverFrom: z.string().nullable(),
    createdAt: isoTime,
    closedAt: isoTime.nullable(),
    indicators: z.array(rollUpSchema),
    tasks: z.array(planTaskSchema),
    openTasks: z.array(taskViewSchema),
    timeline: z.array(
      z.object({
        id: z.string(),
        at: isoTime,
        kind: z.string(),
        taskId: z.string().nullable(),
        step: z.string().nullable(),
        stepLabel: label.nullable(),
        actorName: z.string().nullable(),
        decision: z.string().nullable(),
        decisionLabel: label.nullable(),
        comment: z.string().nullable(),
        fromStage: z.string().nullable(),
        toStage: z.string().nullable(),
      }),
    ),
    closing: closingSchema.nullable(),
  }),
);
const planListSchema = named(
  'CooperationPlanList',
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        partner: z.object({ code: z.string(), name: z.string(), kind: z.string() }),
        year: z.number().int(),
        agreedAt: z.string(),
        stage: z.string(),
        stageLabel: label,
        grade: z.string().nullable(),
        taskCount: z.number().int(),
      }),
    ),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  }),
);
const reportFiledSchema = named(
  'CooperationReportFiled',
  z.object({ reportId: z.string(), reviewTaskId: z.string(), period: z.string(), taskId: z.string(), planId: z.string(), status: z.literal('SUBMITTED'), statusLabel: label }),
);
const amendedSchema = named('CooperationPlanAmended', z.object({ amendmentId: z.string(), taskId: z.string().nullable(), plan: planViewSchema.nullable() }));
const planConflictSchema = named('CooperationPlanConflict', z.object({ error: z.literal('conflict'), reason: z.string(), planId: z.string().optional() }));
const cooperationReportSchema = named(
  'CooperationReport',
  z.object({
    generatedAt: isoTime,
    filters: z.object({ year: z.number().int().nullable(), partnerCode: z.string().nullable() }),
    rows: z.array(
      z.object({
        year: z.number().int(),
        planId: z.string(),
        partnerCode: z.string(),
        partnerName: z.string(),
        partnerKind: z.string(),
        partnerKindLabel: label,
        stage: z.string(),
        stageLabel: label,
        indicator: z.string(),
        indicatorLabel: label,
        unit: z.string(),
        target: z.number().nullable(),
        actual: z.number(),
        share: z.number().nullable(),
      }),
    ),
    plans: z.array(
      z.object({
        planId: z.string(),
        year: z.number().int(),
        partnerCode: z.string(),
        partnerName: z.string(),
        stage: z.string(),
        tasksByStage: z.record(z.string(), z.number().int()),
        overdueReports: z.number().int(),
      }),
    ),
  }),
);

const planParams = z.object({ id: z.string().min(1).meta({ description: '计划编号（协作伙伴代码-年度）', examples: ['JIANGJIN-2027'] }) });
const planTaskParams = planParams.extend({ taskId: z.string().min(1).meta({ description: '计划任务 id（UUID）', examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81'] }) });

const noPart = '村级、乡镇角色和系统管理员不参与协作帮扶计划';
const planNotFound = '计划不存在，或（行业部门）计划中没有本部门的任务';
const coordinatorsOnly = '须由区协作办办理';

const planExample = {
  partnerCode: 'JIANGJIN',
  year: 2027,
  agreedAt: '2027-02-15',
  targets: [
    { indicator: 'FISCAL_FUNDS', target: 500 },
    { indicator: 'WORKERS_PLACED', target: 200 },
  ],
  tasks: [{ title: '江津—开州劳务协作', category: 'LABOUR', responsibleUnit: 'HUMAN_RESOURCES', dueDate: '2027-12-31', indicators: ['WORKERS_PLACED'] }],
};

export const cooperationRouteDocs: Omit<RouteDoc, 'tags'>[] = [
  {
    method: 'get',
    path: '/api/cooperation/partners',
    operationId: 'listCooperationPartners',
    summary: '协作伙伴',
    description: `江津区、万盛经开区（对口协同发展）、山东省潍坊市（鲁渝协作）等，类型：${partnerKinds.join('、')}。区协作办、区级审定人员、行业部门和系统管理员可查看。`,
    auth: true,
    responses: { 200: { description: '协作伙伴', schema: partnerListSchema }, 403: '村级、乡镇角色无权查看' },
  },
  {
    method: 'post',
    path: '/api/cooperation/partners',
    operationId: 'createCooperationPartner',
    summary: '新增协作伙伴',
    description: '区协作办。`code` 省略时按类型编号。名称或代码已有时 409。',
    auth: true,
    headers: idempotencyKeyHeaders,
    body: { json: createPartnerSchema, example: { name: '某中央单位', kind: 'CENTRAL_UNIT' } },
    responses: { 201: { description: '已新增', schema: partnerSchema }, 403: coordinatorsOnly, 409: '协作伙伴已存在' },
  },
  {
    method: 'get',
    path: '/api/cooperation/indicators',
    operationId: 'listCooperationIndicators',
    summary: '协作指标及计量单位',
    auth: true,
    responses: { 200: { description: '指标', schema: indicatorListSchema }, 403: '村级、乡镇角色无权查看' },
  },
  {
    method: 'post',
    path: '/api/cooperation/indicators',
    operationId: 'createCooperationIndicator',
    summary: '新增协作指标',
    description: '区协作办。代码或名称已有时 409。',
    auth: true,
    headers: idempotencyKeyHeaders,
    body: { json: createIndicatorSchema, example: { code: 'TRAINEES', label: '培训人次', unit: '人次' } },
    responses: { 201: { description: '已新增', schema: indicatorSchema }, 403: coordinatorsOnly, 409: '指标已存在' },
  },
  {
    method: 'post',
    path: '/api/cooperation/plans',
    operationId: 'createCooperationPlan',
    summary: '制定协作帮扶年度计划',
    description:
      '区协作办。每个协作伙伴每年一个计划（再次提交 409）。每项任务每季度由责任单位报送进展（季度末到期，提前10天提醒，逾期依次上报区协作办、区级审定人员），区协作办采纳或退回；次年1月31日起年终自评、评定等次、区级审定（次年2月底前）。`carryOverFrom` 承接同一伙伴已办结的上年计划中的未完成任务。',
    auth: true,
    headers: idempotencyKeyHeaders,
    body: { json: createPlanSchema, example: planExample },
    responses: {
      201: { description: '已制定，返回计划', schema: planViewSchema },
      403: coordinatorsOnly,
      409: { description: '该伙伴该年度已有计划（`planId`），或承接的计划尚未办结', schema: planConflictSchema },
    },
  },
  {
    method: 'get',
    path: '/api/cooperation/plans',
    operationId: 'listCooperationPlans',
    summary: '协作帮扶计划列表',
    description: '区协作办和区级审定人员看全部计划，行业部门看有本部门任务的计划。',
    auth: true,
    query: listPlansSchema,
    responses: { 200: { description: '一页计划', schema: planListSchema }, 403: noPart },
  },
  {
    method: 'get',
    path: '/api/cooperation/plans/{id}',
    operationId: 'getCooperationPlan',
    summary: '协作帮扶计划详情',
    description: '指标目标、完成值（已采纳季度报告之和）和完成率，任务及其季度报告，待办和办理记录。行业部门只看到本部门的任务。',
    auth: true,
    params: planParams,
    responses: { 200: { description: '计划', schema: planViewSchema }, 403: noPart, 404: planNotFound },
  },
  {
    method: 'post',
    path: '/api/cooperation/plans/{id}/tasks/{taskId}/reports',
    operationId: 'fileCooperationReport',
    summary: '报送季度进展报告',
    description:
      '责任单位（本部门的行业部门人员，区协作办负责的任务由区协作办）报送本计划年度当前季度或之前季度的完成值；打开区协作办的季度报告审核（通过 `/api/tasks` 采纳 accept 或退回 return，不能审核自己报送的报告）。同一季度已报送待审核或已采纳时 409。',
    auth: true,
    params: planTaskParams,
    headers: idempotencyKeyHeaders,
    body: { json: reportSchema, example: { period: '2027Q1', actuals: { WORKERS_PLACED: 65 }, note: '一季度组织专场招聘3场', evidence: ['2027Q1劳务协作台账.xlsx'] } },
    responses: {
      201: { description: '已报送，待审核', schema: reportFiledSchema },
      403: '不是该任务的责任单位',
      404: planNotFound,
      409: '该季度已报送，或任务已进入年终评定',
    },
  },
  {
    method: 'post',
    path: '/api/cooperation/plans/{id}/amendments',
    operationId: 'amendCooperationPlan',
    summary: '调整协作帮扶计划',
    description: '区协作办在年度实施中调整：新增任务（ADD_TASK）、取消任务（DROP_TASK）、调整责任单位（REASSIGN_TASK）、调整指标目标（CHANGE_TARGET），须写明理由；记入办理记录和审计日志，其他任务照常进行。',
    auth: true,
    params: planParams,
    headers: idempotencyKeyHeaders,
    body: { json: amendmentSchema, example: { amendment: { kind: 'CHANGE_TARGET', indicator: 'FISCAL_FUNDS', target: 600 }, reason: '江津区追加财政援助资金' } },
    responses: {
      201: { description: '已调整，返回计划', schema: amendedSchema },
      403: coordinatorsOnly,
      404: planNotFound,
      409: '计划已进入年终评定，或任务已取消',
    },
  },
];

export const cooperationReportRouteDoc: Omit<RouteDoc, 'tags'> = {
  method: 'get',
  path: '/api/reports/cooperation',
  operationId: 'cooperationReport',
  summary: '协作帮扶指标完成情况报表',
  description:
    '每个协作伙伴（计划）×指标一行：目标值、完成值（已采纳季度报告之和）、完成率；另有各计划任务状态和逾期季度报告数。`format=csv`（UTF-8 带 BOM）或 `format=xlsx` 以附件下载，并记入审计日志（`export.run`）。区协作办、区级审定人员和系统管理员。',
  auth: true,
  query: cooperationReportQuerySchema,
  responses: {
    200: {
      description: '报表（`format=json`）；csv、xlsx 为同样数字的文件（附件）',
      schema: cooperationReportSchema,
      files: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
    403: '仅区协作办、区级审定人员和系统管理员',
  },
};
