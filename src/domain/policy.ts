import { z } from 'zod';
import { durationSchema } from './duration';
import { ErrorCode, type Refusal } from './errors';

/** Steps that have a due period of their own. Each process adds its steps here. */
export const slaSteps = [
  'HOME_VISIT',
  'DATA_MATCHING',
  'VILLAGE_REVIEW',
  'TOWN_REVIEW',
  'DISTRICT_APPROVAL',
  'ANNOUNCEMENT',
  'OBJECTION',
] as const;
export type SlaStep = (typeof slaSteps)[number];

/**
 * 监测线: the monitoring line per year, 元/人/年. *precedent* figures from other districts for 2021–2023;
 * 2024–2026 repeat 2023 as placeholders the district must set to its own published lines.
 */
const defaultMonitoringLines: Record<string, number> = { '2021': 6000, '2022': 6900, '2023': 7500, '2024': 7500, '2025': 7500, '2026': 7500 };
/** 低保标准, 元/人/月: a placeholder (*precedent*), to be set to the district's published standard. */
const defaultStandards = { minimumLivingMonthly: 500 };
// The settings below came after policy versions were first stored; their defaults let those versions still load.
const assistanceSettings = {
  monitoringLines: z
    .record(z.string().regex(/^\d{4}$/), z.number({ error: '监测线应为数字（元/人/年）' }).positive('监测线应大于0（元/人/年）'), {
      error: (issue) => (issue.code === 'invalid_key' ? '监测线的年份应为4位数字，例如 2026' : '监测线应为对象，按年份填写，例如 {"2026": 7500}'),
    })
    .refine((lines) => Object.keys(lines).length > 0, '至少填写一个年份的监测线')
    .default(() => ({ ...defaultMonitoringLines })),
  standards: z
    .object(
      { minimumLivingMonthly: z.number({ error: '低保标准应为数字（元/人/月）' }).positive('低保标准应大于0（元/人/月）') },
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

/** Defaults from shared/domain.md; *precedent* figures, meant to be changed through policy versions. */
export const defaultPolicySettings: PolicySettings = {
  stepDue: {
    HOME_VISIT: 'P3D',
    DATA_MATCHING: 'P5D',
    VILLAGE_REVIEW: 'P3D',
    TOWN_REVIEW: 'P3D',
    DISTRICT_APPROVAL: 'P3D',
    ANNOUNCEMENT: 'P2D',
    OBJECTION: 'P3D',
  },
  escalationAfter: 'P2D',
  identificationLimit: 'P15D',
  postingPeriod: 'P5D',
  monitoringLines: { ...defaultMonitoringLines },
  standards: { ...defaultStandards },
  followUpVisitInterval: 'P30D',
  measureDeliveryDue: 'P15D',
  exitMinMonitored: 'P180D',
  exitStableIncomeMonths: 6,
  recheckInterval: 'P90D',
  annualReviewDue: 'P30D',
};

/**
 * The monitoring line (元/人/年) for `year`: its own, or when the district has not set it yet, the latest earlier
 * year's with `carriedForward` true so callers can say so. null when no line is set for that year or before.
 */
export function monitoringLineFor(
  settings: Pick<PolicySettings, 'monitoringLines'>,
  year: number,
): { line: number; year: number; carriedForward: boolean } | null {
  const own = settings.monitoringLines[String(year)];
  if (own !== undefined) return { line: own, year, carriedForward: false };
  const earlier = Object.keys(settings.monitoringLines)
    .map(Number)
    .filter((y) => y < year)
    .sort((a, b) => b - a)[0];
  return earlier === undefined ? null : { line: settings.monitoringLines[String(earlier)], year: earlier, carriedForward: true };
}

/** A policy version as a workflow pins it at start. Version 0 is the built-in default. */
export interface PinnedPolicy {
  version: number;
  settings: PolicySettings;
}

/** The body of `PUT /api/policy`. Without `effectiveFrom` the new version is in force at once. */
export const putPolicySchema = z.object(
  {
    effectiveFrom: z.iso
      .datetime({ offset: true, error: '生效时间应为带时区的ISO 8601日期时间，例如 2026-03-01T00:00:00+08:00' })
      .transform((v) => new Date(v))
      .optional(),
    settings: policySettingsSchema,
  },
  { error: '请求体应为JSON对象，包含 settings' },
);
export type PutPolicy = z.infer<typeof putPolicySchema>;

/** What the rules below need of a stored version. */
export interface PolicyVersionRef {
  version: number;
  effectiveFrom: Date;
}

/**
 * The stored version in force at `at`: the latest `effectiveFrom` not after it, the higher version on a tie
 * (as `loadPolicy` picks it for a case); null when none is, and the built-in defaults (version 0) apply.
 */
export function policyInForce<V extends PolicyVersionRef>(versions: readonly V[], at: Date): V | null {
  let best: V | null = null;
  for (const v of versions) {
    if (v.effectiveFrom.getTime() > at.getTime()) continue;
    if (!best || v.effectiveFrom.getTime() > best.effectiveFrom.getTime() || (v.effectiveFrom.getTime() === best.effectiveFrom.getTime() && v.version > best.version)) {
      best = v;
    }
  }
  return best;
}

/** The number of the next stored version: one more than the highest, 1 for the first (0 is the built-in defaults). */
export function nextPolicyVersion(versions: readonly { version: number }[]): number {
  return versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
}

/**
 * Why a new version effective from `effectiveFrom` may not be stored; null when it may.
 * A version may start now or later, or in the past no earlier than the version in force now:
 * starting before it would rewrite what was in force when the cases since then were started.
 */
export function refuseBackdatedPolicy(effectiveFrom: Date, current: PolicyVersionRef | null): Refusal | null {
  if (current && effectiveFrom.getTime() < current.effectiveFrom.getTime()) {
    return {
      code: ErrorCode.CONFLICT,
      reason: `生效时间不能早于现行第${current.version}版的生效时间（${current.effectiveFrom.toISOString()}）：已生效的政策历史不能改写，请设定为现在或以后的时间`,
    };
  }
  return null;
}
