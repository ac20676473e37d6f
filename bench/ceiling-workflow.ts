import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

/**
 * The ceiling: what this Temporal server does with the case's shape and nothing else. One workflow per case,
 * one Update per human step, each Update awaiting one no-op activity before it answers (as a decision waits
 * for recordMonitoringDecision). No HTTP, no PostgreSQL, no search attributes, no clocks.
 */
export const ceilingStepUpdate = defineUpdate<number, [number]>('ceilingStep');

export interface CeilingActivities {
  noop(step: number): Promise<void>;
}

const { noop } = proxyActivities<CeilingActivities>({ startToCloseTimeout: '30 seconds' });

export async function ceilingWorkflow(steps: number): Promise<number> {
  let done = 0;
  setHandler(ceilingStepUpdate, async (step) => {
    await noop(step);
    done++;
    return done;
  });
  await condition(() => done >= steps);
  await condition(allHandlersFinished);
  return done;
}
