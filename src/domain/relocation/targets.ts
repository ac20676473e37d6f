import type { LaborCapacity } from '../monitoring/case';
import { hasLabour } from './case';

/**
 * 后续扶持目标 (policy section 六): a relocated household with labour capacity has at least one member employed and at
 * least one income-generating project. Pure rules over the two ledgers, by calendar day in Beijing time.
 */

/** What the targets need of an employment ledger entry: dates as YYYY-MM-DD, `endDate` the first day without the job. */
export interface EmploymentSpan {
  id: string;
  startDate: string;
  endDate?: string | null;
}

export interface ProjectSpan {
  id: string;
  startDate: string;
}

export interface Targets {
  /** No labour capacity: tracked on the safety-net side only (兜底保障), with no employment or project target. */
  safetyNetOnly: boolean;
  employment: { required: boolean; met: boolean };
  project: { required: boolean; met: boolean };
  /** Every required target is met (false for a safety-net household: it is never closed for meeting targets). */
  allMet: boolean;
}

const dayMs = 86_400_000;
const beijingOffsetMs = 8 * 3_600_000;

/** The calendar day (YYYY-MM-DD) in Beijing of an instant. */
export function beijingDay(at: number): string {
  return new Date(at + beijingOffsetMs).toISOString().slice(0, 10);
}

/** The instant a Beijing calendar day begins. */
export function beijingDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - beijingOffsetMs;
}

export function employedOn(entry: EmploymentSpan, day: string): boolean {
  return entry.startDate <= day && (!entry.endDate || entry.endDate > day);
}

export function targetsOn(p: { laborCapacity: LaborCapacity; employment: readonly EmploymentSpan[]; projects: readonly ProjectSpan[]; day: string }): Targets {
  const labour = hasLabour(p.laborCapacity);
  const employed = p.employment.some((e) => employedOn(e, p.day));
  const project = p.projects.some((x) => x.startDate <= p.day);
  return {
    safetyNetOnly: !labour,
    employment: { required: labour, met: employed },
    project: { required: labour, met: project },
    allMet: labour && employed && project,
  };
}

/** The next instant after `now` at which the ledgers alone change whether a target is met (a start or end date to come); null when none. */
export function nextTargetChange(p: { employment: readonly EmploymentSpan[]; projects: readonly ProjectSpan[]; now: number }): number | null {
  const today = beijingDay(p.now);
  const days = [...p.employment.flatMap((e) => [e.startDate, ...(e.endDate ? [e.endDate] : [])]), ...p.projects.map((x) => x.startDate)].filter((d) => d > today);
  if (!days.length) return null;
  return beijingDayStart(days.sort()[0]);
}

/** Where the stable-period clock stands after the targets were assessed at `now`: since when both have been met, or null. */
export function nextMetSince(previous: number | null, allMet: boolean, now: number): number | null {
  if (!allMet) return null;
  return previous ?? now;
}

/** The case closes once both targets have been met continuously for the stable period. */
export function stableAt(metSince: number | null, stablePeriodMs: number): number | null {
  return metSince === null ? null : metSince + stablePeriodMs;
}

/** Whole days between two instants, for the view's wording. */
export function daysBetween(from: number, to: number): number {
  return Math.floor((to - from) / dayMs);
}
