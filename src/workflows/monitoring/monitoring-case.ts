import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { isWithin } from '../../domain/jurisdictions';
import { durationMs } from '../../domain/duration';
import { ErrorCode } from '../../domain/errors';
import { measureDepartments, refuseMeasurePlan, type MeasureType } from '../../domain/monitoring/assistance';
import { defaultPolicySettings, type PolicySettings } from '../../domain/policy';
import {
  exitObjectionOutcome,
  exitRefusals,
  exitStages,
  followUpStages,
  keptFindings,
  monitoredStages,
  earlierChainSteps,
  nextExitStage,
  previousChainStep,
  visitTaskSpec,
  type VisitFinding,
} from '../../domain/monitoring/elimination';
import {
  identifiedStages,
  isExitStep,
  isIdentificationStep,
  nextStage,
  postingComplete,
  sideStepOutcome,
  type MonitoringStep,
  type SideStep,
  type Stage,
} from '../../domain/monitoring/case';
import {
  addMeasuresUpdate,
  annualReviewSignal,
  applyPolicyUpdate,
  caseRegisteredUpdate,
  caseStateQuery,
  fileObjectionUpdate,
  proposeExitUpdate,
  recordVisitUpdate,
  rollBackUpdate,
  type FollowUpMemory,
  type MeasureRecord,
  type MonitoringCaseInput,
  type MonitoringChange,
  type MonitoringDecisionResult,
} from '../../domain/monitoring/messages';
import { dataMatchingDepartments } from '../../domain/monitoring/data-matching';
import { measureTaskSpec, stepTaskSpec } from '../../domain/monitoring/process';
import type { Actor } from '../../domain/roles';
import type { DecisionRequest, HumanTask, TaskSpec } from '../../domain/tasks/task';
import type { createMonitoringActivities } from '../../activities/monitoring/monitoring-activities';
import type { createPolicyActivities } from '../../activities/policy/policy-activities';
import { caseStageKey } from '../../temporal/search-attributes';
import { TaskBoard, type StepRecord } from '../tasks/task-board';

export {
  addMeasuresUpdate,
  annualReviewSignal,
  applyPolicyUpdate,
  caseRegisteredUpdate,
  caseStateQuery,
  fileObjectionUpdate,
  proposeExitUpdate,
  recordVisitUpdate,
  rollBackUpdate,
} from '../../domain/monitoring/messages';
export type { FollowUpMemory, MeasureRecord, MonitoringCaseInput, MonitoringCaseState, ObjectionRequest } from '../../domain/monitoring/messages';

