import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { createTaskActivities } from '../../src/activities/tasks/task-activities';
import { temporalTestServerPath } from '../../src/embedded/paths';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import type { Actor } from '../../src/domain/roles';
import { beijingQuarter, deadlineAt } from '../../src/domain/tasks/calendar';
import { claimTaskUpdate, completeTaskUpdate, openTasksQuery, reassignTaskUpdate, releaseTaskUpdate, type Transition } from '../../src/domain/tasks/messages';
import type { HumanTask } from '../../src/domain/tasks/task';
import { eventually } from '../support/eventually';
import { failOnHang } from '../support/fail-on-hang';
import { testDataConverter as dataConverter } from '../support/history-codec';
import { continueAsNewSignal, kitStateQuery, kitTestWorkflow, openStepsUpdate, type KitInput, type OpenStep } from './kit-process/workflows';

/**
 * The task kit on its own, through `kit-test` (./kit-process): a tiny process whose workflow only opens steps, records
 * decisions through the kit and runs its clocks, on the time-skipping server with fake activities.
 */

const day = 86_400_000;
const hour = 3_600_000;
const village = '500154017001';
const worker: Actor = { userId: 'u-worker', username: 'village.worker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const head: Actor = { userId: 'u-head', username: 'village.head', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const clerk: Actor = { userId: 'u-clerk', username: 'village.clerk', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const town: Actor = { userId: 'u-town', username: 'town.reviewer', role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' };
const district: Actor = { userId: 'u-district', username: 'district.approver', role: 'DISTRICT_APPROVER', jurisdictionCode: '500154' };

type TaskActivities = ReturnType<typeof createTaskActivities>;
type Notice = Parameters<TaskActivities['notifyOverdueTask']>[0];
type Claim = Parameters<TaskActivities['recordTaskClaim']>[0];
type Assignment = Parameters<TaskActivities['recordTaskAssignment']>[0];
interface Calls {
  recordTransition: Transition[];
  notifyOverdueTask: Notice[];
  recordTaskClaim: Claim[];
  recordTaskAssignment: Assignment[];
}

/** Fakes of the kit's activities: they record what the workflow asked for (the real ones are tested against PostgreSQL). */
function fakeActivities() {
  const calls: Calls = { recordTransition: [], notifyOverdueTask: [], recordTaskClaim: [], recordTaskAssignment: [] };
  let gate: Promise<void> | null = null;
  /** Holds every recording from now until the returned function is called (a slow database). */
  const holdRecording = () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    return () => {
      gate = null;
      release();
    };
  };
  const activities: Pick<TaskActivities, keyof Calls> = {
    async recordTransition(t) {
      calls.recordTransition.push(t);
      if (gate) await gate;
    },
    async notifyOverdueTask(n) {
      calls.notifyOverdueTask.push(n);
    },
    async recordTaskClaim(c) {
      calls.recordTaskClaim.push(c);
    },
    async recordTaskAssignment(a) {
      calls.recordTaskAssignment.push(a);
    },
  };
  return { calls, activities, holdRecording };
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let sequence = 0;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./kit-process/workflows'), logger: new DefaultLogger('WARN') });
});

// A server of its own per test, as in monitoring-case.test.ts: one test's timers cannot hold the next test's clock.
beforeEach(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter },
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await ensureSearchAttributes({ address: env.address, namespace: 'default' });
});

afterEach(async () => {
  await env?.teardown();
});

type Handle = WorkflowHandle<typeof kitTestWorkflow>;

const settings = { stepDue: { REVIEW: 'P3D', VILLAGE_VISIT: 'P5D' }, remindBefore: 'P1D' };

