import { z } from 'zod';
import { parseDuration } from './duration';
import { defaultMonitoringLines, defaultStandards, slaSteps, type SlaStep } from './policy';

/** The policy settings as the API accepts them and as stored versions are read back: zod, kept out of the workflows. */

/**
 * Bounds of every setting: wide enough for any real policy and for demos in seconds, narrow enough that nothing
 * derived from them overflows (a 200,000,000-day interval once gave a case `dueAt: Invalid Date` and an activity
 * retried forever).
 */
export const policyBounds = {
  durationMs: { min: 1000, max: 3650 * 24 * 3600_000 },
  /** 元/人/年 */
  monitoringLine: { min: 1000, max: 100_000 },
  /** 元/人/月 */
  minimumLivingMonthly: { min: 100, max: 10_000 },
  lineYears: { min: 2020, max: 2100 },
  /** How far ahead a version may be stored. */
  effectiveFromAheadYears: 2,
} as const;

export const durationSchema = z
  .string({ error: '应为ISO 8601时长字符串，例如 P3D（3天）或 PT10S（10秒）' })
  .refine((v) => (parseDuration(v) ?? 0) > 0, { message: '应为正的ISO 8601时长，例如 P3D（3天）或 PT10S（10秒）', abort: true })
  .refine((v) => parseDuration(v)! >= policyBounds.durationMs.min && parseDuration(v)! <= policyBounds.durationMs.max, {
    message: '时长应在1秒（PT1S）到3650天（P3650D）之间',
  });

// The settings below came after policy versions were first stored; their defaults let those versions still load.
const assistanceSettings = {
  monitoringLines: z
    .record(
      z.string().regex(/^\d{4}$/).refine((y) => Number(y) >= policyBounds.lineYears.min && Number(y) <= policyBounds.lineYears.max),
      z
        .number({ error: '监测线应为数字（元/人/年）' })
        .min(policyBounds.monitoringLine.min, `监测线应在${policyBounds.monitoringLine.min}到${policyBounds.monitoringLine.max}元/人/年之间`)
        .max(policyBounds.monitoringLine.max, `监测线应在${policyBounds.monitoringLine.min}到${policyBounds.monitoringLine.max}元/人/年之间`),
      {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? `监测线的年份应为${policyBounds.lineYears.min}到${policyBounds.lineYears.max}之间的4位数字，例如 2026`
            : '监测线应为对象，按年份填写，例如 {"2026": 7500}',
      },
    )
    .refine((lines) => Object.keys(lines).length > 0, '至少填写一个年份的监测线')
    .default(() => ({ ...defaultMonitoringLines })),
  standards: z
    .object(
      {
        minimumLivingMonthly: z
          .number({ error: '低保标准应为数字（元/人/月）' })
          .min(policyBounds.minimumLivingMonthly.min, `低保标准应在${policyBounds.minimumLivingMonthly.min}到${policyBounds.minimumLivingMonthly.max}元/人/月之间`)
          .max(policyBounds.minimumLivingMonthly.max, `低保标准应在${policyBounds.minimumLivingMonthly.min}到${policyBounds.minimumLivingMonthly.max}元/人/月之间`),
      },
      { error: '保障标准应为对象，包含 minimumLivingMonthly（低保标准，元/人/月）' },
    )
    .default(() => ({ ...defaultStandards })),
  /** How often a monitored household is visited, at least (*precedent*: monthly). */
  followUpVisitInterval: durationSchema.default('P30D'),
  /** How long the responsible department or village has to deliver a planned measure. */
  measureDeliveryDue: durationSchema.default('P15D'),
  /** 风险消除: monitored at least this long before elimination may be proposed. */
  exitMinMonitored: durationSchema.default('P180D'),
  /** After 风险消除, how often the household is still rechecked (回头看) during the transition period. */
  recheckInterval: durationSchema.default('P90D'),
  /** The yearly sweep (集中排查): how long the village has to re-examine each monitored household. */
  annualReviewDue: durationSchema.default('P30D'),
  /** 风险消除: income above the line in each of this many last months. */
  exitStableIncomeMonths: z
    .number({ error: '收入稳定月数应为整数' })
    .int('收入稳定月数应为整数')
    .min(1, '收入稳定月数至少为1')
    .max(36, '收入稳定月数不超过36')
    .default(6),
};

/** Policy settings: every duration is ISO 8601 so tests and demos can use seconds. */
export const policySettingsSchema = z.object(
  {
    stepDue: z.object(Object.fromEntries(slaSteps.map((s) => [s, durationSchema])) as Record<SlaStep, typeof durationSchema>, {
      error: `各步骤办理时限应为对象，包含 ${slaSteps.join('、')}`,
    }),
    /** After the due time, how long until a still-open step escalates one level up (and again after each further period). */
    escalationAfter: durationSchema,
    /** Whole identification, from discovery to monitored (*precedent*: 15 days). */
    identificationLimit: durationSchema,
    /** 公示: how long the village evaluation's result is posted for objections, at least (*precedent*: 5 days). */
    postingPeriod: durationSchema,
    ...assistanceSettings,
  },
  { error: '政策设置应为对象，包含 stepDue、escalationAfter、identificationLimit 和 postingPeriod' },
);
export type PolicySettings = z.infer<typeof policySettingsSchema>;

/** The body of `PUT /api/policy`. Without `effectiveFrom` the new version is in force at once. */
export const putPolicySchema = z.object(
  {
    effectiveFrom: z.iso
      .datetime({ offset: true, error: '生效时间应为带时区的ISO 8601日期时间，例如 2026-03-01T00:00:00+08:00' })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() <= Date.now() + policyBounds.effectiveFromAheadYears * 366 * 24 * 3600_000, `生效时间不能晚于今天起${policyBounds.effectiveFromAheadYears}年`)
      .optional(),
    settings: policySettingsSchema,
  },
  { error: '请求体应为JSON对象，包含 settings' },
);
export type PutPolicy = z.infer<typeof putPolicySchema>;
