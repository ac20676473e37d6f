import { whatIfKindLabels, whatIfKinds, type WhatIfKind } from '../../domain/monitoring/policy-what-if';
import type { PolicyWhatIfReport } from '../policy/what-if';
import { attachmentView } from '../attachments/attachments-router';
import { z } from 'zod';
import { alertFields } from '../../domain/monitoring/department-alerts';
import { stages } from '../../domain/monitoring/case';
import { policySettingsSchema } from '../../domain/policy-schemas';
import { roles } from '../../domain/roles';
import type { departmentAlertView } from '../imports/alert-view';
import type { DepartmentAlertImportResult } from '../imports/department-alert-import';
import type { loadCaseView } from '../monitoring/case-view';
import type { inboxView, taskView } from '../tasks/task-view';
import type { AuditVerification } from '../audit/audit-log';
import type { MonitoringReport } from '../../domain/monitoring/reports';

/**
 * What the API answers, as zod schemas the OpenAPI document is generated from. Where a view function builds the
 * answer, `sameShape` below makes the compiler hold the schema and the function to one type, so neither drifts;
 * schemathesis checks the rest against real answers.
 */

/** Names of the schemas that appear in the document's components, in the order they were declared. */
export const responseSchemaNames = new Map<z.ZodType, string>();
const named = <S extends z.ZodType>(name: string, schema: S): S => {
  responseSchemaNames.set(schema, name);
  return schema;
};

const isoTime = z.string().meta({ format: 'date-time', description: 'ISO 8601 时间（UTC）' });
const isoDate = z.string().meta({ description: 'YYYY-MM-DD' });
const label = z.string().meta({ description: '中文名称' });

// Errors: the shapes http-error.ts answers with, the one place errors become HTTP.
export const validationErrorSchema = named(
  'ValidationError',
  z.object({
    error: z.literal('validation'),
    issues: z.array(z.object({ path: z.string().meta({ description: '出错字段，如 household.idNumber；空串指整个请求' }), message: z.string() })).min(1),
  }),
);
export const errorSchema = named(
  'Error',
  z.looseObject({
    error: z.string().meta({ description: 'unauthenticated、forbidden、not_found、conflict、method_not_allowed、bad_request 等' }),
    reason: z.string().meta({ description: '原因，中文，可直接展示给用户' }),
  }),
);
export const lockedErrorSchema = named(
  'LoginLocked',
  z.object({ error: z.enum(['locked', 'too_many_requests']), reason: z.string(), lockedUntil: isoTime }),
);
export const caseConflictSchema = named(
  'CaseConflict',
  z.object({ error: z.literal('conflict'), reason: z.string(), caseId: z.string().optional().meta({ description: '该户正在办理的案件' }) }),
);

export const healthSchema = named(
  'Health',
  z.object({
    status: z.enum(['ok', 'unavailable']),
    down: z.array(z.enum(['database', 'temporal'])).optional(),
    checks: z.object({ database: z.string(), temporal: z.string() }),
  }),
);

const userSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(roles), jurisdictionCode: z.string() });
export const tokenPairSchema = named(
  'TokenPair',
  z.object({ token: z.string(), tokenExpiresAt: isoTime, refreshToken: z.string(), refreshTokenExpiresAt: isoTime, user: userSchema }),
);

export const taskViewSchema = named(
  'Task',
  z.object({
    id: z.string(),
    caseId: z.string(),
    process: z.string(),
    processLabel: label,
    step: z.string(),
    stepLabel: label,
    department: z.string().nullable().meta({ description: '只有该部门的人员可以办理（信息比对、部门落实的帮扶措施）' }),
    departmentLabel: label.nullable().meta({ example: '医保' }),
    role: z.enum(roles),
    jurisdictionCode: z.string(),
    assigneeId: z.string().nullable(),
    openedAt: isoTime,
    dueAt: isoTime,
    overdue: z.boolean(),
    escalated: z.boolean(),
    escalationLevel: z.number().int(),
    escalatedToCode: z.string().nullable(),
    allowedDecisions: z.array(z.string()),
    decisionLabels: z.record(z.string(), label),
    casePath: z.string().meta({ description: '案件在网页端的页面路径，例如 /cases/<id>' }),
  }),
);

export const departmentAlertSchema = z.object({
  id: z.string(),
  name: z.string(),
  idNumber: z.string().meta({ description: '脱敏：500234********1234' }),
  department: z.string(),
  departmentLabel: label,
  trigger: z.string(),
  amount: z.number(),
  date: isoDate,
  importId: z.string(),
  importedAt: isoTime,
});

const codeAndLabel = z.object({ code: z.string(), label });