async function withKit(
  open: OpenStep[],
  test: (ctx: { handle: Handle; calls: Calls; caseId: string; holdRecording: () => () => void }) => Promise<void>,
  input: Partial<KitInput> = {},
) {
  sequence++;
  const taskQueue = `kit-test-${sequence}`;
  const caseId = `kit-${sequence}`;
  const { calls, activities, holdRecording } = fakeActivities();
  const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities, dataConverter });
  await w.runUntil(async () => {
    const handle = await env.client.workflow.start(kitTestWorkflow, {
      taskQueue,
      workflowId: `kit-test-case-${sequence}`,
      args: [{ caseId, villageCode: village, settings, escalationAfter: 'P3D', open, ...input }],
    });
    try {
      // The tasks it opened are recorded before anything else happens.
      await eventually(() => calls.recordTransition.length >= 1);
      await failOnHang(handle, () => test({ handle, calls, caseId, holdRecording }));
    } finally {
      // An activity left in flight would hold the server's clock still; the server is torn down after each test anyway.
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
}

const opened = (calls: Calls) => calls.recordTransition.flatMap((t) => t.opened ?? []);
const openedOf = (calls: Calls, step: string) => {
  const task = opened(calls).find((t) => t.step === step);
  if (!task) throw new Error(`no ${step} task opened`);
  return task;
};
const decide = (handle: Handle, taskId: string, actor: Actor, decision: string, comment?: string) =>
  handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, decision, comment, actor }] });

async function refusalOf(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return { type: (cause as ApplicationFailure).type, message: (cause as ApplicationFailure).message };
  }
  throw new Error('expected the update to be refused');
}

/** Skips the server's clock to `at` (epoch ms), letting the workflows' timers fire on the way. */
async function skipTo(at: number) {
  const now = await env.currentTimeMs();
  if (at > now) await env.sleep(at - now);
}

/**
 * A notice's time to the minute. The workflow's timer fires at the exact instant in skipped time; the notice carries the
 * workflow's clock when the timer's workflow task ran, a few milliseconds later (more on a loaded machine).
 */
const toMinute = (ms: number) => Math.round(ms / 60_000) * 60_000;

/** The notices sent for a task, as [kind, time from `from` to the minute, escalation target]. */
const noticesOf = (calls: Calls, taskId: string, from: number) =>
  calls.notifyOverdueTask
    .filter((n) => n.task.id === taskId)
    .map((n) => [n.ahead ? 'AHEAD' : n.escalation ? `ESCALATE ${n.escalation.level}` : 'DUE', toMinute(n.at - from), n.escalation && `${n.escalation.role}@${n.escalation.jurisdictionCode}`]);

test('the test process bundle holds the kit and no process of the product', () => {
  expect(bundle.code).toContain('kitTestWorkflow');
  expect(bundle.code).not.toMatch(/src\/(domain|workflows)\/monitoring\//);
});

test('a village task is reminded a day ahead, at the due time, then escalates up the tree: town reviewer, then district approver', async () => {
  await withKit([{ step: 'VILLAGE_VISIT' }], async ({ calls }) => {
    const task = openedOf(calls, 'VILLAGE_VISIT');
    const t0 = task.openedAt;
    // Due after the setting stepDue.VILLAGE_VISIT (P5D), reminded remindBefore (P1D) ahead, escalating every P2D (the step's own period, not the case's P3D).
    expect(task).toMatchObject({ dueAt: t0 + 5 * day, remindBeforeMs: day, preReminded: false, escalationAfterMs: 2 * day, escalation: { path: 'TREE' } });

    await skipTo(t0 + 4 * day - 60_000);
    expect(calls.notifyOverdueTask).toEqual([]);
    await skipTo(t0 + 4 * day + hour);
    await eventually(() => calls.notifyOverdueTask.length === 1);
    expect(calls.notifyOverdueTask[0]).toMatchObject({ process: 'kit-test', ahead: true, escalation: null, task: { id: task.id, preReminded: true, reminded: false } });

    await skipTo(t0 + 9 * day + hour);
    await eventually(() => calls.notifyOverdueTask.length === 4);
    expect(noticesOf(calls, task.id, t0)).toEqual([
      ['AHEAD', 4 * day, null],
      ['DUE', 5 * day, null],
      ['ESCALATE 1', 7 * day, 'TOWN_REVIEWER@500154017'],
      ['ESCALATE 2', 9 * day, 'DISTRICT_APPROVER@500154'],
    ]);
    expect(calls.notifyOverdueTask[3].task).toMatchObject({ reminded: true, escalationLevel: 2, escalatedToCode: '500154' });
    // Above the district there is no one: the clock stops.
    await skipTo(t0 + 20 * day);
    expect(calls.notifyOverdueTask).toHaveLength(4);
  });
});

test('the clock keeps its timer while its event stays the earliest: a step opened later, or decided, that does not change it starts no timer', async () => {
  await withKit([{ step: 'REVIEW' }, { step: 'VILLAGE_VISIT' }], async ({ handle, calls }) => {
    const timerEvents = async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      return { started: events.filter((e) => e.timerStartedEventAttributes).length, cancelled: events.filter((e) => e.timerCanceledEventAttributes).length };
    };
    // REVIEW is due first (P3D, reminded a day ahead): its clock's timer is the one running.
    await eventually(async () => (await timerEvents()).started === 1);
    const visit = openedOf(calls, 'VILLAGE_VISIT');
    // A later step opened and another decided: the earliest event is still REVIEW's, the timer runs on.
    await handle.executeUpdate(openStepsUpdate, { args: [[{ step: 'VILLAGE_VISIT' }]] });
    expect(await decide(handle, visit.id, head, 'approve')).toMatchObject({ stage: 'VILLAGE_VISIT:approve' });
    expect(await timerEvents()).toEqual({ started: 1, cancelled: 0 });
    // REVIEW decided: the earliest event is now the visit's, one timer cancelled and one started.
    expect(await decide(handle, openedOf(calls, 'REVIEW').id, head, 'approve')).toMatchObject({ stage: 'REVIEW:approve' });
    await eventually(async () => (await timerEvents()).started === 2);
    expect(await timerEvents()).toEqual({ started: 2, cancelled: 1 });
  });
});

