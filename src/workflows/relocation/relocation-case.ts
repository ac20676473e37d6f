import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { durationMs } from '../../domain/duration';
import { ErrorCode } from '../../domain/errors';
import { isWithin } from '../../domain/jurisdictions';
import { defaultRelocationSettings, type RelocationStage } from '../../domain/relocation/case';
import {
  addEmploymentUpdate,
  addProjectUpdate,
  endEmploymentUpdate,
  recordBaselineUpdate,
  recordRelocationVisitUpdate,
  relocationRegisteredUpdate,
  relocationStateQuery,
  type RelocationCaseInput,
  type RelocationChange,
  type RelocationMemory,
} from '../../domain/relocation/messages';
import { relocationTaskSpec, type RelocationStep } from '../../domain/relocation/process';
import { beijingDay, nextMetSince, nextTargetChange, targetsOn, type EmploymentSpan, type ProjectSpan } from '../../domain/relocation/targets';
import type { Actor } from '../../domain/roles';
import type { TimelineEntry } from '../../domain/tasks/messages';
import type { createRelocationActivities } from '../../activities/relocation/relocation-activities';
import { caseStageKey } from '../../temporal/search-attributes';
import { TaskBoard, type StepRecord } from '../tasks/task-board';

export {
  addEmploymentUpdate,
  addProjectUpdate,
  endEmploymentUpdate,
  recordBaselineUpdate,
  recordRelocationVisitUpdate,
  relocationRegisteredUpdate,
  relocationStateQuery,
} from '../../domain/relocation/messages';
export type { RelocationCaseInput } from '../../domain/relocation/messages';

