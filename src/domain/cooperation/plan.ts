import { beijingQuarter } from '../tasks/calendar';

/** 协作帮扶 plan rules, pure: periods, the year-end date, the roll-up of accepted actuals, carry-over. */

const beijingOffsetMs = 8 * 3_600_000;

/** Stages of a plan and of its tasks. */
export const planStages = ['IN_PROGRESS', 'YEAR_END', 'PLAN_GRADING', 'SIGN_OFF', 'CLOSED'] as const;
export type PlanStage = (typeof planStages)[number];
export const taskStages = ['REPORTING', 'SELF_ASSESSMENT', 'GRADING', 'GRADED', 'DROPPED'] as const;
export type TaskStage = (typeof taskStages)[number];

export const cooperationStageLabels: Record<PlanStage | TaskStage, string> = {
  IN_PROGRESS: '年度实施中',
  YEAR_END: '年终自评评定中',
  PLAN_GRADING: '计划年度评定',
  SIGN_OFF: '区级审定',
  CLOSED: '已办结',
  REPORTING: '季度报告',
  SELF_ASSESSMENT: '年度自评',
  GRADING: '年度评定',
  GRADED: '已评定',
  DROPPED: '已取消',
};

export const reportStatusLabels = { SUBMITTED: '待审核', ACCEPTED: '已采纳', RETURNED: '已退回' } as const;
export type ReportStatus = keyof typeof reportStatusLabels;

/** A plan's own settings: defaults in ./process.ts, overridable per plan. */
export interface CooperationSettings {
  /** Reminder lead before a quarterly report is due (ISO 8601 duration). */
  reportRemindBefore: string;
  /** Period after which an overdue step escalates one more level. */
  escalationAfter: string;
  /** How long a coordinator has to review a report. */
  reviewDue: string;
  /** The year-end evaluation opens at the start of this day of the year after the plan's (Beijing time). */
  yearEnd: { month: number; day: number };
}

/** The start of a Beijing day. */
export function beijingDayStart(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - beijingOffsetMs;
}

/** When the year-end evaluation of a plan of `year` opens. */
export function yearEndAt(year: number, settings: Pick<CooperationSettings, 'yearEnd'>): number {
  return beijingDayStart(year + 1, settings.yearEnd.month, settings.yearEnd.day);
}

/** "2027Q3" → {year, quarter}; null when malformed. */
export function parsePeriod(period: string): { year: number; quarter: number } | null {
  const m = /^(\d{4})Q([1-4])$/.exec(period);
  return m ? { year: Number(m[1]), quarter: Number(m[2]) } : null;
}

export function quarterStartAt(year: number, quarter: number): number {
  return beijingDayStart(year, (quarter - 1) * 3 + 1, 1);
}

/** The report periods of a plan year that have begun at `now`, in order. */
export function periodsBegun(year: number, now: number): string[] {
  return [1, 2, 3, 4].filter((q) => quarterStartAt(year, q) <= now).map((q) => `${year}Q${q}`);
}

/** Why a report for `period` may not be filed at `now` in a plan of `year`; null when it may. */
export function refusePeriod(period: string, year: number, now: number): string | null {
  const p = parsePeriod(period);
  if (!p) return '报告期应写作“2027Q1”（年份加季度）';
  if (p.year !== year) return `只能报告本计划年度（${year}年）的季度`;
  if (quarterStartAt(p.year, p.quarter) > now) return `${period}尚未开始，只能报告当前季度（${beijingQuarter(now)}）或之前的季度`;
  return null;
}

export interface Target {
  indicator: string;
  target: number;
}

export interface IndicatorRollUp {
  code: string;
  target: number | null;
  actual: number;
  /** actual / target, to 4 decimals; null without a positive target. */
  share: number | null;
}

/**
 * 指标汇总: the accepted reports' actuals summed per indicator, against the plan's targets. Indicators with a target
 * come first in the targets' order, then those reported without one. Sums are rounded to 4 decimals against float drift.
 */
export function rollUp(targets: readonly Target[], acceptedActuals: readonly Record<string, number>[]): IndicatorRollUp[] {
  const sums = new Map<string, number>();
  for (const actuals of acceptedActuals) {
    for (const [code, value] of Object.entries(actuals)) sums.set(code, (sums.get(code) ?? 0) + value);
  }
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const rows: IndicatorRollUp[] = targets.map((t) => {
    const actual = round(sums.get(t.indicator) ?? 0);
    return { code: t.indicator, target: t.target, actual, share: t.target > 0 ? round(actual / t.target) : null };
  });
  for (const [code, sum] of sums) if (!targets.some((t) => t.indicator === code)) rows.push({ code, target: null, actual: round(sum), share: null });
  return rows;
}

/** A task as carried into next year's plan: the same work, for the same unit, due by the end of the new year. */
export function carriedTask<T extends { id: string; title: string; category: string; responsibleUnit: string; indicators: string[] }>(task: T, nextYear: number) {
  return {
    title: task.title,
    category: task.category,
    responsibleUnit: task.responsibleUnit,
    dueDate: `${nextYear}-12-31`,
    indicators: [...task.indicators],
    carriedFromTaskId: task.id,
  };
}

/** The plan id for a partner and year: one plan per partner and year, so a second start is refused by Temporal too. */
export function cooperationPlanId(partnerCode: string, year: number): string {
  return `${partnerCode}-${year}`;
}
export const cooperationPlanWorkflowId = (planId: string) => `cooperation-plan-${planId}`;
export const cooperationTaskWorkflowId = (planId: string, taskId: string) => `cooperation-plan-${planId}-task-${taskId}`;
