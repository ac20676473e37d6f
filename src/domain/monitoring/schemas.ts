import { z } from 'zod';
import { attachmentIdsSchema } from '../attachments';
import { idNumberProblem, normalizeIdNumber } from '../id-number';
import { hiddenCharacterMessage, isReadableText } from '../text';
import { measureTypeLabels, measureTypes, monthlyAllowances, pensionBeneficiaryGroups } from './assistance';
import { categories, channels, laborCapacities, riskTypes, stages } from './case';

export const householdSchema = z.object({
  headName: z.string().trim().min(1, '请填写户主姓名').max(50, '户主姓名不超过50个字').refine(isReadableText, hiddenCharacterMessage('户主姓名')),
  idNumber: z
    .string({ error: '请填写户主身份证号' })
    .trim()
    .superRefine((v, ctx) => {
      const problem = idNumberProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(normalizeIdNumber),
  /** Mobile (13812345678) or landline with area code (023-12345678); spaces and hyphens are dropped. Personal data. */
  phone: z
    .string({ error: '联系电话应为文本' })
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^(1[3-9]\d{9}|0\d{9,11})$/, '联系电话应为11位手机号或带区号的固定电话'))
    .optional(),
  villageCode: z.string().regex(/^\d{12}$/, '村（社区）代码应为12位数字'),
  memberCount: z.number({ error: '家庭人口应为数字' }).int('家庭人口应为整数').min(1, '家庭人口至少1人').max(30, '家庭人口不超过30人'),
  laborCapacity: z.enum(laborCapacities, { error: '劳动能力应为 full、partial 或 none' }),
});

export const createMonitoringCaseSchema = z.object({
  household: householdSchema,
  category: z.enum(categories, { error: `监测对象类别应为 ${categories.join('、')} 之一` }),
  channel: z.enum(channels, { error: `发现渠道应为 ${channels.join('、')} 之一` }),
  riskTypes: z
    .array(z.enum(riskTypes, { error: `风险类型应为 ${riskTypes.join('、')} 之一` }))
    .min(1, '至少选择一项风险类型')
    .refine((a) => new Set(a).size === a.length, '风险类型不能重复'),
  perCapitaIncome: z.number({ error: '人均纯收入应为数字（元）' }).min(0, '人均纯收入不能为负数').max(10_000_000, '人均纯收入数值过大'),
  note: z.string().trim().max(2000, '备注不超过2000字').refine(isReadableText, hiddenCharacterMessage('备注')).optional(),
});
export type CreateMonitoringCase = z.infer<typeof createMonitoringCaseSchema>;

const booleanString = z.enum(['true', 'false'], { error: '应为 true 或 false' }).transform((v) => v === 'true');

export const pagingSchema = {
  page: z.coerce.number().int('页码应为整数').min(1, '页码从1开始').default(1),
  pageSize: z.coerce.number().int('每页条数应为整数').min(1, '每页至少1条').max(100, '每页最多100条').default(20),
};

export const listMonitoringCasesSchema = z.object({
  stage: z.enum(stages, { error: `阶段应为 ${stages.join('、')} 之一` }).optional(),
  townCode: z.string().regex(/^\d{9}$/, '乡镇（街道）代码应为9位数字').optional(),
  overdue: booleanString.optional(),
  ...pagingSchema,
});
export type ListMonitoringCases = z.infer<typeof listMonitoringCasesSchema>;

export const objectionSchema = z.object({
  content: z.string({ error: '请填写异议内容' }).trim().min(1, '请填写异议内容').max(2000, '异议内容不超过2000字').refine(isReadableText, hiddenCharacterMessage('异议内容')),
});

/** 风险消除申请: why the caseworker finds the household's risk eliminated. */
export const exitProposalSchema = z.object({
  reason: z.string({ error: '请填写申请风险消除的理由' }).trim().min(1, '请填写申请风险消除的理由').max(2000, '理由不超过2000字').refine(isReadableText, hiddenCharacterMessage('理由')),
});

/** Which policy version a case follows from now on. */
export const applyPolicySchema = z.object({
  version: z.number({ error: '政策版本应为数字' }).int('政策版本应为整数').min(0, '政策版本从0开始（0为内置默认设置）'),
});

/** 回退: what was found unstable at the recheck. */
export const rollbackSchema = z.object({
  reason: z.string({ error: '请填写回退原因' }).trim().min(1, '请填写回退原因').max(2000, '回退原因不超过2000字').refine(isReadableText, hiddenCharacterMessage('回退原因')),
});