test('a district task escalates by role (coordinator, then district approver); one of a non-approver role on the tree path escalates once to the approver', async () => {
  await withKit([{ step: 'DISTRICT_MEASURE' }, { step: 'COORDINATION' }], async ({ calls }) => {
    const measure = openedOf(calls, 'DISTRICT_MEASURE');
    const coordination = openedOf(calls, 'COORDINATION');
    const t0 = measure.openedAt;
    expect(measure).toMatchObject({ role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', escalation: { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] } });
    expect(coordination).toMatchObject({ role: 'COOPERATION_COORDINATOR', jurisdictionCode: '500154', escalation: { path: 'TREE' } });

    await skipTo(t0 + 12 * day);
    await eventually(() => calls.notifyOverdueTask.length === 5);
    // Due P3D, then every P1D (the step's period) along its roles, at the district.
    expect(noticesOf(calls, measure.id, t0)).toEqual([
      ['DUE', 3 * day, null],
      ['ESCALATE 1', 4 * day, 'COOPERATION_COORDINATOR@500154'],
      ['ESCALATE 2', 5 * day, 'DISTRICT_APPROVER@500154'],
    ]);
    // Due P3D, then the case's period (P3D): the tree has no level above the district, so the district approver, once.
    expect(noticesOf(calls, coordination.id, t0)).toEqual([
      ['DUE', 3 * day, null],
      ['ESCALATE 1', 6 * day, 'DISTRICT_APPROVER@500154'],
    ]);
  });
});

test('a quarter-end deadline in Beijing time: opened 30 March, due 31 March 24:00 Beijing; opened an hour later in Beijing’s April, due at the end of June', async () => {
  // The server starts at the real now: go to the next 30 March, noon in Beijing.
  const now = await env.currentTimeMs();
  let year = new Date(now + 8 * hour).getUTCFullYear();
  if (Date.UTC(year, 2, 30, 4) <= now) year++;
  await skipTo(Date.UTC(year, 2, 30, 4));
  await withKit([{ step: 'QUARTER_REPORT' }], async ({ handle, calls }) => {
    const march = openedOf(calls, 'QUARTER_REPORT');
    expect(new Date(march.openedAt).toISOString().slice(0, 13)).toBe(`${year}-03-30T04`);
    expect(beijingQuarter(march.openedAt)).toBe(`${year}Q1`);
    expect(march.dueAt).toBe(deadlineAt({ kind: 'QUARTER_END' }, march.openedAt));
    expect(new Date(march.dueAt).toISOString()).toBe(`${year}-03-31T16:00:00.000Z`);

    // 23:00 on 31 March in Beijing (15:00 UTC): still the first quarter, due within the hour; too late for the reminder ahead.
    await skipTo(Date.UTC(year, 2, 31, 15));
    const [late] = await handle.executeUpdate(openStepsUpdate, { args: [[{ step: 'QUARTER_REPORT' }]] });
    expect(new Date(late.dueAt).toISOString()).toBe(`${year}-03-31T16:00:00.000Z`);
    // 00:30 on 1 April in Beijing, still 31 March in UTC: the second quarter, due at the end of June.
    await skipTo(Date.UTC(year, 2, 31, 16, 30));
    const [april] = await handle.executeUpdate(openStepsUpdate, { args: [[{ step: 'QUARTER_REPORT' }]] });
    expect(new Date(april.openedAt).toISOString().slice(0, 10)).toBe(`${year}-03-31`);
    expect(beijingQuarter(april.openedAt)).toBe(`${year}Q2`);
    expect(april.dueAt).toBe(deadlineAt({ kind: 'QUARTER_END' }, april.openedAt));
    expect(new Date(april.dueAt).toISOString()).toBe(`${year}-06-30T16:00:00.000Z`);

    await skipTo(Date.UTC(year, 3, 4));
    await eventually(() => calls.notifyOverdueTask.filter((n) => n.task.id !== april.id).length === 5);
    const at = (n: Notice) => new Date(toMinute(n.at)).toISOString();
    // A day ahead, at the deadline, then up the tree after the case's period (P3D).
    expect(noticesOf(calls, march.id, march.dueAt)).toEqual([
      ['AHEAD', -day, null],
      ['DUE', 0, null],
      ['ESCALATE 1', 3 * day, 'TOWN_REVIEWER@500154017'],
    ]);
    expect(calls.notifyOverdueTask.filter((n) => n.task.id === march.id).map(at)).toEqual([
      `${year}-03-30T16:00:00.000Z`,
      `${year}-03-31T16:00:00.000Z`,
      `${year}-04-03T16:00:00.000Z`,
    ]);
    expect(noticesOf(calls, late.id, late.dueAt)).toEqual([
      ['DUE', 0, null],
      ['ESCALATE 1', 3 * day, 'TOWN_REVIEWER@500154017'],
    ]);
    expect(calls.notifyOverdueTask.filter((n) => n.task.id === april.id)).toEqual([]);
  });
});

test('separation of duties: the submitter’s and an excluded actor’s decisions are refused by the Update’s validator, another caseworker’s is taken', async () => {
  await withKit([{ step: 'REVIEW', submitterId: worker.userId, excludedActorIds: [clerk.userId, worker.userId] }], async ({ handle, calls, caseId }) => {
    const review = openedOf(calls, 'REVIEW');
    expect(review).toMatchObject({ submitterId: worker.userId, separationOfDuties: true, excludedActorIds: [clerk.userId] });
    expect(await refusalOf(decide(handle, review.id, worker, 'approve'))).toEqual({
      type: 'FORBIDDEN',
      message: '不能审核自己提交的步骤：审核须由提交人以外的人员办理',
    });
    expect(await refusalOf(decide(handle, review.id, clerk, 'approve'))).toEqual({
      type: 'FORBIDDEN',
      message: '不能办理自己经手的事项：您曾登记、提出或办理过本步骤所审核的内容，须由其他人员办理',
    });
    // Refused by the validator: no trace in history, nothing recorded.
    const history = await handle.fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(0);
    expect(calls.recordTransition.filter((t) => t.decided)).toHaveLength(0);

    expect(await decide(handle, review.id, head, 'approve')).toEqual({ caseId, stage: 'REVIEW:approve' });
    expect(calls.recordTransition.at(-1)).toMatchObject({
      process: 'kit-test',
      caseId,
      decided: { task: { id: review.id, status: 'COMPLETED', assigneeId: head.userId }, request: { decision: 'approve', actor: head } },
    });
    expect(await handle.query(openTasksQuery)).toEqual([]);
  });
});

test('a claimed task is the claimer’s: another caseworker can neither decide nor claim it; released or reassigned by a supervisor, it changes hands; the claimer decides', async () => {
  await withKit([{ step: 'REVIEW', submitterId: worker.userId }], async ({ handle, calls, caseId }) => {
    const review = openedOf(calls, 'REVIEW');
    const claimed = await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: review.id, actor: head }] });
    expect(claimed).toMatchObject({ id: review.id, assigneeId: head.userId, status: 'OPEN' });
    expect(calls.recordTaskClaim).toEqual([{ process: 'kit-test', caseId, taskId: review.id, actor: head, at: expect.any(Number) }]);

    expect(await refusalOf(decide(handle, review.id, clerk, 'approve'))).toEqual({ type: 'FORBIDDEN', message: '该任务已由其他人员认领' });
    expect(await refusalOf(handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: review.id, actor: clerk }] }))).toEqual({
      type: 'FORBIDDEN',
      message: '该任务已由其他人员认领',
    });
    // The submitter may not claim what they may not decide.
    expect(await refusalOf(handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: review.id, actor: worker }] }))).toMatchObject({ type: 'FORBIDDEN' });

    // Released by the claimer, the task is anyone's again; a supervisor (the town) hands it back.
    expect(await refusalOf(handle.executeUpdate(releaseTaskUpdate, { args: [{ taskId: review.id, actor: clerk }] }))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await handle.executeUpdate(releaseTaskUpdate, { args: [{ taskId: review.id, actor: head }] })).toMatchObject({ assigneeId: null });
    expect(await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: review.id, actor: clerk }] })).toMatchObject({ assigneeId: clerk.userId });
    expect(await refusalOf(handle.executeUpdate(reassignTaskUpdate, { args: [{ taskId: review.id, actor: town, to: worker }] }))).toEqual({
      type: 'VALIDATION',
      message: '不能改派给该人员：不能审核自己提交的步骤：审核须由提交人以外的人员办理',
    });
    expect(await handle.executeUpdate(reassignTaskUpdate, { args: [{ taskId: review.id, actor: town, to: head }] })).toMatchObject({ assigneeId: head.userId });
    expect(calls.recordTaskAssignment.map((a) => [a.from, a.to?.userId ?? null, a.actor.userId])).toEqual([
      [head.userId, null, head.userId],
      [clerk.userId, head.userId, town.userId],
    ]);
    expect(await refusalOf(decide(handle, review.id, clerk, 'approve'))).toEqual({ type: 'FORBIDDEN', message: '该任务已由其他人员认领' });
    expect(await decide(handle, review.id, head, 'return', '评议材料缺签名')).toEqual({ caseId, stage: 'REVIEW:return' });
    expect(await refusalOf(decide(handle, review.id, head, 'approve'))).toEqual({ type: 'CONFLICT', message: '该任务已办结，不能再次处理' });
  });
});

