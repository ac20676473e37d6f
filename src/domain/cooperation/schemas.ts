import { z } from 'zod';
import { durationSchema } from '../policy-schemas';
import { partnerKinds, partnerKindLabels, referenceCodePattern, responsibleUnits, taskCategories, taskCategoryLabels } from './reference';

/** 协作帮扶 request schemas (zod), kept out of the workflows' bundle: workflows import the types in ./messages.ts only. */

const code = (what: string) => z.string({ error: `请填写${what}代码` }).trim().regex(referenceCodePattern, `${what}代码应为2至40位大写字母、数字或下划线，以字母开头`);
const date = (what: string) =>
  z
    .string({ error: `请填写${what}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}应写作 2027-02-15`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${what}不是有效日期`);
const amount = (what: string) => z.number({ error: `${what}应为数字` }).finite(`${what}应为有限数字`).min(0, `${what}不能为负数`).max(1e12, `${what}数值过大`);
const year = z.number({ error: '年度应为数字' }).int('年度应为整数').min(2021, '年度不早于2021年').max(2100, '年度不晚于2100年');
const text = (what: string, max: number) => z.string({ error: `请填写${what}` }).trim().min(1, `请填写${what}`).max(max, `${what}不超过${max}个字`);

export const createPartnerSchema = z.object({
  code: code('协作伙伴').optional(),
  name: text('协作伙伴名称', 100),
  kind: z.enum(partnerKinds, { error: `协作类型应为 ${partnerKinds.map((k) => `${k}（${partnerKindLabels[k]}）`).join('、')} 之一` }),
});
export type CreatePartner = z.infer<typeof createPartnerSchema>;

export const createIndicatorSchema = z.object({
  code: code('指标'),
  label: text('指标名称', 100),
  unit: text('计量单位', 20),
});

export const cooperationTaskSchema = z.object({
  title: text('任务名称', 200),
  category: z.enum(taskCategories, { error: `任务类别应为 ${taskCategories.map((c) => `${c}（${taskCategoryLabels[c]}）`).join('、')} 之一` }),
  responsibleUnit: z.enum(responsibleUnits, { error: `责任单位应为 ${responsibleUnits.join('、')} 之一` }),
  dueDate: date('完成时限'),
  indicators: z
    .array(code('指标'))
    .min(1, '每项任务至少关联一个指标')
    .refine((a) => new Set(a).size === a.length, '关联指标不能重复'),
});

const settingsSchema = z
  .object({
    reportRemindBefore: durationSchema.optional(),
    escalationAfter: durationSchema.optional(),
    reviewDue: durationSchema.optional(),
    yearEnd: z
      .object({
        month: z.number().int().min(1, '月份为1至12').max(12, '月份为1至12'),
        day: z.number().int().min(1, '日期为1至31').max(31, '日期为1至31'),
      })
      .optional(),
  })
  .describe('本计划的时限设置，省略的项用默认值：季度报告提前10天提醒（P10D），逾期7天逐级上报（P7D），报告审核10天（P10D），次年1月31日开始年终评定');

export const createPlanSchema = z.object({
  partnerCode: code('协作伙伴'),
  year,
  agreedAt: date('协议签订日期'),
  targets: z
    .array(z.object({ indicator: code('指标'), target: amount('目标值') }))
    .max(100, '指标不超过100项')
    .refine((a) => new Set(a.map((t) => t.indicator)).size === a.length, '同一指标只能有一个目标'),
  tasks: z.array(cooperationTaskSchema).max(200, '任务不超过200项').default([]),
  /** Last year's plan whose unfinished tasks this one takes on. */
  carryOverFrom: z.string().trim().min(1).max(100).optional(),
  settings: settingsSchema.optional(),
});
export type CreatePlan = z.infer<typeof createPlanSchema>;

export const listPlansSchema = z.object({
  year: z.coerce.number({ error: '年度应为数字' }).int('年度应为整数').min(2021, '年度不早于2021年').max(2100, '年度不晚于2100年').optional(),
  partnerCode: code('协作伙伴').optional(),
  page: z.coerce.number().int('页码应为整数').min(1, '页码从1开始').default(1),
  pageSize: z.coerce.number().int('每页条数应为整数').min(1, '每页至少1条').max(100, '每页最多100条').default(20),
});

export const planParamsSchema = z.object({ id: z.string().min(1).max(100) });
export const planTaskParamsSchema = z.object({ id: z.string().min(1).max(100), taskId: z.string().min(1).max(100) });

export const reportSchema = z.object({
  period: z.string({ error: '请填写报告期' }).regex(/^\d{4}Q[1-4]$/, '报告期应写作“2027Q1”（年份加季度）'),
  actuals: z
    .record(code('指标'), amount('完成值'))
    .refine((r) => Object.keys(r).length > 0, '至少报告一项指标的完成值'),
  note: z.string().trim().max(2000, '说明不超过2000字').optional(),
  evidence: z
    .array(z.string().trim().min(1, '佐证材料不能为空').max(500, '每项佐证材料不超过500字'), { error: '佐证材料应为文件名或链接的列表' })
    .max(20, '佐证材料不超过20项')
    .optional()
    .describe('佐证材料：文件名或文档系统中的链接'),
});

export const amendmentSchema = z.object({
  amendment: z.discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('ADD_TASK'), task: cooperationTaskSchema }),
      z.object({ kind: z.literal('DROP_TASK'), taskId: z.string().min(1).max(100) }),
      z.object({ kind: z.literal('REASSIGN_TASK'), taskId: z.string().min(1).max(100), responsibleUnit: z.enum(responsibleUnits, { error: `责任单位应为 ${responsibleUnits.join('、')} 之一` }) }),
      z.object({ kind: z.literal('CHANGE_TARGET'), indicator: code('指标'), target: amount('目标值') }),
    ],
    { error: '调整类型应为 ADD_TASK（新增任务）、DROP_TASK（取消任务）、REASSIGN_TASK（调整责任单位）或 CHANGE_TARGET（调整目标）' },
  ),
  reason: text('调整理由', 2000),
});
export type AmendmentBody = z.infer<typeof amendmentSchema>;

export const cooperationReportQuerySchema = z.object({
  year: z.coerce.number({ error: '年度应为数字' }).int('年度应为整数').min(2021, '年度不早于2021年').max(2100, '年度不晚于2100年').optional(),
  partnerCode: code('协作伙伴').optional(),
  format: z.enum(['json', 'csv', 'xlsx'], { error: '格式应为 json、csv 或 xlsx' }).default('json'),
});
