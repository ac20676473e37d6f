import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { isWithin } from '../../domain/jurisdictions';
import { durationMs } from '../../domain/duration';
import { ErrorCode } from '../../domain/errors';
import { measureDepartments, refuseMeasurePlan, type Measure, type MeasureType } from '../../domain/monitoring/assistance';
import type { Visit } from '../../domain/monitoring/schemas';
import { defaultPolicySettings, type PinnedPolicy, type PolicySettings } from '../../domain/policy';
import {
  exitObjectionOutcome,
  exitRefusals,
  exitStages,
  followUpStages,
  keptFindings,
  monitoredStages,
  nextExitStage,
  previousChainStep,
  visitTaskSpec,
  type VisitFinding,
} from '../../domain/monitoring/elimination';
import {
  identifiedStages,
  measureTaskSpec,
  isExitStep,
  isIdentificationStep,
  nextStage,
  postingComplete,
  sideStepOutcome,
  stepTaskSpec,
  type Category,
  type Channel,
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
import { TaskBoard, type BoardSnapshot } from '../tasks/task-board';

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
  /**
   * The policy version in force at `discoveredAt`, pinned by whoever starts the case, which saves the case a round
   * trip at its start. Cases started before it was passed load it themselves.
   */
  policy?: PinnedPolicy;
  /** Set by continue-as-new: the follow-up goes on from here, with no identification and no new registration. */
  resume?: FollowUpMemory;
  /** Continue as new past this many history events, if Temporal has not suggested it before (default 10,000). */
  historyEventsLimit?: number;
}

/** Everything the follow-up needs to go on in a new run: open tasks with their clocks, the plan, the visits' findings. */
export interface FollowUpMemory {
  stage: Stage;
  policy: PinnedPolicy;
  board: BoardSnapshot;
  completedBy: Partial<Record<MonitoringStep, string>>;
  measures: MeasureRecord[];
  visits: number;
  findings: VisitFinding[];
  monitoredSince: number;
  postingEndsAt: number | null;
  reviewedYears: number[];
}