/** 走访: what the caseworker found at a follow-up visit of a monitored household. */
export const visitSchema = z.object({
  perCapitaIncome: z.number({ error: '人均纯收入应为数字（元/年）' }).min(0, '人均纯收入不能为负数').max(10_000_000, '人均纯收入数值过大'),
  unresolvedSpending: z.boolean({ error: '是否仍有刚性支出困难应为 true 或 false' }),
  guaranteesSecure: z.boolean({ error: '“三保障”和饮水安全是否有保障应为 true 或 false' }),
  note: z.string().trim().max(2000, '走访记录不超过2000字').refine(isReadableText, hiddenCharacterMessage('走访记录')).optional(),
});
export type Visit = z.infer<typeof visitSchema>;

/** How far from today (Beijing time) a measure's dates may lie: plans run years, not centuries (9999 was accepted). */
export const measureDateRangeYears = 10;

/** Whether a YYYY-MM-DD date lies within `years` of today in Beijing time. */
export function withinYearsOfToday(date: string, years: number, now: Date = new Date()): boolean {
  const today = new Date(now.getTime() + 8 * 3600_000);
  const at = Date.parse(`${date}T00:00:00Z`);
  const from = Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth(), today.getUTCDate());
  const to = Date.UTC(today.getUTCFullYear() + years, today.getUTCMonth(), today.getUTCDate());
  return at >= from && at <= to;
}

const dateSchema = (field: string) =>
  z.iso
    .date({ error: `${field}应为YYYY-MM-DD格式的有效日期，例如 2026-03-01` })
    // An unparseable date is the format check's to report, once.
    .refine((v) => Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || withinYearsOfToday(v, measureDateRangeYears), `${field}应在今天前后${measureDateRangeYears}年之内`);

export const measureSchema = z
  .object(
    {
      type: z.enum(measureTypes, { error: `措施类型应为 ${measureTypes.join('、')} 之一` }),
      startDate: dateSchema('开始日期'),
      endDate: dateSchema('结束日期').optional(),
      /** 元/月 */
      monthlyAmount: z
        .number({ error: '月发放金额应为数字（元/月）' })
        .positive('月发放金额应大于0（元/月）')
        .max(1_000_000, '月发放金额数值过大')
        .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, '月发放金额最多保留两位小数（精确到分）')
        .optional(),
      beneficiaryGroup: z.enum(pensionBeneficiaryGroups, { error: `代缴对象类别应为 ${pensionBeneficiaryGroups.join('、')} 之一` }).optional(),
      note: z.string({ error: '备注应为文字' }).trim().max(500, '备注不超过500字').refine(isReadableText, hiddenCharacterMessage('备注')).optional(),
    },
    { error: '帮扶措施应为对象，包含 type 和 startDate' },
  )
  .superRefine((m, ctx) => {
    if (monthlyAllowances.includes(m.type) && m.monthlyAmount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['monthlyAmount'], message: `${measureTypeLabels[m.type]}须填写月发放金额（元/月）` });
    }
    if (m.type === 'PENSION_PREMIUM' && m.beneficiaryGroup === undefined) {
      ctx.addIssue({ code: 'custom', path: ['beneficiaryGroup'], message: '养老保险代缴须填写代缴对象类别（低保对象、特困人员、返贫致贫人口、重度残疾人或其他）' });
    }
    if (m.type !== 'PENSION_PREMIUM' && m.beneficiaryGroup !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['beneficiaryGroup'], message: `代缴对象类别只适用于养老保险代缴，${measureTypeLabels[m.type]}不需填写` });
    }
  });
export type Measure = z.infer<typeof measureSchema>;

export const measurePlanSchema = z.object(
  {
    measures: z
      .array(measureSchema, { error: '帮扶措施应为数组' })
      .min(1, '至少安排一项帮扶措施')
      .max(20, '帮扶措施不超过20项'),
  },
  { error: '帮扶计划应为对象，包含 measures' },
);
export type MeasurePlan = z.infer<typeof measurePlanSchema>;

/**
 * The bodies of the visit, objection and measure routes: what the workflow takes, plus 佐证材料 of the case to cite
 * (the API links them after the workflow has recorded the step; the workflow never sees them).
 */
const citing = { attachmentIds: attachmentIdsSchema.optional() };
export const visitRequestSchema = visitSchema.extend(citing);
export const objectionRequestSchema = objectionSchema.extend(citing);
export const measurePlanRequestSchema = measurePlanSchema.extend(citing);
