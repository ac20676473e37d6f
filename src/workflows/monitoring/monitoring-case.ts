import { allHandlersFinished, ApplicationFailure, condition, defineQuery, defineUpdate, patched, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { isWithin } from '../../domain/jurisdictions';
import { durationMs } from '../../domain/duration';
import { ErrorCode } from '../../domain/errors';
import { measureDepartments, refuseMeasurePlan, type Measure, type MeasureType } from '../../domain/monitoring/assistance';
import type { Visit } from '../../domain/monitoring/schemas';
import { defaultPolicySettings, type PolicySettings } from '../../domain/policy';
import {
  identifiedStages,
  measureTaskSpec,
  identificationSteps,
  isIdentificationStep,
  nextStage,
  postingComplete,
  sideStepOutcome,
  stepTaskSpec,
  type Category,
  type Channel,
  type IdentificationStep,
  type LaborCapacity,
  type MonitoringStep,
  type RiskType,
  type SideStep,
  type Stage,
} from '../../domain/monitoring/case';
import type { Actor } from '../../domain/roles';
import type { HumanTask } from '../../domain/tasks/task';
import type { createMonitoringActivities } from '../../activities/monitoring/monitoring-activities';
import type { createPolicyActivities } from '../../activities/policy/policy-activities';
import { caseStageKey } from '../search-attributes';
import { TaskBoard } from '../tasks/task-board';

/** Start input. Name, ID number and income stay in PostgreSQL; the workflow holds ids, codes and the caseworker's note. */
export interface MonitoringCaseInput {
  caseId: string;
  householdId: string;
  villageCode: string;
  category: Category;
  channel: Channel;
  riskTypes: RiskType[];
  /** Decides which assistance measures a plan may hold (absent in cases started before it was passed). */
  laborCapacity?: LaborCapacity;
  /** The caseworker's note. Free text, so it is encrypted in history with every other payload. */
  note?: string;
  discoveredAt: string;
  createdBy: Actor;
}

export interface MonitoringCaseState {
  caseId: string;
  stage: Stage;
  policyVersion: number | null;
  postingEndsAt: number | null;
  dataMatched: boolean;
  openTasks: HumanTask[];
}

/** A planned measure as the workflow tracks it. */
export interface MeasureRecord extends Measure {
  id: string;
  department: string | null;
  taskId: string;
  status: 'PLANNED' | 'DELIVERED' | 'NOT_DELIVERED';
}

export interface ObjectionRequest {
  content: string;
  actor: Actor;
}

/** Answers once the case is in the read model, so a POST can answer with it (read-your-writes). */
export const caseRegisteredUpdate = defineUpdate<{ caseId: string; stage: Stage }>('caseRegistered');
/** 公示异议: an objection raised while the evaluation is posted; it opens a task that must be resolved. */
export const fileObjectionUpdate = defineUpdate<{ taskId: string }, [ObjectionRequest]>('fileObjection');
export const caseStateQuery = defineQuery<MonitoringCaseState>('caseState');
/** 走访: records a follow-up visit of a monitored household and schedules the next. */
export const recordVisitUpdate = defineUpdate<{ visitId: string; nextVisitTaskId: string }, [{ visit: Visit; actor: Actor }]>('recordVisit');
/** 帮扶措施: adds measures to a monitored household's plan; each becomes a delivery task. */
export const addMeasuresUpdate = defineUpdate<{ measureIds: string[] }, [{ measures: Measure[]; actor: Actor }]>('addMeasures');

const { loadPolicy } = proxyActivities<ReturnType<typeof createPolicyActivities>>({
  startToCloseTimeout: '30 seconds',
});
const {
  registerMonitoringCase,
  recordMonitoringDecision,
  recordObjection,
  recordPostingEnded,
  notifyIdentificationOverdue,
  recordFollowUpStarted,
  recordFollowUpVisit,
  recordMeasures,
} = proxyActivities<
  ReturnType<typeof createMonitoringActivities>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const objectionFilers = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'];
const planners = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER'];

function refuse(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/**
 * 防止返贫动态监测, identification: home visit (with data matching beside it) → village democratic evaluation →
 * public posting with objections → town review → district approval → announcement → monitored.
 */
export async function monitoringCaseWorkflow(input: MonitoringCaseInput): Promise<{ caseId: string; stage: Stage }> {
  let stage = 'HOME_VISIT' as Stage;
  let registered = false;
  let policyVersion: number | null = null;
  let postingEndsAt: number | null = null;
  let dataMatched = false;
  let board: TaskBoard | undefined;
  setHandler(caseRegisteredUpdate, async () => {
    await condition(() => registered);
    return { caseId: input.caseId, stage };
  });
  setHandler(caseStateQuery, () => ({ caseId: input.caseId, stage, policyVersion, postingEndsAt, dataMatched, openTasks: board?.openTasks() ?? [] }));

  const policy = await loadPolicy({ at: input.discoveredAt });
  policyVersion = policy.version;
  // Versions pinned before a setting existed get its default.
  const settings: PolicySettings = { ...defaultPolicySettings, ...policy.settings };
  board = new TaskBoard({ process: 'monitoring', caseId: input.caseId }, durationMs(policy.settings.escalationAfter));
  const tasks = board;
  /** Who last completed each step: the submitter of the step after it (separation of duties). */
  const completedBy: Partial<Record<MonitoringStep, string>> = {};
  const specFor = (step: MonitoringStep, submitterId?: string) => {
    const i = identificationSteps.indexOf(step as IdentificationStep);
    const before = i > 0 ? identificationSteps[i - 1] : undefined;
    const submitter = submitterId ?? (before ? (completedBy[before] ?? null) : input.createdBy.userId);
    return stepTaskSpec(step, input.villageCode, submitter, settings);
  };

  setHandler(
    fileObjectionUpdate,
    async ({ content, actor }) => {
      const task = tasks.open(specFor('OBJECTION', actor.userId));
      await recordObjection({ caseId: input.caseId, task, content, actor, at: Date.now() });
      return { taskId: task.id };
    },
    {
      validator: ({ content, actor }) => {
        if (stage !== 'PUBLIC_POSTING') {
          throw ApplicationFailure.create({ type: ErrorCode.CONFLICT, message: '案件不在公示期，不能登记异议', nonRetryable: true });
        }
        if (!objectionFilers.includes(actor.role) || !isWithin(input.villageCode, actor.jurisdictionCode)) {
          throw ApplicationFailure.create({ type: ErrorCode.FORBIDDEN, message: '只有本辖区的村、乡镇或区级经办人员可以登记异议', nonRetryable: true });
        }
        if (!content.trim()) throw ApplicationFailure.create({ type: ErrorCode.VALIDATION, message: '请填写异议内容', nonRetryable: true });
      },
    },
  );

  const firstTasks = [tasks.open(specFor('HOME_VISIT')), tasks.open(specFor('DATA_MATCHING', input.createdBy.userId))];
  const identificationDueAt = Date.parse(input.discoveredAt) + durationMs(policy.settings.identificationLimit);
  await registerMonitoringCase({ input, stage, policyVersion, tasks: firstTasks, identificationDueAt });
  registered = true;
  const clocks = tasks.runClocks();
  const identificationClock = (async () => {
    // The whole chain has its own limit (15 days by default): past it, the district hears once.
    const inTime = await condition(() => identifiedStages.includes(stage), Math.max(0, identificationDueAt - Date.now()));
    if (!inTime) await notifyIdentificationOverdue({ caseId: input.caseId, stage, dueAt: identificationDueAt });
  })();

  // Follow-up of a monitored household: visits at least every interval, measures and their delivery.
  const measures: MeasureRecord[] = [];
  let visits = 0;
  const inScope = (actor: Actor, roles: string[]) => roles.includes(actor.role) && isWithin(input.villageCode, actor.jurisdictionCode);
  setHandler(
    recordVisitUpdate,
    async ({ visit, actor }) => {
      const at = Date.now();
      const done = tasks.openOf('VISIT')[0] ?? null;
      if (done) tasks.complete(done.id, actor.userId);
      const next = tasks.open(specFor('VISIT', actor.userId));
      visits++;
      const visitId = `${input.caseId}.v${visits}`;
      await recordFollowUpVisit({ caseId: input.caseId, visitId, visit, actor, at, completedTaskId: done?.id ?? null, nextTask: next });
      return { visitId, nextVisitTaskId: next.id };
    },
    {
      validator: ({ actor }) => {
        if (stage !== 'MONITORED') refuse(ErrorCode.CONFLICT, '只有已纳入监测的户需要定期走访');
        if (!inScope(actor, ['VILLAGE_CASEWORKER'])) refuse(ErrorCode.FORBIDDEN, '走访须由本村信息员登记');
      },
    },
  );
  setHandler(
    addMeasuresUpdate,
    async ({ measures: planned, actor }) => {
      const at = Date.now();
      const added = planned.map((m) => {
        const department = measureDepartments[m.type as MeasureType];
        const task = tasks.open(measureTaskSpec(department, input.villageCode, actor.userId, settings));
        const record: MeasureRecord = { ...m, id: `${input.caseId}.m${measures.length + 1}`, department, taskId: task.id, status: 'PLANNED' };
        measures.push(record);
        return { record, task };
      });
      await recordMeasures({ caseId: input.caseId, measures: added.map((a) => a.record), tasks: added.map((a) => a.task), actor, at });
      return { measureIds: added.map((a) => a.record.id) };
    },
    {
      validator: ({ measures: planned, actor }) => {
        if (stage !== 'MONITORED') refuse(ErrorCode.CONFLICT, '只有已纳入监测的户可以制定帮扶措施');
        if (!inScope(actor, planners)) refuse(ErrorCode.FORBIDDEN, '帮扶措施须由本辖区的村信息员或乡镇审核人员制定');
        const problems = refuseMeasurePlan({ laborCapacity: input.laborCapacity ?? 'partial', measures: planned, standards: settings.standards });
        if (problems.length) refuse(ErrorCode.VALIDATION, problems.map((p) => p.message).join('；'));
      },
    },
  );

  async function followUp(): Promise<void> {
    const first = tasks.open(specFor('VISIT'));
    await recordFollowUpStarted({ caseId: input.caseId, task: first });
    for (;;) {
      await condition(() => tasks.hasPendingDecision());
      const { task, request, at } = tasks.takeDecision();
      const measure = measures.find((m) => m.taskId === task.id);
      if (measure) measure.status = request.decision === 'approve' ? 'DELIVERED' : 'NOT_DELIVERED';
      await recordMonitoringDecision({
        caseId: input.caseId,
        task,
        request,
        at,
        fromStage: stage,
        toStage: stage,
        nextTask: null,
        cancelled: [],
        postingEndsAt: null,
        measure: measure ? { id: measure.id, status: measure.status } : undefined,
      });
      tasks.settle(task.id, { caseId: input.caseId, stage });
      tasks.refreshOverdueFlag();
    }
  }

  const moveTo = (to: Stage) => {
    stage = to;
    upsertSearchAttributes([{ key: caseStageKey, value: stage }]);
  };
  const canLeavePosting = () =>
    stage === 'PUBLIC_POSTING' &&
    postingEndsAt !== null &&
    postingComplete({ now: Date.now(), postingEndsAt, openObjections: tasks.openOf('OBJECTION').length, dataMatched });

  while (!identifiedStages.includes(stage)) {
    const wait = stage === 'PUBLIC_POSTING' && postingEndsAt !== null ? postingEndsAt - Date.now() : 0;
    if (wait > 0) await condition(() => tasks.hasPendingDecision(), wait);
    else await condition(() => tasks.hasPendingDecision() || canLeavePosting());

    if (!tasks.hasPendingDecision()) {
      if (canLeavePosting()) {
        const next = tasks.open(specFor('TOWN_REVIEW'));
        await recordPostingEnded({ caseId: input.caseId, at: Date.now(), nextTask: next });
        moveTo('TOWN_REVIEW');
      }
      continue;
    }

    const { task, request, at } = tasks.takeDecision();
    const step = task.step as MonitoringStep;
    completedBy[step] = request.actor.userId;
    const fromStage = stage;
    let toStage: Stage = stage;
    if (isIdentificationStep(step)) toStage = nextStage(step, request.decision);
    else toStage = sideStepOutcome(step as SideStep, request.decision) ?? stage;
    if (step === 'DATA_MATCHING' && request.decision === 'approve') dataMatched = true;

    const cancelled: string[] = [];
    const voided: string[] = [];
    let nextTask: HumanTask | null = null;
    if (identifiedStages.includes(toStage)) {
      // The case is decided: nothing else on it needs doing, including decisions that arrived with this one.
      for (const open of tasks.openTasks()) cancelled.push(open.id);
      while (tasks.hasPendingDecision()) voided.push(tasks.takeDecision().task.id);
      cancelled.push(...voided);
    } else if (toStage !== fromStage || isIdentificationStep(step)) {
      // Leaving posting backwards voids its objections; a new evaluation is posted afresh.
      if (fromStage === 'PUBLIC_POSTING') for (const open of tasks.openOf('OBJECTION')) cancelled.push(open.id);
      if (isIdentificationStep(toStage)) nextTask = tasks.open(specFor(toStage));
    }
    cancelled.forEach((id) => tasks.cancel(id));
    if (toStage === 'PUBLIC_POSTING' && fromStage !== 'PUBLIC_POSTING') postingEndsAt = at + durationMs(policy.settings.postingPeriod);

    await recordMonitoringDecision({ caseId: input.caseId, task, request, at, fromStage, toStage, nextTask, cancelled, postingEndsAt: toStage === 'PUBLIC_POSTING' ? postingEndsAt : null });
    if (toStage !== fromStage) moveTo(toStage);
    for (const id of [task.id, ...voided]) tasks.settle(id, { caseId: input.caseId, stage });
    tasks.refreshOverdueFlag();
  }

  if (stage === 'MONITORED' && patched('follow-up-after-monitored')) await followUp();

  await condition(allHandlersFinished);
  void clocks;
  void identificationClock;
  return { caseId: input.caseId, stage };
}