const { loadPolicy, loadPolicyVersion } = proxyActivities<ReturnType<typeof createPolicyActivities>>({
  startToCloseTimeout: '30 seconds',
});
const { notifyIdentificationOverdue } = proxyActivities<ReturnType<typeof createMonitoringActivities>>({
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
  // Cases started before the task kit record each step through the activity their history names, and write the
  // overdue flag where they did (TaskBoard's legacy mode); every case started since, or continued as new, uses the kit.
  const legacy = !patched('task-kit');
  const resume = input.resume;
  let stage = resume?.stage ?? ('HOME_VISIT' as Stage);
  let registered = false;
  let policyVersion: number | null = resume?.policy.version ?? null;
  let postingEndsAt: number | null = resume?.postingEndsAt ?? null;
  let dataMatched = false;
  let board: TaskBoard<MonitoringDecisionResult> | undefined;
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
  board = new TaskBoard<MonitoringDecisionResult>({ process: 'monitoring', caseId: input.caseId }, { escalationAfterMs: durationMs(policy.settings.escalationAfter), legacy });
  const tasks = board;
  if (resume) tasks.restore(resume.board);
  /** What the kit added to a step's task (its escalation path) stays out of the tasks of cases started before it. */
  const forCase = (spec: TaskSpec): TaskSpec => (legacy ? { ...spec, escalation: undefined } : spec);
  /** Who last completed each step: the submitter of the step after it (separation of duties). */
  const completedBy: Partial<Record<MonitoringStep, string>> = resume?.completedBy ?? {};
  /** Who proposed the exit under review: they produced what its chain decides. */
  let exitProposedBy: string | null = null;
  /**
   * Separation of duties across the whole chain: nobody decides a step whose subject they produced or raised — the
   * reporter, whoever decided an earlier step of the chain, the exit's proposer, and for an objection the evaluator
   * whose evaluation it contests (its filer is its submitter).
   */
  const producersOf = (step: MonitoringStep): string[] => {
    if (step === 'OBJECTION') return [completedBy[stage === 'EXIT_POSTING' ? 'EXIT_VILLAGE_REVIEW' : 'VILLAGE_REVIEW']].filter((id): id is string => !!id);
    const earlier = earlierChainSteps(step).map((s) => completedBy[s]);
    return [input.createdBy.userId, ...(isExitStep(step) && exitProposedBy ? [exitProposedBy] : []), ...earlier].filter((id): id is string => !!id);
  };
  const specFor = (step: MonitoringStep, submitterId?: string) => {
    const before = previousChainStep(step);
    const submitter = submitterId ?? (before ? (completedBy[before] ?? null) : input.createdBy.userId);
    return forCase(stepTaskSpec(step, input.villageCode, submitter, settings, 0, producersOf(step)));
  };
  const visitSpec = (submitterId: string) => forCase(visitTaskSpec(stage, input.villageCode, submitterId, settings));
  const record = (step: StepRecord<MonitoringChange>) => tasks.record(step);
  const by = (actor: Actor) => ({ actorId: actor.userId, actorName: actor.username });

  setHandler(
    fileObjectionUpdate,
    async ({ content, actor }) => {
      const at = Date.now();
      const task = tasks.open(specFor('OBJECTION', actor.userId));
      await record({ at, timeline: [{ id: `${task.id}:filed`, at, kind: 'OBJECTION_FILED', step: 'OBJECTION', ...by(actor), comment: content }], legacyActivity: 'recordObjection' });
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
    tasks.open(specFor('HOME_VISIT'));
    // Each department whose data the case's risks concern compares it on its own task; cases started before that
    // had one task any department officer could take.
    if (patched('data-matching-per-department')) {
      for (const department of dataMatchingDepartments(input.riskTypes)) tasks.open({ ...specFor('DATA_MATCHING', input.createdBy.userId), department });
    } else tasks.open(specFor('DATA_MATCHING', input.createdBy.userId));
    const registration: StepRecord<MonitoringChange> = {
      at: Date.now(),
      timeline: [{ id: `${input.caseId}:created`, at: Date.parse(input.discoveredAt), kind: 'CASE_CREATED', ...by(input.createdBy), toStage: stage }],
      change: { register: { input, stage, policyVersion: policy.version, identificationDueAt } },
      legacyActivity: 'registerMonitoringCase',
    };
    // A new case registers in the workflow task that starts it (a local activity): the case is in the read model and
    // answers its creator in one round trip to Temporal. Cases of the oldest histories registered as an ordinary one.
    await record({ ...registration, local: !legacy || patched('register-case-locally') });
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
      await record({
        at,
        timeline: [{ id: `${visitId}:visited`, at, kind: 'VISIT_RECORDED', step: 'VISIT', ...by(actor) }],
        change: { visit: { visitId, visit, actorId: actor.userId } },
        legacyActivity: 'recordFollowUpVisit',
      });
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
      const records = planned.map((m) => {
        const department = measureDepartments[m.type as MeasureType];
        const task = tasks.open(forCase(measureTaskSpec(department, input.villageCode, actor.userId, settings)));
        const record: MeasureRecord = { ...m, id: `${input.caseId}.m${measures.length + 1}`, department, taskId: task.id, status: 'PLANNED' };
        measures.push(record);
        return record;
      });
      await record({
        at,
        timeline: records.map((m) => ({ id: `${m.id}:planned`, at, kind: 'MEASURE_PLANNED', step: 'MEASURE_DELIVERY', ...by(actor), comment: m.type })),
        change: { measures: { records, createdById: actor.userId } },
        legacyActivity: 'recordMeasures',
      });
      return { measureIds: records.map((m) => m.id) };
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
      exitProposedBy = actor.userId;
      const task = tasks.open(specFor('EXIT_VISIT', actor.userId));
      moveTo('EXIT_VISIT');
      await record({
        at,
        timeline: [{ id: `${task.id}:exit-proposed`, at, kind: 'EXIT_PROPOSED', ...by(actor), comment: reason, fromStage: 'MONITORED', toStage: 'EXIT_VISIT' }],
        change: { stage: 'EXIT_VISIT' },
        legacyActivity: 'recordExitProposed',
      });
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
      tasks.openOf('VISIT').forEach((t) => tasks.cancel(t.id));
      const next = tasks.open(visitSpec(actor.userId));
      await record({
        at,
        timeline: [{ id: `${next.id}:rolled-back`, at, kind: 'ROLLED_BACK', ...by(actor), comment: reason, fromStage: 'RISK_ELIMINATED', toStage: 'MONITORED' }],
        change: { stage: 'MONITORED' },
        legacyActivity: 'recordRollback',
      });
      tasks.legacyOverdueCheckpoint();
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
      const at = Date.now();
      await record({
        at,
        timeline: [{ id: `${input.caseId}:policy:${from}-${next.version}:${at}`, at, kind: 'POLICY_APPLIED', ...by(actor), comment: `政策设置由第${from}版调整为第${next.version}版` }],
        change: { policyVersion: next.version },
        legacyActivity: 'recordPolicyApplied',
      });
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
    const at = Date.now();
    const task = tasks.open(specFor('ANNUAL_REVIEW'));
    await record({
      at,
      timeline: [{ id: `${task.id}:annual-review`, at, kind: 'ANNUAL_REVIEW_OPENED', step: 'ANNUAL_REVIEW', comment: `${year}年度集中排查` }],
      legacyActivity: 'recordAnnualReviewOpened',
    });
  });

  const canLeavePosting = () =>
    postingStages.includes(stage) &&
    postingEndsAt !== null &&
    postingComplete({ now: Date.now(), postingEndsAt, openObjections: tasks.openOf('OBJECTION').length, dataMatched: dataMatched || stage === 'EXIT_POSTING' });
  const historyEventsLimit = input.historyEventsLimit ?? 10_000;
  const historyIsLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventsLimit;

  /** Continues as new at a quiet moment: no decision, handler or notice in flight, so nothing is lost between the runs. */
  async function continueAsNewWhenQuiet(): Promise<void> {
    // A decision accepted meanwhile waits for this loop to settle it: take it first, then try again.
    await condition(() => tasks.hasPendingDecision() || (allHandlersFinished() && tasks.quiet()));
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

  /** Posting is over with nothing outstanding: the town review opens (the identification's, or the exit's). */
  async function endPosting(next: 'TOWN_REVIEW' | 'EXIT_TOWN_REVIEW'): Promise<void> {
    const at = Date.now();
    const task = tasks.open(specFor(next));
    const fromStage = next === 'TOWN_REVIEW' ? 'PUBLIC_POSTING' : 'EXIT_POSTING';
    await record({
      at,
      timeline: [{ id: `${task.id}:posting-ended`, at, kind: 'POSTING_ENDED', fromStage, toStage: next }],
      change: { stage: next },
      legacyActivity: 'recordPostingEnded',
    });
    moveTo(next);
  }

  /**
   * Records a decision that moves the case (or keeps it where it is) with what it cancels and opens, then answers the
   * decisions it settles: the decided task's, and those it voided.
   */
  async function recordDecision(
    decided: { task: HumanTask; request: DecisionRequest; at: number },
    toStage: Stage,
    extra: Pick<MonitoringChange, 'postingEndsAt' | 'measureStatus'> & { voided?: string[] } = {},
  ): Promise<void> {
    const { task, request, at } = decided;
    const fromStage = stage;
    const { voided = [], ...change } = extra;
    await record({ at, decided: { task, request, fromStage, toStage }, change: { stage: toStage, ...change }, legacyActivity: 'recordMonitoringDecision' });
    if (toStage !== fromStage) moveTo(toStage);
    for (const id of [task.id, ...voided]) tasks.settle(id, { caseId: input.caseId, stage });
    tasks.legacyOverdueCheckpoint();
  }

  /** The exit's review chain, like identification's: on, back, or out (the household stays monitored). */
  async function decideExitStep(decided: { task: HumanTask; request: DecisionRequest; at: number }): Promise<void> {
    const { task, request, at } = decided;
    const step = task.step as MonitoringStep;
    completedBy[step] = request.actor.userId;
    const fromStage = stage;
    const toStage = isExitStep(step) ? nextExitStage(step, request.decision) : (exitObjectionOutcome(request.decision) ?? stage);
    const voided: string[] = [];
    if (toStage === 'MONITORED' || toStage === 'RISK_ELIMINATED') {
      // The exit is decided: what is still open on its chain is moot, including decisions that arrived with this one.
      voided.push(...tasks.takeDecisionsWhere(onExitChain).map((p) => p.task.id));
      for (const open of tasks.openTasks()) if (onExitChain(open)) tasks.cancel(open.id);
      voided.forEach((id) => tasks.cancel(id));
    } else if (toStage !== fromStage || isExitStep(step)) {
      if (fromStage === 'EXIT_POSTING') for (const open of tasks.openOf('OBJECTION')) tasks.cancel(open.id);
      if (isExitStep(toStage)) tasks.open(specFor(toStage));
    }
    if (toStage === 'EXIT_POSTING' && fromStage !== 'EXIT_POSTING') postingEndsAt = at + durationMs(settings.postingPeriod);
    await recordDecision(decided, toStage, { voided, ...(toStage === 'EXIT_POSTING' && postingEndsAt !== null && { postingEndsAt }) });
  }

  async function followUp(resumed: boolean): Promise<void> {
    if (!resumed) {
      monitoredSince = Date.now();
      tasks.open(visitSpec(input.createdBy.userId));
      await record({ at: Date.now(), legacyActivity: 'recordFollowUpStarted' });
    }
    for (;;) {
      const ready = () => tasks.hasPendingDecision() || canLeavePosting() || historyIsLong();
      const wait = stage === 'EXIT_POSTING' && postingEndsAt !== null ? postingEndsAt - Date.now() : 0;
      if (wait > 0) await condition(ready, wait);
      else await condition(ready);

      if (!tasks.hasPendingDecision()) {
        if (canLeavePosting()) await endPosting('EXIT_TOWN_REVIEW');
        else if (historyIsLong()) await continueAsNewWhenQuiet();
        continue;
      }
      const decided = tasks.takeDecision();
      if (onExitChain(decided.task)) {
        await decideExitStep(decided);
        continue;
      }
      // A measure delivered (or not), a yearly review done: the household stays where it is.
      const measure = measures.find((m) => m.taskId === decided.task.id);
      if (measure) measure.status = decided.request.decision === 'approve' ? 'DELIVERED' : 'NOT_DELIVERED';
      await recordDecision(decided, stage, measure ? { measureStatus: { id: measure.id, status: measure.status } } : {});
    }
  }

  while (!resume && !identifiedStages.includes(stage)) {
    const wait = stage === 'PUBLIC_POSTING' && postingEndsAt !== null ? postingEndsAt - Date.now() : 0;
    if (wait > 0) await condition(() => tasks.hasPendingDecision(), wait);
    else await condition(() => tasks.hasPendingDecision() || canLeavePosting());

    if (!tasks.hasPendingDecision()) {
      if (canLeavePosting()) await endPosting('TOWN_REVIEW');
      continue;
    }

    const decided = tasks.takeDecision();
    const { task, request, at } = decided;
    const step = task.step as MonitoringStep;
    completedBy[step] = request.actor.userId;
    const fromStage = stage;
    let toStage: Stage = stage;
    if (isIdentificationStep(step)) toStage = nextStage(step, request.decision);
    else toStage = sideStepOutcome(step as SideStep, request.decision) ?? stage;
    // Matched once every department concerned has found nothing against the household.
    if (step === 'DATA_MATCHING' && request.decision === 'approve' && tasks.openOf('DATA_MATCHING').length === 0) dataMatched = true;

    const voided: string[] = [];
    if (identifiedStages.includes(toStage)) {
      // The case is decided: nothing else on it needs doing, including decisions that arrived with this one.
      while (tasks.hasPendingDecision()) voided.push(tasks.takeDecision().task.id);
      for (const open of tasks.openTasks()) tasks.cancel(open.id);
      voided.forEach((id) => tasks.cancel(id));
    } else if (toStage !== fromStage || isIdentificationStep(step)) {
      // Leaving posting backwards voids its objections; a new evaluation is posted afresh.
      if (fromStage === 'PUBLIC_POSTING') for (const open of tasks.openOf('OBJECTION')) tasks.cancel(open.id);
      if (isIdentificationStep(toStage)) tasks.open(specFor(toStage));
    }
    if (toStage === 'PUBLIC_POSTING' && fromStage !== 'PUBLIC_POSTING') postingEndsAt = at + durationMs(policy.settings.postingPeriod);
    await recordDecision(decided, toStage, { voided, ...(toStage === 'PUBLIC_POSTING' && postingEndsAt !== null && { postingEndsAt }) });
  }

  if (resume) await followUp(true);
  else if (stage === 'MONITORED' && (!legacy || patched('follow-up-after-monitored'))) await followUp(false);

  await condition(allHandlersFinished);
  void clocks;
  void identificationClock;
  return { caseId: input.caseId, stage };
}