test('continue-as-new carries the open tasks with their clocks: ids count on, a late decision is a conflict, the next escalation fires on time', async () => {
  await withKit(
    [{ step: 'VILLAGE_VISIT' }, { step: 'REVIEW', submitterId: worker.userId }, { step: 'ACCEPTANCE' }],
    async ({ handle, calls, caseId }) => {
      const visit = openedOf(calls, 'VILLAGE_VISIT');
      const review = openedOf(calls, 'REVIEW');
      const acceptance = openedOf(calls, 'ACCEPTANCE');
      const t0 = visit.openedAt;
      expect([visit.id, review.id, acceptance.id]).toEqual([`${caseId}.1`, `${caseId}.2`, `${caseId}.3`]);
      // Visit: ahead 4D, due 5D, town 7D. Review: due 3D, town 6D (case's P3D). Acceptance (town): due 5D, district 8D.
      await skipTo(t0 + 7 * day + hour);
      await eventually(() => calls.notifyOverdueTask.length === 6);
      const firstRun = (await handle.describe()).runId;

      // The first run ends after one decision (the input asks for it).
      expect(await decide(handle, acceptance.id, town, 'accept')).toEqual({ caseId, stage: 'ACCEPTANCE:accept' });
      await eventually(async () => (await handle.describe()).runId !== firstRun);
      const second = await handle.query(kitStateQuery);
      expect(second).toMatchObject({ run: 2, decided: 1 });
      expect(second.openTasks.map((t: HumanTask) => [t.id, t.reminded, t.preReminded, t.escalationLevel, t.escalatedToCode])).toEqual([
        [visit.id, true, true, 1, '500154017'],
        [review.id, true, undefined, 1, '500154017'],
      ]);

      // A decision on the task closed in the first run; a task id never issued.
      expect(await refusalOf(decide(handle, acceptance.id, town, 'accept'))).toEqual({ type: 'CONFLICT', message: '该任务已办结，不能再次处理' });
      expect(await refusalOf(decide(handle, `${caseId}.99`, town, 'accept'))).toMatchObject({ type: 'NOT_FOUND' });
      const [grade] = await handle.executeUpdate(openStepsUpdate, { args: [[{ step: 'GRADE' }]] });
      expect(grade.id).toBe(`${caseId}.4`);

      // The carried tasks escalate to the district at 9D, once each: nothing sent again for what the first run sent.
      const before = calls.notifyOverdueTask.length;
      await skipTo(t0 + 9 * day - hour);
      expect(calls.notifyOverdueTask).toHaveLength(before);
      await skipTo(t0 + 9 * day + hour);
      await eventually(() => calls.notifyOverdueTask.length === before + 2);
      expect(noticesOf(calls, visit.id, t0)).toEqual([
        ['AHEAD', 4 * day, null],
        ['DUE', 5 * day, null],
        ['ESCALATE 1', 7 * day, 'TOWN_REVIEWER@500154017'],
        ['ESCALATE 2', 9 * day, 'DISTRICT_APPROVER@500154'],
      ]);
      expect(noticesOf(calls, review.id, t0)).toEqual([
        ['DUE', 3 * day, null],
        ['ESCALATE 1', 6 * day, 'TOWN_REVIEWER@500154017'],
        ['ESCALATE 2', 9 * day, 'DISTRICT_APPROVER@500154'],
      ]);

      // On a signal too; the carried task is still decided in the third run.
      const secondRun = (await handle.describe()).runId;
      await handle.signal(continueAsNewSignal);
      await eventually(async () => (await handle.describe()).runId !== secondRun);
      expect(await handle.query(kitStateQuery)).toMatchObject({ run: 3, decided: 1, openTasks: [{ id: visit.id }, { id: review.id }, { id: grade.id }] });
      expect(await decide(handle, review.id, head, 'reject', '不符合条件')).toEqual({ caseId, stage: 'REVIEW:reject' });
      expect(calls.recordTransition.at(-1)).toMatchObject({ decided: { task: { id: review.id, escalationLevel: 2 }, request: { decision: 'reject' } } });
    },
    { continueAfterDecisions: 1 },
  );
});

