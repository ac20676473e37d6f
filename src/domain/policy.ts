import { ErrorCode, type Refusal } from './errors';
import type { PolicySettings } from './policy-schemas';

export type { PolicySettings } from './policy-schemas';

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
export const defaultMonitoringLines: Record<string, number> = { '2021': 6000, '2022': 6900, '2023': 7500, '2024': 7500, '2025': 7500, '2026': 7500 };
/** 低保标准, 元/人/月: a placeholder (*precedent*), to be set to the district's published standard. */
export const defaultStandards = { minimumLivingMonthly: 500 };

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