/** 佐证材料 as upload answers and case views show it (no content: download it by id). */
export const attachmentSchema = named(
  'Attachment',
  z.object({
    id: z.string(),
    name: z.string().meta({ description: '上传时的文件名' }),
    contentType: z.enum(['image/jpeg', 'image/png', 'application/pdf']).meta({ description: '按文件内容识别的类型' }),
    size: z.number().int().meta({ description: '保存的字节数（照片去除位置信息之后）' }),
    sha256: z.string().meta({ description: '保存内容的 SHA-256（十六进制），下载前校验' }),
    uploadedBy: z.string().meta({ description: '上传人的用户名' }),
    uploadedAt: isoTime,
  }),
);

export const caseViewSchema = named(
  'MonitoringCase',
  z.object({
    id: z.string(),
    stage: z.enum(stages),
    stageLabel: label,
    category: z.string(),
    categoryLabel: label,
    channel: z.string(),
    channelLabel: label,
    riskTypes: z.array(codeAndLabel),
    villageCode: z.string(),
    villageName: z.string().nullable(),
    townCode: z.string(),
    townName: z.string().nullable(),
    policyVersion: z.number().int(),
    exitReadiness: z
      .object({ canPropose: z.boolean(), problems: z.array(z.string()) })
      .nullable()
      .meta({ description: '已纳入监测时：现在能否申请风险消除，以及不能的每一条原因；其他阶段为 null' }),
    discoveredAt: isoTime,
    closedAt: isoTime.nullable(),
    overdue: z.boolean(),
    postingEndsAt: isoTime.nullable(),
    identificationDueAt: isoTime,
    clocks: z.array(z.object({ name: z.string(), endsAt: isoTime, overdue: z.boolean() })),
    household: z.object({
      id: z.string(),
      headName: z.string(),
      idNumber: z.string().meta({ description: '脱敏：500234********1234' }),
      phone: z.string().nullable().meta({ description: '脱敏：138****5678' }),
      memberCount: z.number().int(),
      laborCapacity: z.string(),
      laborCapacityLabel: label,
      perCapitaIncome: z.number(),
    }),
    openTasks: z.array(taskViewSchema),
    relocationId: z.string().nullable().meta({ description: '转入本案件（或补充线索）的易地搬迁后续扶持案件' }),
    alerts: z.array(departmentAlertSchema),
    measures: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        label,
        department: z.string().nullable(),
        startDate: isoDate,
        endDate: isoDate.nullable(),
        monthlyAmount: z.number().nullable(),
        status: z.string(),
        statusLabel: label,
      }),
    ),
    visits: z.array(z.object({ at: isoTime, perCapitaIncome: z.number(), unresolvedSpending: z.boolean(), guaranteesSecure: z.boolean() })),
    attachments: z.array(attachmentSchema).meta({ description: '佐证材料，按上传时间先后' }),
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
        attachments: z.array(attachmentSchema).meta({ description: '该条记录上传或引用的佐证材料' }),
      }),
    ),
  }),
);

export const caseListSchema = named(
  'MonitoringCaseList',
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        stage: z.enum(stages),
        stageLabel: label,
        category: z.string(),
        headName: z.string(),
        villageCode: z.string(),
        townCode: z.string(),
        discoveredAt: isoTime,
        overdue: z.boolean(),
      }),
    ),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  }),
);

export const objectionFiledSchema = named('ObjectionFiled', z.object({ taskId: z.string(), case: caseViewSchema }));
export const visitRecordedSchema = named('VisitRecorded', z.object({ visitId: z.string(), nextVisitTaskId: z.string(), case: caseViewSchema }));
export const measuresPlannedSchema = named('MeasuresPlanned', z.object({ measureIds: z.array(z.string()), case: caseViewSchema }));
export const exitProposedSchema = named(
  'ExitProposed',
  z.object({ taskId: z.string().meta({ description: '风险消除入户核实任务' }), stage: z.enum(stages), case: caseViewSchema }),
);
export const rolledBackSchema = named(
  'RolledBack',
  z.object({ stage: z.enum(stages), visitTaskId: z.string().meta({ description: '恢复的定期走访任务' }), case: caseViewSchema }),
);

export const inboxSchema = named(
  'Inbox',
  z.object({
    items: z.array(taskViewSchema).meta({ description: '本人可以办理的待办，按办理期限先后，第 page 页' }),
    escalated: z.array(taskViewSchema).meta({ description: '逾期上报到本乡镇或本区督办的任务，同样分页；不督办的角色为空' }),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int().meta({ description: 'items 的总条数' }),
    escalatedTotal: z.number().int().meta({ description: 'escalated 的总条数' }),
    delegated: z
      .array(
        taskViewSchema.extend({
          onBehalfOf: z.object({ userId: z.string(), username: z.string(), displayName: z.string() }),
          delegatedLabel: label,
        }),
      )
      .meta({ description: '代办：本人在委托期内代为办理的缺勤同事的待办（每条注明代谁办理），第 page 页' }),
    delegatedTotal: z.number().int().meta({ description: 'delegated 的总条数' }),
  }),
);
export const taskDecidedSchema = named('TaskDecided', z.object({ taskId: z.string(), caseId: z.string(), stage: z.string(), stageLabel: label }));

