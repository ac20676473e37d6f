import { allHandlersFinished, condition, defineQuery, defineUpdate, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { durationMs } from '../../domain/duration';
import {
  identificationSteps,
  isIdentificationStep,
  nextStage,
  stepTaskSpec,
  type Category,
  type Channel,
  type IdentificationStep,
  type RiskType,
  type Stage,
} from '../../domain/monitoring/case';
import type { Actor } from '../../domain/roles';
import type { HumanTask } from '../../domain/tasks/task';
import type { createMonitoringActivities } from '../../activities/monitoring/monitoring-activities';
import type { createPolicyActivities } from '../../activities/policy/policy-activities';
import { caseStageKey } from '../search-attributes';
import { TaskBoard } from '../tasks/task-board';

/** Start input. Personal data (name, ID number, income) stays in PostgreSQL; the workflow holds ids and codes. */
export interface MonitoringCaseInput {
  caseId: string;
  householdId: string;
  villageCode: string;
  category: Category;
  channel: Channel;
  riskTypes: RiskType[];
  /** The caseworker's note. Free text: the form asks not to put ID numbers, phones or health details in it. */
  note?: string;
  discoveredAt: string;
  createdBy: Actor;
}

export interface MonitoringCaseState {
  caseId: string;
  stage: Stage;
  policyVersion: number | null;
  openTasks: HumanTask[];
}

/** Answers once the case is in the read model, so a POST can answer with it (read-your-writes). */
export const caseRegisteredUpdate = defineUpdate<{ caseId: string; stage: Stage }>('caseRegistered');
export const caseStateQuery = defineQuery<MonitoringCaseState>('caseState');

const { loadPolicy } = proxyActivities<ReturnType<typeof createPolicyActivities>>({
  startToCloseTimeout: '30 seconds',
});
const { registerMonitoringCase, recordMonitoringDecision } = proxyActivities<ReturnType<typeof createMonitoringActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** 防止返贫动态监测: lead → home visit → village review → town review → district approval → monitored. */
export async function monitoringCaseWorkflow(input: MonitoringCaseInput): Promise<{ caseId: string; stage: Stage }> {
  let stage: Stage = 'HOME_VISIT';
  let registered = false;
  let policyVersion: number | null = null;
  let board: TaskBoard | undefined;
  setHandler(caseRegisteredUpdate, async () => {
    await condition(() => registered);
    return { caseId: input.caseId, stage };
  });
  setHandler(caseStateQuery, () => ({ caseId: input.caseId, stage, policyVersion, openTasks: board?.openTasks() ?? [] }));

  const policy = await loadPolicy({ at: input.discoveredAt });
  policyVersion = policy.version;
  board = new TaskBoard({ process: 'monitoring', caseId: input.caseId }, durationMs(policy.settings.escalationAfter));
  /** Who last completed each step: the submitter of the step after it (separation of duties). */
  const completedBy: Partial<Record<IdentificationStep, string>> = {};
  const specFor = (step: IdentificationStep) => {
    const before = identificationSteps[identificationSteps.indexOf(step) - 1];
    return stepTaskSpec(step, input.villageCode, before ? (completedBy[before] ?? null) : input.createdBy.userId, policy.settings);
  };

  const firstTask = board.open(specFor('HOME_VISIT'));
  await registerMonitoringCase({ input, stage, policyVersion, task: firstTask });
  registered = true;
  const clocks = board.runClocks();

  while (isIdentificationStep(stage)) {
    const { task, request, at } = await board.nextDecision();
    const step = task.step as IdentificationStep;
    completedBy[step] = request.actor.userId;
    const toStage = nextStage(step, request.decision);
    const nextTask = isIdentificationStep(toStage) ? board.open(specFor(toStage)) : null;
    await recordMonitoringDecision({ caseId: input.caseId, task, request, at, fromStage: stage, toStage, nextTask });
    stage = toStage;
    upsertSearchAttributes([{ key: caseStageKey, value: stage }]);
    board.settle(task.id, { caseId: input.caseId, stage });
    board.refreshOverdueFlag();
  }

  await condition(allHandlersFinished);
  void clocks;
  return { caseId: input.caseId, stage };
}
