import { z } from 'zod';
import { laborCapacities, riskTypes } from '../monitoring/case';
import { householdSchema, pagingSchema } from '../monitoring/schemas';
import { healthStatuses, projectTypes, siteKinds } from './case';

/** The relocation API's bodies and queries. Workflows import the inferred types only (no zod in the bundle). */

const dateSchema = (field: string) => z.iso.date({ error: `${field}应为YYYY-MM-DD格式的有效日期，例如 2026-03-01` });
const text = (field: string, max: number) => z.string({ error: `请填写${field}` }).trim().min(1, `请填写${field}`).max(max, `${field}不超过${max}个字`);
const money = (field: string) => z.number({ error: `${field}应为数字（元）` }).min(0, `${field}不能为负数`).max(10_000_000, `${field}数值过大`);

export const siteCodeSchema = z.string({ error: '安置点代码应为字符串' }).regex(/^[A-Za-z0-9_-]{2,32}$/, '安置点代码应为2至32位字母、数字、- 或 _');

export const createSiteSchema = z.object({
  code: siteCodeSchema,
  name: text('安置点名称', 100),
  townCode: z.string({ error: '请填写乡镇（街道）代码' }).regex(/^\d{9}$/, '乡镇（街道）代码应为9位数字'),
  kind: z.enum(siteKinds, { error: '安置方式应为 CENTRALISED（集中安置）或 SCATTERED（分散安置）' }),
  households: z.number({ error: '安置户数应为数字' }).int('安置户数应为整数').min(0, '安置户数不能为负数').max(100_000, '安置户数数值过大'),
});
export type CreateSite = z.infer<typeof createSiteSchema>;

export const createRelocationSchema = z.object({
  household: householdSchema,
  siteCode: siteCodeSchema,
  relocatedAt: dateSchema('搬迁入住日期'),
});
export type CreateRelocation = z.infer<typeof createRelocationSchema>;

const booleanString = z.enum(['true', 'false'], { error: '应为 true 或 false' }).transform((v) => v === 'true');

export const listRelocationsSchema = z.object({
  siteCode: siteCodeSchema.optional(),
  townCode: z.string().regex(/^\d{9}$/, '乡镇（街道）代码应为9位数字').optional(),
  atRisk: booleanString.optional(),
  ...pagingSchema,
});

/** 基线调查: the household as the village found it; no names, no ID numbers, no diagnosis. */
export const baselineSchema = z.object({
  memberCount: z.number({ error: '家庭人口应为数字' }).int('家庭人口应为整数').min(1, '家庭人口至少1人').max(30, '家庭人口不超过30人'),
  laborForceCount: z.number({ error: '劳动力人数应为数字' }).int('劳动力人数应为整数').min(0, '劳动力人数不能为负数').max(30, '劳动力人数不超过30人'),
  laborCapacity: z.enum(laborCapacities, { error: '劳动能力应为 full、partial 或 none' }),
  skills: z.array(text('技能', 50), { error: '技能应为数组' }).max(20, '技能不超过20项').default([]),
  healthStatus: z.enum(healthStatuses, { error: `健康状况应为 ${healthStatuses.join('、')} 之一` }),
  workWishes: z.string({ error: '就业意愿应为文字' }).trim().max(500, '就业意愿不超过500字').default(''),
  trainingWishes: z.string({ error: '培训意愿应为文字' }).trim().max(500, '培训意愿不超过500字').default(''),
}).superRefine((b, ctx) => {
  if (b.laborForceCount > b.memberCount) ctx.addIssue({ code: 'custom', path: ['laborForceCount'], message: '劳动力人数不能多于家庭人口' });
  if (b.laborCapacity === 'none' && b.laborForceCount > 0) ctx.addIssue({ code: 'custom', path: ['laborForceCount'], message: '无劳动能力的户劳动力人数应为0' });
});
export type Baseline = z.infer<typeof baselineSchema>;

/** 就业台账: one member's job. `endDate` is the first day without it. */
export const employmentSchema = z
  .object({
    memberName: text('就业成员姓名', 50),
    employer: text('就业单位', 100),
    industry: text('行业', 50),
    monthlyPay: money('月工资'),
    startDate: dateSchema('开始日期'),
    endDate: dateSchema('结束日期').optional(),
  })
  .superRefine((e, ctx) => {
    if (e.endDate && e.endDate <= e.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: '结束日期应晚于开始日期' });
  });
export type EmploymentEntry = z.infer<typeof employmentSchema>;

export const endEmploymentSchema = z.object({ endDate: dateSchema('结束日期') });

/** 产业项目台账. */
export const projectSchema = z.object({
  name: text('项目名称', 100),
  type: z.enum(projectTypes, { error: `项目类型应为 ${projectTypes.join('、')} 之一` }),
  startDate: dateSchema('开始日期'),
  expectedYearlyIncome: money('预计年收入').optional(),
});
export type ProjectEntry = z.infer<typeof projectSchema>;

/** 后续扶持走访: what the caseworker found; at risk refers the household into monitoring. */
export const relocationVisitSchema = z
  .object({
    atRisk: z.boolean({ error: '是否存在返贫风险应为 true 或 false' }),
    riskTypes: z
      .array(z.enum(riskTypes, { error: `风险类型应为 ${riskTypes.join('、')} 之一` }))
      .refine((a) => new Set(a).size === a.length, '风险类型不能重复')
      .optional(),
    perCapitaIncome: money('人均纯收入'),
    note: z.string({ error: '走访记录应为文字' }).trim().max(2000, '走访记录不超过2000字').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.atRisk && !v.riskTypes?.length) ctx.addIssue({ code: 'custom', path: ['riskTypes'], message: '存在返贫风险时至少选择一项风险类型' });
    if (!v.atRisk && v.riskTypes?.length) ctx.addIssue({ code: 'custom', path: ['riskTypes'], message: '未发现返贫风险时不填写风险类型' });
  });
export type RelocationVisit = z.infer<typeof relocationVisitSchema>;

export const entryParamsSchema = z.object({ id: z.string(), entryId: z.string() });