export const importResultSchema = named(
  'DepartmentAlertImport',
  z.object({
    importId: z.string(),
    alreadyImported: z.boolean(),
    accepted: z.number().int(),
    rejected: z.array(z.object({ row: z.number().int().meta({ description: '文件中的行号（表头为第1行）' }), field: z.enum(alertFields), message: z.string() })),
    leadsCreated: z.number().int(),
    evidenceAdded: z.number().int(),
    duplicates: z.number().int(),
  }),
);

// Settings as stored: a version stored before a setting existed lacks it (cases then use its default), so the
// settings with defaults are optional here, as in the PUT body.
const settingsWithDefaults = Object.fromEntries(
  Object.entries(policySettingsSchema.shape).flatMap(([key, schema]) => (schema.safeParse(undefined).success ? [[key, true]] : [])),
) as { [K in keyof typeof policySettingsSchema.shape]?: true };
const policyVersionFields = { version: z.number().int(), settings: policySettingsSchema.partial(settingsWithDefaults) };
const storedPolicyVersionSchema = z.object({
  ...policyVersionFields,
  effectiveFrom: isoTime,
  createdBy: z.string().optional().meta({ description: '设定人用户名' }),
  createdAt: isoTime.optional(),
});
const builtInPolicySchema = z.object({ ...policyVersionFields, version: z.literal(0), effectiveFrom: z.null() });
const policyVersionSchema = z.union([storedPolicyVersionSchema, builtInPolicySchema]);
export const storedPolicySchema = named('PolicyVersion', storedPolicyVersionSchema);
export const policySchema = named(
  'Policy',
  z.object({
    current: policyVersionSchema,
    versions: z.array(policyVersionSchema).optional().meta({ description: '仅区级审定人员和管理员可见，新版本在前，最后是第0版（内置默认值）' }),
  }),
);

export const auditListSchema = named(
  'AuditEntries',
  z.object({
    items: z.array(
      z.object({
        id: z.number().int(),
        at: isoTime,
        action: z.string(),
        actorId: z.string().nullable(),
        actor: z.string().nullable(),
        actorRole: z.string().nullable(),
        targetType: z.string().nullable(),
        targetId: z.string().nullable(),
        before: z.unknown(),
        after: z.unknown(),
        clientAddress: z.string().nullable(),
        prevHash: z.string(),
        hash: z.string(),
      }),
    ),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  }),
);
export const auditVerificationSchema = named('AuditVerification', z.object({ valid: z.boolean(), checked: z.number().int(), firstBrokenId: z.number().int().optional() }));

const transferPlace = z.object({ villageCode: z.string(), villageName: z.string().nullable(), townCode: z.string(), townName: z.string().nullable() });
export const householdTransferSchema = named(
  'HouseholdTransfer',
  z.object({
    id: z.string(),
    householdId: z.string(),
    idNumber: z.string().meta({ description: '户主身份证号（脱敏）' }),
    from: transferPlace,
    to: transferPlace,
    reason: z.string(),
    by: z.string().nullable().meta({ description: '办理人用户名' }),
    at: isoTime,
  }),
);
export const householdTransferListSchema = named(
  'HouseholdTransferList',
  z.object({ items: z.array(householdTransferSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }),
);

export const codecPayloadsSchema = named(
  'CodecPayloads',
  z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })) }),
);

export const openApiDocumentSchema = named('OpenApiDocument', z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }));