export interface MonitoringCaseState {
  caseId: string;
  stage: Stage;
  policyVersion: number | null;
  postingEndsAt: number | null;
  dataMatched: boolean;
  openTasks: HumanTask[];
  /** When the household became monitored (again, after a rollback); null before. */
  monitoredSince: number | null;
  measures: MeasureRecord[];
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
/** 风险消除: the caseworker proposes the exit; refused with the reasons while the preconditions fail, else the review chain opens. */
export const proposeExitUpdate = defineUpdate<{ taskId: string; stage: Stage }, [{ reason: string; actor: Actor }]>('proposeExit');
/** 回退: an eliminated household found unstable at a recheck is monitored again and assistance resumes. */
export const rollBackUpdate = defineUpdate<{ stage: Stage; visitTaskId: string }, [{ reason: string; actor: Actor }]>('rollBack');
/** 集中排查: the yearly sweep asks every monitored household to be re-examined; once per year, however often it is sent. */
/** A district approver moves the case onto another policy version (a case keeps the version it started with unless told so). */
export const applyPolicyUpdate = defineUpdate<{ policyVersion: number }, [{ version: number; actor: Actor }]>('applyPolicy');
export const annualReviewSignal = defineSignal<[{ year: number }]>('annualReview');

const { loadPolicy, loadPolicyVersion } = proxyActivities<ReturnType<typeof createPolicyActivities>>({
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
  recordExitProposed,
  recordRollback,
  recordAnnualReviewOpened,
  recordPolicyApplied,
} = proxyActivities<
  ReturnType<typeof createMonitoringActivities>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Registering a new case as a local activity: it runs in the workflow task that starts the case, so the case is in the
 * read model and answers its creator in one round trip to Temporal instead of three (the cost of each department
 * import's leads). The same idempotent activity; cases started before this run it as an ordinary one.
 */
const { registerMonitoringCase: registerMonitoringCaseLocally } = proxyLocalActivities<ReturnType<typeof createMonitoringActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const objectionFilers = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'];
const planners = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER'];
const rollbackers = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'];
const postingStages: readonly Stage[] = ['PUBLIC_POSTING', 'EXIT_POSTING'];
const onExitChain = (task: HumanTask) => isExitStep(task.step) || task.step === 'OBJECTION';

function refuse(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/**
 * 防止返贫动态监测: identification (home visit with data matching beside it → village democratic evaluation → public posting
 * with objections → town review → district approval → announcement → monitored), then the follow-up of the monitored
 * household for years: visits, measures, the yearly sweep's review, the exit (风险消除) through the same review chain,
 * rechecks and rollback. Continues as new when history grows long, carrying open tasks and clocks.
 */
export async function monitoringCaseWorkflow(input: MonitoringCaseInput): Promise<{ caseId: string; stage: Stage }> {
  const resume = input.resume;
  let stage = resume?.stage ?? ('HOME_VISIT' as Stage);
  let registered = false;
  let policyVersion: number | null = resume?.policy.version ?? null;
  let postingEndsAt: number | null = resume?.postingEndsAt ?? null;
  let dataMatched = false;
  let board: TaskBoard | undefined;
  let monitoredSince: number | null = resume?.monitoredSince ?? null;
  const measures: MeasureRecord[] = resume?.measures ?? [];
  setHandler(caseRegisteredUpdate, async () => {
    await condition(() => registered);
    return { caseId: input.caseId, stage };
  });
  setHandler(caseStateQuery, () => ({
    caseId: input.caseId,
    stage,
    policyVersion,
    postingEndsAt,
    dataMatched,
    openTasks: board?.openTasks() ?? [],
    monitoredSince,
    measures,
  }));

  let policy = resume?.policy ?? input.policy ?? (await loadPolicy({ at: input.discoveredAt }));
  policyVersion = policy.version;
  // Versions pinned before a setting existed get its default.
  let settings: PolicySettings = { ...defaultPolicySettings, ...policy.settings };
  board = new TaskBoard({ process: 'monitoring', caseId: input.caseId }, durationMs(policy.settings.escalationAfter));
  const tasks = board;
  if (resume) tasks.restore(resume.board);
  /** Who last completed each step: the submitter of the step after it (separation of duties). */
  const completedBy: Partial<Record<MonitoringStep, string>> = resume?.completedBy ?? {};
  const specFor = (step: MonitoringStep, submitterId?: string) => {
    const before = previousChainStep(step);
    const submitter = submitterId ?? (before ? (completedBy[before] ?? null) : input.createdBy.userId);
    return stepTaskSpec(step, input.villageCode, submitter, settings);
  };
  const visitSpec = (submitterId: string) => visitTaskSpec(stage, input.villageCode, submitterId, settings);

  setHandler(
    fileObjectionUpdate,
    async ({ content, actor }) => {
      const task = tasks.open(specFor('OBJECTION', actor.userId));
      await recordObjection({ caseId: input.caseId, task, content, actor, at: Date.now() });
      return { taskId: task.id };
    },
    {
      validator: ({ content, actor }) => {
        if (!postingStages.includes(stage)) {
          throw ApplicationFailure.create({ type: ErrorCode.CONFLICT, message: '案件不在公示期，不能登记异议', nonRetryable: true });
        }
        if (!objectionFilers.includes(actor.role) || !isWithin(input.villageCode, actor.jurisdictionCode)) {
          throw ApplicationFailure.create({ type: ErrorCode.FORBIDDEN, message: '只有本辖区的村、乡镇或区级经办人员可以登记异议', nonRetryable: true });
        }
        if (!content.trim()) throw ApplicationFailure.create({ type: ErrorCode.VALIDATION, message: '请填写异议内容', nonRetryable: true });
      },
    },
  );

  const identificationDueAt = Date.parse(input.discoveredAt) + durationMs(policy.settings.identificationLimit);
  if (!resume) {
    const firstTasks = [tasks.open(specFor('HOME_VISIT')), tasks.open(specFor('DATA_MATCHING', input.createdBy.userId))];
    const registration = { input, stage, policyVersion, tasks: firstTasks, identificationDueAt };
    if (patched('register-case-locally')) await registerMonitoringCaseLocally(registration);
    else await registerMonitoringCase(registration);
  }
  registered = true;
  const clocks = tasks.runClocks();
  const identificationClock = resume
    ? undefined
    : (async () => {
        // The whole chain has its own limit (15 days by default): past it, the district hears once.
        const inTime = await condition(() => identifiedStages.includes(stage), Math.max(0, identificationDueAt - Date.now()));
        if (!inTime) await notifyIdentificationOverdue({ caseId: input.caseId, stage, dueAt: identificationDueAt });
      })();

  // Follow-up of a monitored household: visits at least every interval, measures and their delivery.
  let visits = resume?.visits ?? 0;
  const findings: VisitFinding[] = resume?.findings ?? [];
  const reviewedYears: number[] = resume?.reviewedYears ?? [];
  const inScope = (actor: Actor, roles: string[]) => roles.includes(actor.role) && isWithin(input.villageCode, actor.jurisdictionCode);
  const moveTo = (to: Stage) => {
    stage = to;
    upsertSearchAttributes([{ key: caseStageKey, value: stage }]);
  };
  setHandler(
    recordVisitUpdate,
    async ({ visit, actor }) => {
      const at = Date.now();
      const done = tasks.openOf('VISIT')[0] ?? null;
      if (done) tasks.complete(done.id, actor.userId);
      const next = tasks.open(visitSpec(actor.userId));
      visits++;
      findings.push({ at, perCapitaIncome: visit.perCapitaIncome, unresolvedSpending: visit.unresolvedSpending, guaranteesSecure: visit.guaranteesSecure });
      findings.splice(0, findings.length - keptFindings);
      const visitId = `${input.caseId}.v${visits}`;
      await recordFollowUpVisit({ caseId: input.caseId, visitId, visit, actor, at, completedTaskId: done?.id ?? null, nextTask: next });
      return { visitId, nextVisitTaskId: next.id };
    },
    {
      validator: ({ actor }) => {
        if (!followUpStages.includes(stage)) refuse(ErrorCode.CONFLICT, '只有已纳入监测或已消除风险待回头看的户需要定期走访');
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
        if (!monitoredStages.includes(stage)) refuse(ErrorCode.CONFLICT, '只有已纳入监测的户可以制定帮扶措施');
        if (!inScope(actor, planners)) refuse(ErrorCode.FORBIDDEN, '帮扶措施须由本辖区的村信息员或乡镇审核人员制定');
        const problems = refuseMeasurePlan({
          laborCapacity: input.laborCapacity ?? 'partial',
          measures: planned,
          standards: settings.standards,
          existing: measures.filter((m) => m.status !== 'NOT_DELIVERED'),
        });
        if (problems.length) refuse(ErrorCode.VALIDATION, problems.map((p) => p.message).join('；'));
      },
    },
  );
  setHandler(
    proposeExitUpdate,
    async ({ reason, actor }) => {
      // Another proposal may have been accepted since this one was validated.
      if (stage !== 'MONITORED') refuse(ErrorCode.CONFLICT, '该户的风险消除已在审核中');
      const at = Date.now();
      const task = tasks.open(specFor('EXIT_VISIT', actor.userId));
      moveTo('EXIT_VISIT');
      await recordExitProposed({ caseId: input.caseId, at, actor, reason, task });
      return { taskId: task.id, stage };
    },
    {
      validator: ({ reason, actor }) => {
        if (stage !== 'MONITORED') {
          refuse(
            ErrorCode.CONFLICT,
            exitStages.includes(stage) ? '该户的风险消除已在审核中' : stage === 'RISK_ELIMINATED' ? '该户已标注风险消除' : '只有已纳入监测的户可以申请风险消除',
          );
        }
        if (!inScope(actor, ['VILLAGE_CASEWORKER'])) refuse(ErrorCode.FORBIDDEN, '风险消除须由本村信息员提出');
        if (!reason.trim()) refuse(ErrorCode.VALIDATION, '请填写申请风险消除的理由');
        const problems = exitRefusals({
          laborCapacity: input.laborCapacity ?? 'partial',
          monitoredSince: monitoredSince ?? Date.now(),
          now: Date.now(),
          measuresDelivered: measures.filter((m) => m.status === 'DELIVERED').length,
          findings,
          policy: settings,
        });
        if (problems.length) refuse(ErrorCode.CONFLICT, `暂不符合风险消除条件：${problems.join('；')}`);
      },
    },
  );
  setHandler(
    rollBackUpdate,
    async ({ reason, actor }) => {
      if (stage !== 'RISK_ELIMINATED') refuse(ErrorCode.CONFLICT, '该户已回退为监测对象');
      const at = Date.now();
      moveTo('MONITORED');
      monitoredSince = at;
      // Assistance resumes: visits are monthly again, from now.
      const cancelled = tasks.openOf('VISIT').map((t) => t.id);
      cancelled.forEach((id) => tasks.cancel(id));
      const next = tasks.open(visitSpec(actor.userId));
      await recordRollback({ caseId: input.caseId, at, actor, reason, cancelled, nextTask: next });
      tasks.refreshOverdueFlag();
      return { stage, visitTaskId: next.id };
    },
    {
      validator: ({ reason, actor }) => {
        if (stage !== 'RISK_ELIMINATED') refuse(ErrorCode.CONFLICT, '只有已标注风险消除的户可以回退');
        if (!inScope(actor, rollbackers)) refuse(ErrorCode.FORBIDDEN, '回退须由本辖区的村信息员、乡镇审核人员或区级审批人员办理');
        if (!reason.trim()) refuse(ErrorCode.VALIDATION, '请填写回退原因');
      },
    },
  );
  setHandler(
    applyPolicyUpdate,
    async ({ version, actor }) => {
      const next = await loadPolicyVersion({ version }).catch((err: unknown) => {
        // No such version: the caller is told so, as by a validator.
        throw err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err;
      });
      const from = policy.version;
      policy = next;
      policyVersion = next.version;
      settings = { ...defaultPolicySettings, ...next.settings };
      // Open tasks keep their due times; what opens from now on, and each escalation, follows the new version.
      tasks.setEscalationAfter(durationMs(settings.escalationAfter));
      await recordPolicyApplied({ caseId: input.caseId, from, to: next.version, actor, at: Date.now() });
      return { policyVersion: next.version };
    },
    {
      validator: ({ version, actor }) => {
        if (actor.role !== 'DISTRICT_APPROVER' || !isWithin(input.villageCode, actor.jurisdictionCode)) refuse(ErrorCode.FORBIDDEN, '只有区级审批人员可以调整案件适用的政策版本');
        if (!Number.isInteger(version) || version < 0) refuse(ErrorCode.VALIDATION, '政策版本应为非负整数');
        if (version === policyVersion) refuse(ErrorCode.CONFLICT, `案件已适用第${version}版政策设置`);
      },
    },
  );
  setHandler(annualReviewSignal, async ({ year }) => {
    if (!monitoredStages.includes(stage) || reviewedYears.includes(year)) return;
    reviewedYears.push(year);
    const task = tasks.open(specFor('ANNUAL_REVIEW'));
    await recordAnnualReviewOpened({ caseId: input.caseId, task, year, at: Date.now() });
  });

  const canLeavePosting = () =>
    postingStages.includes(stage) &&
    postingEndsAt !== null &&
    postingComplete({ now: Date.now(), postingEndsAt, openObjections: tasks.openOf('OBJECTION').length, dataMatched: dataMatched || stage === 'EXIT_POSTING' });
  const historyEventsLimit = input.historyEventsLimit ?? 10_000;
  const historyIsLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventsLimit;

  /** Continues as new at a quiet moment: no decision, handler or notice in flight, so nothing is lost between the runs. */
  async function continueAsNewWhenQuiet(): Promise<void> {
    await condition(() => allHandlersFinished() && tasks.quiet());
    if (!allHandlersFinished() || !tasks.quiet()) return;
    const memory: FollowUpMemory = {
      stage,
      policy,
      board: tasks.snapshot(),
      completedBy,
      measures,
      visits,
      findings,
      monitoredSince: monitoredSince ?? Date.now(),
      postingEndsAt,
      reviewedYears,
    };
    await continueAsNew<typeof monitoringCaseWorkflow>({ ...input, resume: memory });
  }

  /** The exit's review chain, like identification's: on, back, or out (the household stays monitored). */
  async function decideExitStep(task: HumanTask, request: Parameters<typeof recordMonitoringDecision>[0]['request'], at: number): Promise<void> {
    const step = task.step as MonitoringStep;
    completedBy[step] = request.actor.userId;
    const fromStage = stage;
    const toStage = isExitStep(step) ? nextExitStage(step, request.decision) : (exitObjectionOutcome(request.decision) ?? stage);
    const cancelled: string[] = [];
    const voided: string[] = [];
    let nextTask: HumanTask | null = null;
    if (toStage === 'MONITORED' || toStage === 'RISK_ELIMINATED') {
      // The exit is decided: what is still open on its chain is moot, including decisions that arrived with this one.
      for (const open of tasks.openTasks()) if (onExitChain(open)) cancelled.push(open.id);
      voided.push(...tasks.takeDecisionsWhere(onExitChain).map((p) => p.task.id));
      cancelled.push(...voided);
    } else if (toStage !== fromStage || isExitStep(step)) {
      if (fromStage === 'EXIT_POSTING') for (const open of tasks.openOf('OBJECTION')) cancelled.push(open.id);
      if (isExitStep(toStage)) nextTask = tasks.open(specFor(toStage));
    }
    cancelled.forEach((id) => tasks.cancel(id));
    if (toStage === 'EXIT_POSTING' && fromStage !== 'EXIT_POSTING') postingEndsAt = at + durationMs(settings.postingPeriod);
    await recordMonitoringDecision({ caseId: input.caseId, task, request, at, fromStage, toStage, nextTask, cancelled, postingEndsAt: toStage === 'EXIT_POSTING' ? postingEndsAt : null });
    if (toStage !== fromStage) moveTo(toStage);
    for (const id of [task.id, ...voided]) tasks.settle(id, { caseId: input.caseId, stage });
    tasks.refreshOverdueFlag();
  }

  async function followUp(resumed: boolean): Promise<void> {
    if (!resumed) {
      monitoredSince = Date.now();
      const first = tasks.open(visitSpec(input.createdBy.userId));
      await recordFollowUpStarted({ caseId: input.caseId, task: first });
    }
    for (;;) {
      const ready = () => tasks.hasPendingDecision() || canLeavePosting() || historyIsLong();
      const wait = stage === 'EXIT_POSTING' && postingEndsAt !== null ? postingEndsAt - Date.now() : 0;
      if (wait > 0) await condition(ready, wait);
      else await condition(ready);

      if (!tasks.hasPendingDecision()) {
        if (canLeavePosting()) {
          const next = tasks.open(specFor('EXIT_TOWN_REVIEW'));
          await recordPostingEnded({ caseId: input.caseId, at: Date.now(), nextTask: next, fromStage: 'EXIT_POSTING', toStage: 'EXIT_TOWN_REVIEW' });
          moveTo('EXIT_TOWN_REVIEW');
        } else if (historyIsLong()) {
          await continueAsNewWhenQuiet();
        }
        continue;
      }
      const { task, request, at } = tasks.takeDecision();
      if (onExitChain(task)) {
        await decideExitStep(task, request, at);
        continue;
      }
      // A measure delivered (or not), a yearly review done: the household stays where it is.
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

  while (!resume && !identifiedStages.includes(stage)) {
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

  if (resume) await followUp(true);
  else if (stage === 'MONITORED' && patched('follow-up-after-monitored')) await followUp(false);

  await condition(allHandlersFinished);
  void clocks;
  void identificationClock;
  return { caseId: input.caseId, stage };
}
