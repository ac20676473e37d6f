import { z } from 'zod';
import { ErrorCode, type Refusal } from '../errors';
import { isWithin, type JurisdictionLevel } from '../jurisdictions';
import { categories, categoryLabels, riskTypeLabels, riskTypes, stageLabels, stages, type MonitoringStep, type Stage } from './case';
import { stepLabels } from './process';

/**
 * 防止返贫动态监测报表: the arithmetic of the monitoring report, without I/O. The database groups and counts (by town,
 * stage, category, risk type, overdue step, identification time rounded to a hundredth of a day); these functions
 * turn those grouped counts into the report: totals, medians, shares, Chinese labels beside every code.
 */

export const reportFormats = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const monitoringReportQuerySchema = z.object({
  format: z.enum(reportFormats, { error: `格式应为 ${reportFormats.join('、')} 之一` }).default('json'),
  townCode: z.string({ error: '乡镇（街道）代码应为9位数字' }).regex(/^\d{9}$/, '乡镇（街道）代码应为9位数字').optional(),
  /** Cases discovered in this year, Beijing time. */
  // A string pattern rather than z.coerce: "abc" is then a wrong year, not a missing one.
  year: z
    .string({ error: '年度应为4位数字，例如 2026' })
    .regex(/^\d{4}$/, '年度应为4位数字，例如 2026')
    .transform(Number)
    .pipe(z.number().min(2000, '年度不早于2000年').max(2100, '年度不晚于2100年'))
    .optional(),
});
export type MonitoringReportQuery = z.infer<typeof monitoringReportQuerySchema>;

/** Measures that count as assistance planned for a household: one that could not be delivered leaves the risk without a measure. */
export const liveMeasureStatuses = ['PLANNED', 'DELIVERED'] as const;

const beijingOffsetMs = 8 * 3_600_000;

/** The instants a year starts and ends in Beijing time, where the district keeps its books: [from, to). */
export function beijingYearRange(year: number): { from: Date; to: Date } {
  return { from: new Date(Date.UTC(year, 0, 1) - beijingOffsetMs), to: new Date(Date.UTC(year + 1, 0, 1) - beijingOffsetMs) };
}

/**
 * The jurisdiction a report covers: the caller's own scope, narrowed to `townCode` when asked. A village caseworker
 * asking for its own town still sees only its village; a town outside the caller's scope is refused.
 */
export function reportScope(callerScope: string, townCode: string | undefined): string | Refusal {
  if (townCode === undefined || isWithin(callerScope, townCode)) return callerScope;
  if (isWithin(townCode, callerScope)) return townCode;
  return { code: ErrorCode.FORBIDDEN, reason: '该乡镇（街道）不在您的辖区内', path: 'townCode' };
}

export interface Bucket {
  value: number;
  count: number;
}

/** The median of values given as (value, how many times) pairs, the mean of the two middle ones for an even count; null when none. */
export function medianOf(buckets: readonly Bucket[]): number | null {
  const sorted = buckets.filter((b) => b.count > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((sum, b) => sum + b.count, 0);
  if (n === 0) return null;
  const valueAt = (position: number) => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.count;
      if (position < seen) return b.value;
    }
    return sorted[sorted.length - 1].value;
  };
  return (valueAt(Math.floor((n - 1) / 2)) + valueAt(Math.floor(n / 2))) / 2;
}

export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** part / whole, 0..1 to four decimals; null when the whole is zero (nothing to take a share of). */
export function shareOf(part: number, whole: number): number | null {
  return whole === 0 ? null : roundTo(part / whole, 4);
}

/** Sums `count` by key, in first-seen order. */
export function sumBy<T, K>(rows: readonly T[], key: (row: T) => K, count: (row: T) => number): Map<K, number> {
  const sums = new Map<K, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + count(row));
  return sums;
}

