import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../../../src/domain/duration';
import { taskSpecFor } from '../../../src/domain/tasks/process';
import type { HumanTask } from '../../../src/domain/tasks/task';
import { TaskBoard, type BoardSnapshot } from '../../../src/workflows/tasks/task-board';
import { kitProcess } from './process';

/**
 * The kit's test workflow: opens the steps it is asked to, records every decision through the kit and answers it, runs
 * the kit's clocks, and continues as new on a signal or after a number of decisions, carrying the board over.
 */

export interface OpenStep {
  step: string;
  submitterId?: string | null;
  /** Others who may not decide a step under separation of duties (earlier deciders, a reporter). */
  excludedActorIds?: string[];
}

export interface KitInput {
  caseId: string;
  villageCode: string;
  /** The case's pinned policy settings, as taskSpecFor reads them (`stepDue.REVIEW`, `remindBefore`). */
  settings: Record<string, unknown>;
  /** The case's escalation period; a step may declare its own. */
  escalationAfter: string;
  open: OpenStep[];
  /** Continue as new once this many decisions have been recorded in the run. */
  continueAfterDecisions?: number;
  resume?: { board: BoardSnapshot; decided: number; run: number };
}

export interface KitState {
  run: number;
  runId: string;
  decided: number;
  openTasks: HumanTask[];
}

export const openStepsUpdate = defineUpdate<HumanTask[], [OpenStep[]]>('openSteps');
export const continueAsNewSignal = defineSignal('continueAsNew');
export const kitStateQuery = defineQuery<KitState>('kitState');

export async function kitTestWorkflow(input: KitInput): Promise<{ decided: number }> {
  const board = new TaskBoard({ process: kitProcess.process, caseId: input.caseId }, { escalationAfterMs: durationMs(input.escalationAfter) });
  if (input.resume) board.restore(input.resume.board);
  const run = input.resume?.run ?? 1;
  let decided = input.resume?.decided ?? 0;
  let decidedThisRun = 0;
  let continueRequested = false;

  const openSteps = (steps: OpenStep[]) =>
    steps.map(({ step, submitterId = null, excludedActorIds }) =>
      board.open(taskSpecFor(kitProcess, step, { caseJurisdiction: input.villageCode, submitterId, excludedActorIds, settings: input.settings, now: Date.now() })),
    );
  setHandler(kitStateQuery, () => ({ run, runId: workflowInfo().runId, decided, openTasks: board.openTasks() }));
  setHandler(continueAsNewSignal, () => {
    continueRequested = true;
  });
  setHandler(openStepsUpdate, async (steps) => {
    const opened = openSteps(steps);
    const at = Date.now();
    await board.record({ at, timeline: opened.map((t) => ({ id: `${t.id}:opened`, at, kind: 'TASK_OPENED', step: t.step })) });
    return opened;
  });

  if (!input.resume) {
    openSteps(input.open);
    const at = Date.now();
    await board.record({ at, timeline: [{ id: `${input.caseId}:created`, at, kind: 'CASE_CREATED', toStage: 'OPEN' }] });
  }
  const clocks = board.runClocks();

  for (;;) {
    const asked = () => continueRequested || (input.continueAfterDecisions !== undefined && decidedThisRun >= input.continueAfterDecisions);
    await condition(() => board.hasPendingDecision() || asked());
    if (board.hasPendingDecision()) {
      const { task, request, at } = board.takeDecision();
      await board.record({ at, decided: { task, request, fromStage: 'OPEN', toStage: 'OPEN' } });
      decided++;
      decidedThisRun++;
      // The result names the decision, so a test sees which answer came back.
      board.settle(task.id, { caseId: input.caseId, stage: `${task.step}:${request.decision}` });
      continue;
    }
    // Only at a quiet moment, with nothing in flight. A decision accepted meanwhile is taken first: its Update waits for
    // this loop to settle it, so waiting for all handlers to finish without taking it would wait forever.
    await condition(() => board.hasPendingDecision() || (allHandlersFinished() && board.quiet()));
    if (board.hasPendingDecision()) continue;
    void clocks;
    await continueAsNew<typeof kitTestWorkflow>({ ...input, open: [], resume: { board: board.snapshot(), decided, run: run + 1 } });
  }
}