type RelocationActivities = ReturnType<typeof createRelocationActivities>;
/** The process's own activities are registered as `relocation.<name>` (src/activities/index.ts). */
const activities = proxyActivities<{ 'relocation.referToMonitoring': RelocationActivities['referToMonitoring'] }>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function refuse(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

const caseworkers = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER'];

/**
 * 易地扶贫搬迁后续扶持 of one relocated household: the baseline survey, the employment and project ledgers against the
 * two targets, follow-up visits on a cycle, supervision of targets unmet past the deadline (town → district), referral
 * into monitoring of a household found at risk, and closing once the targets stay met for the stable period. A closed
 * case keeps running: a job ended afterwards reopens follow-up. Continues as new when history grows long.
 */
export async function relocationCaseWorkflow(input: RelocationCaseInput): Promise<void> {
  const resume = input.resume;
  const settings = { ...defaultRelocationSettings, ...input.settings };
  const ms = (key: keyof typeof settings) => durationMs(settings[key]);
  let stage: RelocationStage = resume?.stage ?? 'BASELINE_SURVEY';
  let laborCapacity = resume?.laborCapacity ?? input.laborCapacity;
  const employment: EmploymentSpan[] = resume?.employment ?? [];
  const projects: ProjectSpan[] = resume?.projects ?? [];
  let entries = resume?.entries ?? 0;
  let visits = resume?.visits ?? 0;
  let metSince = resume?.metSince ?? null;
  let targetsDueAt = resume?.targetsDueAt ?? null;
  let lastVisitAtRisk = resume?.lastVisitAtRisk ?? false;
  let monitoringCaseId = resume?.monitoringCaseId ?? null;
  let registered = false;
  /** Bumped by every handler, so the main loop recomputes when it next has to wake. */
  let changes = 0;

  const tasks = new TaskBoard({ process: 'relocation', caseId: input.caseId }, { escalationAfterMs: ms('escalationAfter') });
  if (resume) tasks.restore(resume.board);
  const atRisk = () => lastVisitAtRisk || tasks.openOf('TARGET_SUPERVISION').length > 0;
  const state = () => ({ stage, atRisk: atRisk(), metSince, laborCapacity, monitoringCaseId });
  const targets = (now: number) => targetsOn({ laborCapacity, employment, projects, day: beijingDay(now) });
  const open = (step: RelocationStep, submitterId: string | null) => tasks.open(relocationTaskSpec(step, input.villageCode, submitterId, settings, Date.now()));
  const record = (step: StepRecord<RelocationChange>) => tasks.record(step);
  const by = (actor: Actor) => ({ actorId: actor.userId, actorName: actor.username });
  const moveTo = (to: RelocationStage) => {
    stage = to;
    upsertSearchAttributes([{ key: caseStageKey, value: stage }]);
  };

  setHandler(relocationRegisteredUpdate, async () => {
    await condition(() => registered);
    return { caseId: input.caseId, stage };
  });
  setHandler(relocationStateQuery, () => ({
    caseId: input.caseId,
    stage,
    atRisk: atRisk(),
    laborCapacity,
    employment,
    projects,
    metSince,
    targetsDueAt,
    monitoringCaseId,
    openTasks: tasks.openTasks(),
  }));

  /**
   * The targets after a ledger change (or a start or end date reached) at `now`: the stable-period clock, a closed case
   * reopened when a target is lost, the supervision deadline set or cleared. Returns the timeline entries it adds.
   */
  function reassess(now: number): TimelineEntry[] {
    const t = targets(now);
    const entries: TimelineEntry[] = [];
    metSince = nextMetSince(metSince, t.allMet, now);
    if (stage === 'CLOSED' && !t.allMet) {
      moveTo('FOLLOW_UP');
      const visit = open('FOLLOW_UP_VISIT', null);
      entries.push({ id: `${visit.id}:reopened`, at: now, kind: 'CASE_REOPENED', fromStage: 'CLOSED', toStage: 'FOLLOW_UP', comment: '就业或产业目标不再达标，恢复后续扶持' });
    }
    if (t.allMet || t.safetyNetOnly) {
      targetsDueAt = null;
      for (const task of tasks.openOf('TARGET_SUPERVISION')) {
        tasks.cancel(task.id);
        entries.push({ id: `${task.id}:targets-met`, at: now, kind: 'TARGETS_MET', step: 'TARGET_SUPERVISION', comment: '就业和产业目标均已达标，督办结束' });
      }
    } else if (stage === 'FOLLOW_UP' && targetsDueAt === null && tasks.openOf('TARGET_SUPERVISION').length === 0) {
      targetsDueAt = now + ms('targetDeadline');
    }
    changes++;
    return entries;
  }

  const inScope = (actor: Actor) => caseworkers.includes(actor.role) && isWithin(input.villageCode, actor.jurisdictionCode);
  /** 就业台账 is also kept by the district's 人社 officers. */
  const mayWriteEmployment = (actor: Actor) =>
    inScope(actor) || (actor.role === 'DEPARTMENT_OFFICER' && actor.department === 'HUMAN_RESOURCES' && isWithin(input.villageCode, actor.jurisdictionCode));

  setHandler(
    recordBaselineUpdate,
    async ({ baseline, actor }) => {
      const at = Date.now();
      for (const task of tasks.openOf('BASELINE_SURVEY')) tasks.complete(task.id, actor.userId);
      laborCapacity = baseline.laborCapacity;
      moveTo('FOLLOW_UP');
      open('FOLLOW_UP_VISIT', actor.userId);
      const timeline = reassess(at);
      await record({
        at,
        timeline: [{ id: `${input.caseId}:baseline`, at, kind: 'BASELINE_RECORDED', step: 'BASELINE_SURVEY', ...by(actor), fromStage: 'BASELINE_SURVEY', toStage: 'FOLLOW_UP' }, ...timeline],
        change: { baseline, state: state() },
      });
      return { stage };
    },
    {
      validator: ({ actor }) => {
        if (stage !== 'BASELINE_SURVEY') refuse(ErrorCode.CONFLICT, '基线调查已登记');
        if (actor.role !== 'VILLAGE_CASEWORKER' || !isWithin(input.villageCode, actor.jurisdictionCode)) refuse(ErrorCode.FORBIDDEN, '基线调查须由本村信息员登记');
      },
    },
  );

  setHandler(
    addEmploymentUpdate,
    async ({ entry, actor }) => {
      const at = Date.now();
      const entryId = `${input.caseId}.e${++entries}`;
      employment.push({ id: entryId, startDate: entry.startDate, endDate: entry.endDate ?? null });
      const timeline = reassess(at);
      await record({
        at,
        timeline: [{ id: `${entryId}:added`, at, kind: 'EMPLOYMENT_ADDED', ...by(actor), comment: `${entry.employer}（${entry.industry}）` }, ...timeline],
        change: { employment: { entryId, entry, actorId: actor.userId }, state: state() },
      });
      return { entryId };
    },
    { validator: ({ actor }) => void (mayWriteEmployment(actor) || refuse(ErrorCode.FORBIDDEN, '就业台账须由本辖区的村、乡镇经办人员或人社部门登记')) },
  );

  setHandler(
    endEmploymentUpdate,
    async ({ entryId, endDate, actor }) => {
      const at = Date.now();
      const job = employment.find((e) => e.id === entryId);
      if (!job) refuse(ErrorCode.NOT_FOUND, '就业记录不存在');
      job.endDate = endDate;
      const timeline = reassess(at);
      await record({
        at,
        timeline: [{ id: `${entryId}:ended:${endDate}`, at, kind: 'EMPLOYMENT_ENDED', ...by(actor), comment: `就业结束于${endDate}` }, ...timeline],
        change: { employmentEnded: { entryId, endDate }, state: state() },
      });
      return { entryId };
    },
    {
      validator: ({ entryId, endDate, actor }) => {
        if (!mayWriteEmployment(actor)) refuse(ErrorCode.FORBIDDEN, '就业台账须由本辖区的村、乡镇经办人员或人社部门登记');
        const job = employment.find((e) => e.id === entryId);
        if (!job) refuse(ErrorCode.NOT_FOUND, '就业记录不存在');
        if (endDate <= job.startDate) refuse(ErrorCode.VALIDATION, '结束日期应晚于开始日期');
      },
    },
  );

  setHandler(
    addProjectUpdate,
    async ({ entry, actor }) => {
      const at = Date.now();
      const entryId = `${input.caseId}.p${++entries}`;
      projects.push({ id: entryId, startDate: entry.startDate });
      const timeline = reassess(at);
      await record({
        at,
        timeline: [{ id: `${entryId}:added`, at, kind: 'PROJECT_ADDED', ...by(actor), comment: entry.name }, ...timeline],
        change: { project: { entryId, entry, actorId: actor.userId }, state: state() },
      });
      return { entryId };
    },
    { validator: ({ actor }) => void (inScope(actor) || refuse(ErrorCode.FORBIDDEN, '产业项目台账须由本辖区的村、乡镇经办人员登记')) },
  );

  setHandler(
    recordRelocationVisitUpdate,
    async ({ visit, actor }) => {
      const at = Date.now();
      const visitId = `${input.caseId}.v${++visits}`;
      for (const task of tasks.openOf('FOLLOW_UP_VISIT')) tasks.complete(task.id, actor.userId);
      const next = open('FOLLOW_UP_VISIT', actor.userId);
      lastVisitAtRisk = visit.atRisk;
      const timeline: TimelineEntry[] = [{ id: `${visitId}:visited`, at, kind: 'RELOCATION_VISIT_RECORDED', step: 'FOLLOW_UP_VISIT', ...by(actor), comment: visit.atRisk ? '发现返贫风险' : '未发现返贫风险' }];
      let referred = false;
      let evidence: RelocationChange['evidence'];
      if (visit.atRisk) {
        const riskTypes = visit.riskTypes ?? [];
        const result = await activities['relocation.referToMonitoring']({
          householdId: input.householdId,
          actor,
          riskTypes,
          perCapitaIncome: visit.perCapitaIncome,
          note: visit.note,
          intakeKey: `${workflowInfo().workflowId}:${visitId}`,
          discoveredAt: new Date(at).toISOString(),
          relocationCaseId: input.caseId,
        });
        if ('refusal' in result) {
          timeline.push({ id: `${visitId}:referral-refused`, at, kind: 'REFERRAL_REFUSED', comment: `未能转入防止返贫监测：${result.refusal.reason}` });
        } else {
          monitoringCaseId = result.monitoringCaseId;
          referred = result.referred;
          timeline.push({
            id: `${visitId}:${referred ? 'referred' : 'evidence'}`,
            at,
            kind: referred ? 'REFERRED_TO_MONITORING' : 'EVIDENCE_TO_MONITORING',
            comment: referred ? '已转入防止返贫动态监测，新建监测案件' : '该户已有监测案件，走访发现已作为线索补充至该案件',
          });
          if (!referred) evidence = { monitoringCaseId, visitId, riskTypes, ...by(actor), note: visit.note ?? null };
        }
      }
      await record({
        at,
        timeline,
        change: { visit: { visitId, visit, actorId: actor.userId, monitoringCaseId: visit.atRisk ? monitoringCaseId : null, referred }, ...(evidence && { evidence }), state: state() },
      });
      changes++;
      return { visitId, monitoringCaseId: visit.atRisk ? monitoringCaseId : null, nextVisitTaskId: next.id };
    },
    {
      validator: ({ actor }) => {
        if (stage !== 'FOLLOW_UP') refuse(ErrorCode.CONFLICT, stage === 'CLOSED' ? '该户已稳定达标结案，无需后续扶持走访' : '请先完成基线调查');
        if (!inScope(actor)) refuse(ErrorCode.FORBIDDEN, '后续扶持走访须由本辖区的村、乡镇经办人员登记');
      },
    },
  );

  if (!resume) {
    const at = Date.now();
    open('BASELINE_SURVEY', input.createdBy.userId);
    // Registered in the workflow task that starts it (a local activity): the creator's POST answers with the case.
    await record({
      at,
      timeline: [{ id: `${input.caseId}:created`, at, kind: 'RELOCATION_CASE_CREATED', ...by(input.createdBy), toStage: stage }],
      change: { register: { input, stage }, state: state() },
      local: true,
    });
  }
  registered = true;
  const clocks = tasks.runClocks();

  const historyEventsLimit = input.historyEventsLimit ?? 10_000;
  const historyIsLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventsLimit;

  /** When the main loop must next look, without any message: the stable period's end, the targets' deadline, a ledger date. */
  function nextWake(now: number): number | null {
    const times = [
      stage === 'FOLLOW_UP' && metSince !== null ? metSince + ms('stablePeriod') : null,
      stage === 'FOLLOW_UP' ? targetsDueAt : null,
      nextTargetChange({ employment, projects, now }),
    ].filter((t): t is number => t !== null);
    return times.length ? Math.min(...times) : null;
  }

  /** What time alone does: a start or end date reached, the targets' deadline passed, the stable period completed. */
  async function onTime(now: number): Promise<void> {
    const before = JSON.stringify([state(), targetsDueAt]);
    const timeline = reassess(now);
    const t = targets(now);
    if (stage === 'FOLLOW_UP' && targetsDueAt !== null && now >= targetsDueAt && !t.allMet && tasks.openOf('TARGET_SUPERVISION').length === 0) {
      targetsDueAt = null;
      const task = open('TARGET_SUPERVISION', null);
      const unmet = [...(t.employment.met ? [] : ['就业']), ...(t.project.met ? [] : ['产业项目'])].join('、');
      timeline.push({ id: `${task.id}:targets-unmet`, at: now, kind: 'TARGETS_UNMET', step: 'TARGET_SUPERVISION', comment: `${unmet}目标逾期未达标，已转乡镇督办` });
    }
    if (stage === 'FOLLOW_UP' && t.allMet && metSince !== null && now >= metSince + ms('stablePeriod')) {
      for (const task of tasks.openTasks()) tasks.cancel(task.id);
      moveTo('CLOSED');
      timeline.push({ id: `${input.caseId}:closed:${now}`, at: now, kind: 'CASE_CLOSED', fromStage: 'FOLLOW_UP', toStage: 'CLOSED', comment: '就业和产业目标持续达标满稳定期，结案' });
    }
    if (timeline.length || JSON.stringify([state(), targetsDueAt]) !== before) await record({ at: now, timeline, change: { state: state() } });
  }

  async function continueAsNewWhenQuiet(): Promise<void> {
    // A supervision decision accepted meanwhile waits for the main loop to settle it: take it first, then try again.
    await condition(() => tasks.hasPendingDecision() || (allHandlersFinished() && tasks.quiet()));
    if (!allHandlersFinished() || !tasks.quiet()) return;
    const memory: RelocationMemory = { stage, board: tasks.snapshot(), laborCapacity, employment, projects, entries, visits, metSince, targetsDueAt, lastVisitAtRisk, monitoringCaseId };
    await continueAsNew<typeof relocationCaseWorkflow>({ ...input, resume: memory });
  }

  for (;;) {
    const seen = changes;
    const now = Date.now();
    const wakeAt = nextWake(now);
    const ready = () => changes !== seen || tasks.hasPendingDecision() || historyIsLong();
    if (wakeAt === null) await condition(ready);
    else if (wakeAt > now) await condition(ready, wakeAt - now);

    if (tasks.hasPendingDecision()) {
      // 目标未达标督办 done: if the targets are still unmet, the next round of supervision comes after another deadline.
      const { task, request, at } = tasks.takeDecision();
      if (!targets(at).allMet && stage === 'FOLLOW_UP') targetsDueAt = at + ms('targetDeadline');
      await record({ at, decided: { task, request, fromStage: stage, toStage: stage }, change: { state: state() } });
      tasks.settle(task.id, { caseId: input.caseId, stage });
      continue;
    }
    await onTime(Date.now());
    if (historyIsLong()) await continueAsNewWhenQuiet();
  }
  void clocks;
}