/** Every known code in its defined order (zeros included), then codes the data holds that are not known, in code order. */
function orderedKeys(known: readonly string[], seen: Iterable<string>): string[] {
  const extra = [...new Set(seen)].filter((k) => !known.includes(k)).sort();
  return [...known, ...extra];
}

const labelOf = (labels: Record<string, string>, code: string) => labels[code] ?? code;

/** What the database answers, grouped and counted in SQL. */
export interface MonitoringReportInputs {
  generatedAt: Date;
  scope: { code: string; name: string; level: JurisdictionLevel };
  filters: { townCode: string | null; year: number | null };
  /** The towns (乡镇/街道) the scope covers, with their names; a village's scope covers its town. */
  towns: readonly { code: string; name: string }[];
  caseCounts: readonly { townCode: string; stage: string; category: string; count: number }[];
  /** Cases per risk type: a case with several risk types counts under each. */
  riskTypeCounts: readonly { riskType: string; count: number }[];
  /** Open tasks past due, per step and town of their case. */
  overdueTasks: readonly { step: string; townCode: string; count: number; oldestDueAt: Date }[];
  /** Days from discovery to monitored (to 0.01 day), and how many cases took that long, per town. */
  identificationDays: readonly { townCode: string; days: number; count: number }[];
  /** Monitored households per town, and how many of them are not cleared, for each reason and for either. */
  clearing: readonly { townCode: string; monitored: number; riskWithoutMeasure: number; withOverdueStep: number; uncleared: number }[];
}

/** 动态清零 counts: monitored households, those with a risk and no live measure, those with an overdue step, those with either. */
export interface ClearingCounts {
  monitored: number;
  riskWithoutMeasure: number;
  withOverdueStep: number;
  uncleared: number;
  /** uncleared / monitored, 0..1; null without monitored households. */
  unclearedShare: number | null;
}

export interface MonitoringReport {
  generatedAt: string;
  scope: { code: string; name: string; level: JurisdictionLevel };
  filters: { townCode: string | null; year: number | null };
  totals: { cases: number; monitored: number; overdueTasks: number };
  byStage: { stage: string; stageLabel: string; count: number }[];
  byTown: { townCode: string; townName: string; count: number }[];
  byCategory: { category: string; categoryLabel: string; count: number }[];
  byRiskType: { riskType: string; riskTypeLabel: string; count: number }[];
  overdueSteps: {
    total: number;
    byStep: { step: string; stepLabel: string; count: number }[];
    byStepAndTown: { step: string; stepLabel: string; townCode: string; townName: string; count: number; oldestDueAt: string }[];
  };
  identification: {
    reachedMonitored: number;
    /** Median days from discovery to monitored, to 0.1 day; null when no case reached monitored. */
    medianDays: number | null;
    byTown: { townCode: string; townName: string; reachedMonitored: number; medianDays: number | null }[];
  };
  dynamicClearing: { overall: ClearingCounts; byTown: ({ townCode: string; townName: string } & ClearingCounts)[] };
}

function clearingCounts(rows: readonly Omit<ClearingCounts, 'unclearedShare'>[]): ClearingCounts {
  const sum = (pick: (r: Omit<ClearingCounts, 'unclearedShare'>) => number) => rows.reduce((s, r) => s + pick(r), 0);
  const monitored = sum((r) => r.monitored);
  const uncleared = sum((r) => r.uncleared);
  return { monitored, riskWithoutMeasure: sum((r) => r.riskWithoutMeasure), withOverdueStep: sum((r) => r.withOverdueStep), uncleared, unclearedShare: shareOf(uncleared, monitored) };
}

const medianDays = (buckets: readonly Bucket[]) => {
  const median = medianOf(buckets);
  return median === null ? null : roundTo(median, 1);
};