const count = z.number().int().min(0);
const clearingCountsShape = {
  monitored: count.meta({ description: '监测户数（已纳入监测及风险消除审核中）' }),
  riskWithoutMeasure: count.meta({ description: '有识别风险但无帮扶措施（待落实或已落实）的户数' }),
  withOverdueStep: count.meta({ description: '有逾期环节的户数' }),
  uncleared: count.meta({ description: '未清零户数：以上两种情况之一，每户计一次' }),
  unclearedShare: z.number().min(0).max(1).nullable().meta({ description: '未清零占比 0..1；没有监测户时为 null' }),
};
const townShape = { townCode: z.string(), townName: label };
export const monitoringReportSchema = named(
  'MonitoringReport',
  z.object({
    generatedAt: isoTime,
    scope: z.object({ code: z.string(), name: label, level: z.enum(['DISTRICT', 'TOWN', 'VILLAGE']) }),
    filters: z.object({ townCode: z.string().nullable(), year: z.number().int().nullable() }),
    totals: z.object({ cases: count, monitored: count, overdueTasks: count }),
    byStage: z.array(z.object({ stage: z.string(), stageLabel: label, count })),
    byTown: z.array(z.object({ ...townShape, count })),
    byCategory: z.array(z.object({ category: z.string(), categoryLabel: label, count })),
    byRiskType: z.array(z.object({ riskType: z.string(), riskTypeLabel: label, count }).meta({ description: '一户多种风险类型的，各计一次' })),
    overdueSteps: z.object({
      total: count,
      byStep: z.array(z.object({ step: z.string(), stepLabel: label, count })),
      byStepAndTown: z.array(z.object({ step: z.string(), stepLabel: label, ...townShape, count, oldestDueAt: isoTime })),
    }),
    identification: z.object({
      reachedMonitored: count,
      medianDays: z.number().nullable().meta({ description: '从发现到纳入监测的天数中位数，保留1位小数；没有已纳入监测的案件时为 null' }),
      byTown: z.array(z.object({ ...townShape, reachedMonitored: count, medianDays: z.number().nullable() })),
    }),
    dynamicClearing: z.object({ overall: z.object(clearingCountsShape), byTown: z.array(z.object({ ...townShape, ...clearingCountsShape })) }),
  }),
);

const whatIfByKind = z.object(Object.fromEntries(whatIfKinds.map((k) => [k, z.number().int().meta({ description: whatIfKindLabels[k] })])) as Record<WhatIfKind, z.ZodNumber>);
const nullableNumber = z.number().nullable();
export const policyWhatIfSchema = named(
  'PolicyWhatIf',
  z.object({
    generatedAt: isoTime,
    scope: z.string().meta({ description: '测算范围（区的行政区划代码）' }),
    year: z.number().int().meta({ description: '按北京时间的当前年度（监测线所属年度）' }),
    proposed: z.object({
      monitoringLine: z.object({ line: z.number(), year: z.number().int(), carriedForward: z.boolean() }).nullable().meta({ description: '拟定的当年监测线（元/人/年）；当年未设置时沿用此前最近年度的' }),
      minimumLivingMonthly: z.number().meta({ description: '拟定的低保标准（元/人/月）' }),
      extremePovertyMinimum: z.number().meta({ description: '特困供养最低金额（低保标准的1.3倍，元/月）' }),
    }),
    examinedCases: z.number().int().meta({ description: '测算的在办案件数' }),
    totals: z.object({ cases: z.number().int().meta({ description: '受影响的案件数' }), byKind: whatIfByKind }),
    counts: z.array(
      z.object({ townCode: z.string(), townName: label.nullable(), category: z.string(), categoryLabel: label, cases: z.number().int(), byKind: whatIfByKind }),
    ),
    changes: z.array(
      z.object({
        caseId: z.string(),
        process: z.string(),
        villageCode: z.string(),
        villageName: label.nullable(),
        townCode: z.string(),
        townName: label.nullable(),
        category: z.string(),
        categoryLabel: label,
        stage: z.string(),
        stageLabel: label,
        policyVersion: z.number().int().meta({ description: '案件现行适用的政策版本（比较基准）' }),
        kind: z.enum(whatIfKinds),
        kindLabel: label,
        income: nullableNumber,
        currentLine: nullableNumber,
        proposedLine: nullableNumber,
        measureId: z.string().nullable(),
        monthlyAmount: nullableNumber,
        currentMinimum: nullableNumber,
        proposedMinimum: nullableNumber,
        taskId: z.string().nullable(),
        step: z.string().nullable(),
        stepLabel: label.nullable(),
        dueAt: isoTime.nullable(),
        proposedDueAt: isoTime.nullable(),
      }),
    ),
  }),
);

// The compiler's half of "the document cannot drift": each view function returns exactly what its schema describes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape = <A, B>(proof: Same<A, B>) => proof;
sameShape<ReturnType<typeof taskView>, z.output<typeof taskViewSchema>>(true);
sameShape<ReturnType<typeof inboxView>, z.output<typeof inboxSchema>>(true);
sameShape<ReturnType<typeof departmentAlertView>, z.output<typeof departmentAlertSchema>>(true);
sameShape<NonNullable<Awaited<ReturnType<typeof loadCaseView>>>, z.output<typeof caseViewSchema>>(true);
sameShape<ReturnType<typeof attachmentView>, z.output<typeof attachmentSchema>>(true);
sameShape<DepartmentAlertImportResult, z.output<typeof importResultSchema>>(true);
sameShape<AuditVerification, z.output<typeof auditVerificationSchema>>(true);
sameShape<MonitoringReport, z.output<typeof monitoringReportSchema>>(true);
sameShape<PolicyWhatIfReport, z.output<typeof policyWhatIfSchema>>(true);
