import type { Decision } from './task';

/**
 * A review chain (visit → evaluation → … → approval) as any process declares one: its steps in order, where an
 * approval takes the case (the next step, or a stage between steps such as a posting), where a return sends it back
 * (the step that produced the gap), and where a rejection ends it. Pure: the process's workflow opens the tasks.
 */
export interface ReviewChain<Step extends string, Stage extends string> {
  steps: readonly Step[];
  approved: Record<Step, Stage>;
  returned: Record<Step, Stage>;
  rejected: Stage;
}

/** Where a decision on a chain step takes the case: on, back, or out. */
export function chainOutcome<Step extends string, Stage extends string>(chain: ReviewChain<Step, Stage>, step: Step, decision: Decision): Stage {
  if (decision === 'reject') return chain.rejected;
  return decision === 'approve' ? chain.approved[step] : chain.returned[step];
}

/** The steps before `step` in the chain: whoever decided them produced what `step` decides (separation of duties). */
export function stepsBefore<Step extends string, Stage extends string>(chain: ReviewChain<Step, Stage>, step: Step): Step[] {
  const i = chain.steps.indexOf(step);
  return i > 0 ? chain.steps.slice(0, i) : [];
}

/** The step just before `step`, whose decider submitted the work `step` reviews; undefined for the first. */
export function stepBefore<Step extends string, Stage extends string>(chain: ReviewChain<Step, Stage>, step: Step): Step | undefined {
  return stepsBefore(chain, step).at(-1);
}