test('a decision that arrives while the workflow waits for a quiet moment to continue as new is answered, then the run continues', async () => {
  await withKit([{ step: 'REVIEW', submitterId: worker.userId }], async ({ handle, calls, caseId, holdRecording }) => {
    const review = openedOf(calls, 'REVIEW');
    const firstRun = (await handle.describe()).runId;
    // An Update is still recording when continue-as-new is asked for: the workflow waits for it to finish.
    const release = holdRecording();
    const opening = handle.executeUpdate(openStepsUpdate, { args: [[{ step: 'ACCEPTANCE' }]] });
    await eventually(() => calls.recordTransition.length === 2);
    await handle.signal(continueAsNewSignal);
    // Meanwhile a decision is accepted: the wait must take it, or its Update (and the run) would wait forever.
    const decision = decide(handle, review.id, head, 'approve');
    await eventually(async () => (await handle.fetchHistory()).events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes));
    release();
    const [acceptance] = await opening;
    expect(await decision).toEqual({ caseId, stage: 'REVIEW:approve' });
    await eventually(async () => (await handle.describe()).runId !== firstRun);
    expect(await handle.query(kitStateQuery)).toMatchObject({ run: 2, decided: 1, openTasks: [{ id: acceptance.id, step: 'ACCEPTANCE' }] });
  });
});