/** The report from the grouped counts: every stage, town, category and risk type listed (zeros too), labels beside codes. */
export function buildMonitoringReport(inputs: MonitoringReportInputs): MonitoringReport {
  const townNames = new Map(inputs.towns.map((t) => [t.code, t.name]));
  const townName = (code: string) => townNames.get(code) ?? code;
  const seenTowns = [...inputs.caseCounts.map((r) => r.townCode), ...inputs.overdueTasks.map((r) => r.townCode)];
  const towns = orderedKeys([...townNames.keys()].sort(), seenTowns);

  const byStage = sumBy(inputs.caseCounts, (r) => r.stage, (r) => r.count);
  const byTown = sumBy(inputs.caseCounts, (r) => r.townCode, (r) => r.count);
  const byCategory = sumBy(inputs.caseCounts, (r) => r.category, (r) => r.count);
  const byRiskType = sumBy(inputs.riskTypeCounts, (r) => r.riskType, (r) => r.count);

  const stepOrder = Object.keys(stepLabels);
  const stepRank = (step: string) => (stepOrder.includes(step) ? stepOrder.indexOf(step) : stepOrder.length);
  const overdue = [...inputs.overdueTasks].sort((a, b) => stepRank(a.step) - stepRank(b.step) || a.step.localeCompare(b.step) || a.townCode.localeCompare(b.townCode));
  const overdueByStep = sumBy(overdue, (r) => r.step, (r) => r.count);
  const stepLabel = (step: string) => labelOf(stepLabels, step as MonitoringStep);

  const identificationBuckets = (rows: readonly { days: number; count: number }[]) => rows.map((r) => ({ value: r.days, count: r.count }));
  const reachedByTown = (code: string) => inputs.identificationDays.filter((r) => r.townCode === code);

  const clearingOfTown = (code: string) => clearingCounts(inputs.clearing.filter((r) => r.townCode === code));
  const overall = clearingCounts(inputs.clearing);

  return {
    generatedAt: inputs.generatedAt.toISOString(),
    scope: inputs.scope,
    filters: inputs.filters,
    totals: {
      cases: inputs.caseCounts.reduce((s, r) => s + r.count, 0),
      monitored: overall.monitored,
      overdueTasks: overdue.reduce((s, r) => s + r.count, 0),
    },
    byStage: orderedKeys(stages, byStage.keys()).map((stage) => ({ stage, stageLabel: labelOf(stageLabels, stage as Stage), count: byStage.get(stage) ?? 0 })),
    byTown: towns.map((code) => ({ townCode: code, townName: townName(code), count: byTown.get(code) ?? 0 })),
    byCategory: orderedKeys(categories, byCategory.keys()).map((category) => ({
      category,
      categoryLabel: labelOf(categoryLabels, category),
      count: byCategory.get(category) ?? 0,
    })),
    byRiskType: orderedKeys(riskTypes, byRiskType.keys()).map((riskType) => ({
      riskType,
      riskTypeLabel: labelOf(riskTypeLabels, riskType),
      count: byRiskType.get(riskType) ?? 0,
    })),
    overdueSteps: {
      total: overdue.reduce((s, r) => s + r.count, 0),
      byStep: [...overdueByStep].map(([step, count]) => ({ step, stepLabel: stepLabel(step), count })),
      byStepAndTown: overdue.map((r) => ({
        step: r.step,
        stepLabel: stepLabel(r.step),
        townCode: r.townCode,
        townName: townName(r.townCode),
        count: r.count,
        oldestDueAt: r.oldestDueAt.toISOString(),
      })),
    },
    identification: {
      reachedMonitored: inputs.identificationDays.reduce((s, r) => s + r.count, 0),
      medianDays: medianDays(identificationBuckets(inputs.identificationDays)),
      byTown: towns.map((code) => ({
        townCode: code,
        townName: townName(code),
        reachedMonitored: reachedByTown(code).reduce((s, r) => s + r.count, 0),
        medianDays: medianDays(identificationBuckets(reachedByTown(code))),
      })),
    },
    dynamicClearing: {
      overall,
      byTown: towns.map((code) => ({ townCode: code, townName: townName(code), ...clearingOfTown(code) })),
    },
  };
}
