import { chainOutcome, stepBefore, stepsBefore, type ReviewChain } from '../tasks/review-chain';
import type { Decision } from '../tasks/task';
import { monitoringLineFor, type PolicySettings } from '../policy';
import { durationMs } from '../duration';
import { exitProblems } from './assistance';
import { stepTaskSpec } from './process';
import { identificationChain, isExitStep, isIdentificationStep, exitSteps, type ExitStep, type LaborCapacity, type MonitoringStep, type Stage } from './case';
import type { TaskSpec } from '../tasks/task';

/** 风险消除 and 回退: where the exit chain takes a monitored household, and what it must show first. */

/** The household is monitored: assistance goes on, visits are due, measures may be planned (also while its exit is reviewed). */
export const monitoredStages: readonly Stage[] = ['MONITORED', 'EXIT_VISIT', 'EXIT_VILLAGE_REVIEW', 'EXIT_POSTING', 'EXIT_TOWN_REVIEW', 'EXIT_DISTRICT_APPROVAL'];
/** Stages of a case after identification that is still followed: monitored, or eliminated and rechecked (回头看). */
export const followUpStages: readonly Stage[] = [...monitoredStages, 'RISK_ELIMINATED'];
/** The exit is under review. */
export const exitStages: readonly Stage[] = monitoredStages.filter((s) => s !== 'MONITORED');

/** 风险消除's review chain, identification's run for the exit: on, back, or back to monitored (not eliminated). */
export const exitChain: ReviewChain<ExitStep, Stage> = {
  steps: exitSteps,
  approved: { EXIT_VISIT: 'EXIT_VILLAGE_REVIEW', EXIT_VILLAGE_REVIEW: 'EXIT_POSTING', EXIT_TOWN_REVIEW: 'EXIT_DISTRICT_APPROVAL', EXIT_DISTRICT_APPROVAL: 'RISK_ELIMINATED' },
  returned: { EXIT_VISIT: 'EXIT_VISIT', EXIT_VILLAGE_REVIEW: 'EXIT_VISIT', EXIT_TOWN_REVIEW: 'EXIT_VILLAGE_REVIEW', EXIT_DISTRICT_APPROVAL: 'EXIT_TOWN_REVIEW' },
  rejected: 'MONITORED',
};

/** Where a decision on an exit step takes the case. */
export function nextExitStage(step: ExitStep, decision: Decision): Stage {
  return chainOutcome(exitChain, step, decision);
}

/** An objection during the exit's posting: upheld with return, evaluate again; upheld with reject, the household stays monitored. */
export function exitObjectionOutcome(decision: Decision): Stage | null {
  if (decision === 'reject') return 'MONITORED';
  if (decision === 'return') return 'EXIT_VILLAGE_REVIEW';
  return null;
}

/** The step before `step` in its chain, whose decider submitted the work `step` reviews; undefined for a chain's first step. */
export function previousChainStep(step: MonitoringStep): MonitoringStep | undefined {
  return isExitStep(step) ? stepBefore(exitChain, step) : isIdentificationStep(step) ? stepBefore(identificationChain, step) : undefined;
}

/** The steps before `step` in its chain (identification's or the exit's): whoever decided them produced what `step` decides. */
export function earlierChainSteps(step: MonitoringStep): MonitoringStep[] {
  return isExitStep(step) ? stepsBefore(exitChain, step) : isIdentificationStep(step) ? stepsBefore(identificationChain, step) : [];
}

/** The visit task of a followed household: monthly while monitored, at the recheck interval once its risk is eliminated. */
export function visitTaskSpec(stage: Stage, villageCode: string, submitterId: string | null, policy: PolicySettings): TaskSpec {
  const spec = stepTaskSpec('VISIT', villageCode, submitterId, policy);
  return stage === 'RISK_ELIMINATED' ? { ...spec, dueInMs: durationMs(policy.recheckInterval) } : spec;
}

const beijingOffsetMs = 8 * 3_600_000;

/** The month (YYYY-MM) and year in Beijing time, where the district keeps its books. */
export function beijingMonth(at: number): string {
  return new Date(at + beijingOffsetMs).toISOString().slice(0, 7);
}
export function beijingYear(at: number): number {
  return new Date(at + beijingOffsetMs).getUTCFullYear();
}

/** What a visit found, as the exit rules need it. */
export interface VisitFinding {
  at: number;
  perCapitaIncome: number;
  unresolvedSpending: boolean;
  guaranteesSecure: boolean;
}

/** How many visit findings a case keeps: three years of monthly visits is more than any exit rule looks back. */
export const keptFindings = 36;

/**
 * Why the exit may not be proposed now (empty when it may), from the case's own record: when it became monitored,
 * the measures delivered, the visits' findings (income per month, the latest spending and guarantees) and the pinned policy.
 */
export function exitRefusals(p: {
  laborCapacity: LaborCapacity;
  monitoredSince: number;
  now: number;
  measuresDelivered: number;
  findings: readonly VisitFinding[];
  policy: PolicySettings;
}): string[] {
  const year = beijingYear(p.now);
  const line = monitoringLineFor(p.policy, year);
  const latest = p.findings.at(-1);
  const problems = exitProblems({
    laborCapacity: p.laborCapacity,
    monitoredSince: p.monitoredSince,
    now: p.now,
    measuresDelivered: p.measuresDelivered,
    monthlyIncomes: p.findings.map((f) => ({ month: beijingMonth(f.at), perCapitaAnnualized: f.perCapitaIncome })),
    // Without a line there is nothing to compare with: only the missing months are reported, and the line below.
    monitoringLine: line?.line ?? -1,
    // Without a visit there is no finding either way; the missing incomes already refuse the exit.
    unresolvedSpending: latest?.unresolvedSpending ?? false,
    guaranteesSecure: latest?.guaranteesSecure ?? true,
    minMonitoredMs: durationMs(p.policy.exitMinMonitored),
    stableIncomeMonths: p.policy.exitStableIncomeMonths,
  });
  if (!line && p.laborCapacity !== 'none') problems.push(`${year}年及以前年度的监测线尚未设置，请区级审批人员先在政策设置中填写`);
  return problems;
}