test('every decision vocabulary: grades, acceptance, review; reasons where the vocabulary asks; a decision outside the step’s list is refused naming the allowed ones', async () => {
  await withKit(
    [{ step: 'GRADE' }, { step: 'GRADE' }, { step: 'ACCEPTANCE' }, { step: 'ACCEPTANCE' }, { step: 'REVIEW', submitterId: worker.userId }, { step: 'REVIEW', submitterId: worker.userId }],
    async ({ handle, calls, caseId }) => {
      const [grade, poor, accept, giveBack, approve, reject] = opened(calls);
      expect(grade).toMatchObject({
        allowedDecisions: ['GOOD', 'FAIRLY_GOOD', 'AVERAGE', 'POOR'],
        decisionLabels: { GOOD: '好', FAIRLY_GOOD: '较好', AVERAGE: '一般', POOR: '差' },
        role: 'DISTRICT_APPROVER',
        jurisdictionCode: '500154',
      });
      expect(accept).toMatchObject({ allowedDecisions: ['accept', 'return'], role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' });

      // Grades: 差 needs a reason; a review decision is not a grade.
      expect(await refusalOf(decide(handle, poor.id, district, 'POOR'))).toEqual({ type: 'VALIDATION', message: '选择“差”时必须填写原因' });
      expect(await refusalOf(decide(handle, grade.id, district, 'approve'))).toEqual({
        type: 'VALIDATION',
        message: '此步骤不能选择“通过”，可选：GOOD（好）、FAIRLY_GOOD（较好）、AVERAGE（一般）、POOR（差）',
      });
      expect(await decide(handle, grade.id, district, 'FAIRLY_GOOD')).toEqual({ caseId, stage: 'GRADE:FAIRLY_GOOD' });
      expect(await decide(handle, poor.id, district, 'POOR', '帮扶措施落实不到位')).toEqual({ caseId, stage: 'GRADE:POOR' });

      // Acceptance: returning needs a reason; approve is not in its list.
      expect(await refusalOf(decide(handle, giveBack.id, town, 'return', ' '))).toEqual({ type: 'VALIDATION', message: '选择“退回修改”时必须填写原因' });
      expect(await refusalOf(decide(handle, accept.id, town, 'approve'))).toEqual({ type: 'VALIDATION', message: '此步骤不能选择“通过”，可选：accept（采纳）、return（退回修改）' });
      expect(await decide(handle, accept.id, town, 'accept')).toEqual({ caseId, stage: 'ACCEPTANCE:accept' });
      expect(await decide(handle, giveBack.id, town, 'return', '数据与台账不符')).toEqual({ caseId, stage: 'ACCEPTANCE:return' });

      // Review: reject needs a reason, a grade is not a review decision.
      expect(await refusalOf(decide(handle, reject.id, head, 'reject'))).toEqual({ type: 'VALIDATION', message: '选择“不予通过”时必须填写原因' });
      expect(await refusalOf(decide(handle, approve.id, head, 'GOOD'))).toEqual({
        type: 'VALIDATION',
        // One vocabulary per process: `return` carries the acceptance label here too (see kit-process/process.ts).
        // A code outside the step's decisions is named as sent: the task carries the labels of its own decisions only.
        message: '此步骤不能选择“GOOD”，可选：approve（通过）、return（退回修改）、reject（不予通过）',
      });
      expect(await decide(handle, approve.id, head, 'approve')).toEqual({ caseId, stage: 'REVIEW:approve' });
      expect(await decide(handle, reject.id, head, 'reject', '收入超过标准')).toEqual({ caseId, stage: 'REVIEW:reject' });

      const decisions = calls.recordTransition.filter((t) => t.decided).map((t) => [t.decided!.task.step, t.decided!.request.decision, t.decided!.request.comment ?? null]);
      expect(decisions).toEqual([
        ['GRADE', 'FAIRLY_GOOD', null],
        ['GRADE', 'POOR', '帮扶措施落实不到位'],
        ['ACCEPTANCE', 'accept', null],
        ['ACCEPTANCE', 'return', '数据与台账不符'],
        ['REVIEW', 'approve', null],
        ['REVIEW', 'reject', '收入超过标准'],
      ]);
      expect(await handle.query(kitStateQuery)).toMatchObject({ decided: 6, openTasks: [] });
    },
  );
});
