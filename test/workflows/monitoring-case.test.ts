import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { bundleAssistFlowWorkflows } from '../../src/worker-runtime';
import { actorAssertionInterceptor, verifyAssertion } from '../../src/temporal/actor-assertion';
import type { Activities } from '../../src/activities';
import type { MeasureRecord, MonitoringChange } from '../../src/domain/monitoring/messages';
import type { HumanTask } from '../../src/domain/tasks/task';
import type { Transition } from '../../src/domain/tasks/messages';
import { defaultPolicySettings } from '../../src/domain/policy';
import type { Actor } from '../../src/domain/roles';
import type { Decision } from '../../src/domain/tasks/task';
import { temporalTestServerPath } from '../../src/embedded/paths';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import {
  caseRegisteredUpdate,
  addMeasuresUpdate,
  caseStateQuery,
  fileObjectionUpdate,
  recordVisitUpdate,
  monitoringCaseWorkflow,
  proposeExitUpdate,
  rollBackUpdate,
  applyPolicyUpdate,
  type MonitoringCaseInput,
} from '../../src/workflows/monitoring/monitoring-case';
import { caseStageKey, overdueKey } from '../../src/temporal/search-attributes';
import { claimTaskUpdate, completeTaskUpdate, reassignTaskUpdate, releaseTaskUpdate } from '../../src/workflows/tasks/task-board';
import { annualSweepWorkflow } from '../../src/workflows/monitoring/annual-sweep';
import { eventually } from '../support/eventually';
import { failOnHang } from '../support/fail-on-hang';
import { testDataConverter as dataConverter } from '../support/history-codec';
import { temporal } from '@temporalio/proto';

const village = '500154017001';
const worker: Actor = { userId: 'u-worker', username: 'village.worker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const head: Actor = { userId: 'u-head', username: 'village.head', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const town: Actor = { userId: 'u-town', username: 'town.reviewer', role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' };
const district: Actor = { userId: 'u-district', username: 'district.approver', role: 'DISTRICT_APPROVER', jurisdictionCode: '500154' };
const dept: Actor = { userId: 'u-dept', username: 'dept.officer', role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'CIVIL_AFFAIRS' };
/** 医保's officer: the test cases are 因病, so 医保 matches their data. */
const insurer: Actor = { userId: 'u-insurer', username: 'dept.medical', role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'MEDICAL_INSURANCE' };
const otherVillage: Actor = { userId: 'u-other', username: 'other.worker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154018001' };

/**
 * What the workflow recorded, one list per kind of step: each `recordTransition` the kit sends is filed under the step
 * it records (a registration, a decision, an objection, …) in the shape the assertions read.
 */
function fileTransition(t: Transition): Partial<Record<FiledKind, unknown>> {
  const change = (t.change ?? {}) as MonitoringChange;
  const opened = t.opened ?? [];
  const entry = t.timeline?.[0];
  const kind = entry?.kind;
  if (change.register) return { registerMonitoringCase: { ...change.register, tasks: opened } };
  if (t.decided) {
    return {
      recordMonitoringDecision: {
        ...t.decided,
        at: t.at,
        nextTask: opened[0] ?? null,
        cancelled: t.cancelled ?? [],
        postingEndsAt: change.postingEndsAt ?? null,
        measure: change.measureStatus,
      },
    };
  }
  if (kind === 'OBJECTION_FILED') return { recordObjection: { task: opened[0], content: entry!.comment, at: t.at } };
  if (kind === 'POSTING_ENDED') return { recordPostingEnded: { nextTask: opened[0], fromStage: entry!.fromStage, toStage: entry!.toStage, at: t.at } };
  if (change.visit) return { recordFollowUpVisit: { ...change.visit, caseId: t.caseId, completedTaskId: t.completed?.[0]?.taskId ?? null, nextTask: opened[0], at: t.at } };
  if (change.measures) return { recordMeasures: { measures: change.measures.records, tasks: opened, at: t.at } };
  if (kind === 'EXIT_PROPOSED') return { recordExitProposed: { reason: entry!.comment, task: opened[0], at: t.at } };
  if (kind === 'ROLLED_BACK') return { recordRollback: { reason: entry!.comment, cancelled: t.cancelled ?? [], nextTask: opened[0], at: t.at } };
  if (kind === 'ANNUAL_REVIEW_OPENED') return { recordAnnualReviewOpened: { task: opened[0], year: Number(entry!.comment!.slice(0, 4)), at: t.at } };
  if (change.policyVersion !== undefined) return { recordPolicyApplied: { to: change.policyVersion, comment: entry!.comment, actorId: entry!.actorId, at: t.at } };
  if (opened.length === 1 && opened[0].step === 'VISIT') return { recordFollowUpStarted: { task: opened[0], at: t.at } };
  throw new Error(`unrecognised transition: ${JSON.stringify(t)}`);
}
type FiledKind =
  | 'registerMonitoringCase'
  | 'recordMonitoringDecision'
  | 'recordObjection'
  | 'recordPostingEnded'
  | 'recordFollowUpStarted'
  | 'recordFollowUpVisit'
  | 'recordMeasures'
  | 'recordExitProposed'
  | 'recordRollback'
  | 'recordAnnualReviewOpened'
  | 'recordPolicyApplied';
type Calls = { [K in Exclude<keyof Activities, 'recordTransition'>]: Parameters<Activities[K]>[0][] } & { [K in FiledKind]: any[] } & {
  recordTransition: Transition[];
};

/** Fakes of the I/O: they record what the workflow asked for. The real ones are tested against PostgreSQL and SMTP. */
function fakeActivities() {
  const calls: Calls = {
    loadPolicy: [],
    openMonitoringCase: [],
    verifyActorAssertion: [],
    recordTaskClaim: [],
    recordTaskAssignment: [],
    notifyOverdueTask: [],
    recordTransition: [],
    registerMonitoringCase: [],
    recordMonitoringDecision: [],
    recordObjection: [],
    recordPostingEnded: [],
    notifyIdentificationOverdue: [],
    recordFollowUpStarted: [],
    recordFollowUpVisit: [],
    recordMeasures: [],
    recordExitProposed: [],
    recordRollback: [],
    recordAnnualReviewOpened: [],
    listMonitoredCases: [],
    recordPolicyApplied: [],
    loadPolicyVersion: [],
  };
  const record =
    <K extends Exclude<keyof Activities, 'recordTransition'>>(name: K) =>
    async (a: Calls[K][number]) => {
      calls[name].push(a as never);
    };
  const activities: Activities = {
    async loadPolicy(a) {
      calls.loadPolicy.push(a);
      return { version: 7, settings: defaultPolicySettings };
    },
    async recordTransition(t) {
      calls.recordTransition.push(t);
      for (const [name, args] of Object.entries(fileTransition(t))) (calls[name as FiledKind] as unknown[]).push(args);
    },
    async verifyActorAssertion(a) {
      return verifyAssertion(assertionKey, a.assertion, Date.now());
    },
    async openMonitoringCase(a) {
      calls.openMonitoringCase.push(a);
      return { caseId: 'referred' };
    },
    recordTaskClaim: record('recordTaskClaim'),
    recordTaskAssignment: record('recordTaskAssignment'),
    notifyOverdueTask: record('notifyOverdueTask'),
    notifyIdentificationOverdue: record('notifyIdentificationOverdue'),
    async loadPolicyVersion(a) {
      calls.loadPolicyVersion.push(a);
      if (a.version !== 8) throw ApplicationFailure.create({ type: 'NOT_FOUND', message: `政策设置第${a.version}版不存在`, nonRetryable: true });
      // Version 8 visits fortnightly and escalates after a day.
      return { version: 8, settings: { ...defaultPolicySettings, followUpVisitInterval: 'P14D', escalationAfter: 'P1D' } };
    },
    async listMonitoredCases(a) {
      calls.listMonitoredCases.push(a);
      const after = a.afterCaseId === null ? 0 : monitoredCases.findIndex((c) => c.caseId === a.afterCaseId) + 1;
      return monitoredCases.slice(after, after + a.limit);
    },
  };
  return { calls, activities };
}

/** The key the test's client signs actor assertions with, and its fake worker checks them with. */
const assertionKey = randomBytes(32);

/** What the read model would list as monitored, for the yearly sweep. */
let monitoredCases: { caseId: string; workflowId: string }[] = [];

// One test (the yearly sweep) hung a few times in many full runs on a loaded machine, cause not yet found: a hang now
// fails after 90 s with the workflow's stack trace and pending activities (fail-on-hang.ts), and is tried once more.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

let env: TestWorkflowEnvironment;
// Encrypted as in production (dataConverter), so the workflow is tested with the data converter it runs with.
const historiesDir = path.join(__dirname, 'histories');
let bundle: WorkflowBundle;
let sequence = 0;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleAssistFlowWorkflows({ logger: new DefaultLogger('WARN') });
});

// A server of its own per test: one test's leftovers (a terminated case's timers) can otherwise hold the next test's clock still.
beforeEach(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    // As the API sends them: every Update signed with its actor's assertion.
    client: { dataConverter, interceptors: { workflow: [actorAssertionInterceptor(assertionKey)] } },
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  // The time-skipping server starts with no custom search attributes.
  await ensureSearchAttributes({ address: env.address, namespace: 'default' });
});

afterEach(async () => {
  await env?.teardown();
});

type Handle = WorkflowHandle<typeof monitoringCaseWorkflow>;

async function withCase(
  test: (ctx: { handle: Handle; calls: Calls; taskQueue: string }) => Promise<void>,
  options: Pick<MonitoringCaseInput, 'laborCapacity' | 'historyEventsLimit'> & { unpinnedPolicy?: boolean } = {},
) {
  sequence++;
  const taskQueue = `monitoring-test-${sequence}`;
  const { calls, activities } = fakeActivities();
  const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities, dataConverter });
  await w.runUntil(async () => {
    const input: MonitoringCaseInput = {
      caseId: `case-${sequence}`,
      householdId: `household-${sequence}`,
      villageCode: village,
      category: 'MARGINAL',
      channel: 'CADRE_VISIT',
      riskTypes: ['ILLNESS'],
      laborCapacity: options.laborCapacity ?? 'none',
      discoveredAt: new Date(await env.currentTimeMs()).toISOString(),
      createdBy: worker,
      // As the API starts a case: with the version in force pinned (cases started before it load it themselves).
      ...(!options.unpinnedPolicy && { policy: { version: 7, settings: defaultPolicySettings } }),
      ...(options.historyEventsLimit && { historyEventsLimit: options.historyEventsLimit }),
    };
    const handle = await env.client.workflow.start(monitoringCaseWorkflow, {
      taskQueue,
      workflowId: `monitoring-household-${sequence}`,
      args: [input],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: caseStageKey, value: 'HOME_VISIT' },
        { key: overdueKey, value: false },
      ]),
    });
    await handle.executeUpdate(caseRegisteredUpdate);
    try {
      await failOnHang(handle, () => test({ handle, calls, taskQueue }), 90_000);
    } finally {
      // An activity still in flight, or an open case left behind, would hold the test server's clock still for the next test.
      await eventually(async () => ((await handle.describe()).raw.pendingActivities ?? []).length === 0, 10_000).catch(() => undefined);
      // `npm run histories:record -- <version>` saves every path's history under histories/<version> for the replay
      // test, which guards running cases against breaking changes. Keep the older versions: cases started then still run.
      if (process.env.RECORD_HISTORIES) {
        const name = expect.getState().currentTestName!.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
        const dir = path.join(historiesDir, process.env.RECORD_HISTORIES);
        fs.mkdirSync(dir, { recursive: true });
        // Binary protobuf: exact, compact, and independent of JSON conversion quirks.
        fs.writeFileSync(path.join(dir, `${name}.binpb`), temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
      }
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
}

async function openTaskId(handle: Handle, step: string): Promise<string> {
  const state = await handle.query(caseStateQuery);
  const task = state.openTasks.find((t) => t.step === step);
  if (!task) throw new Error(`no open ${step} task; open: ${state.openTasks.map((t) => t.step).join(', ')}`);
  return task.id;
}

async function decide(handle: Handle, step: string, actor: Actor, decision: Decision, comment?: string) {
  const taskId = await openTaskId(handle, step);
  return handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, decision, comment, actor }] });
}

async function stageOf(handle: Handle) {
  return (await handle.query(caseStateQuery)).stage;
}

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

/** Home visit and data matching done, village evaluation approved: the case is posted. */
async function toPosting(handle: Handle, { matchData = true } = {}) {
  await decide(handle, 'HOME_VISIT', worker, 'approve');
  if (matchData) await decide(handle, 'DATA_MATCHING', insurer, 'approve', '医保数据比对无异常');
  expect(await decide(handle, 'VILLAGE_REVIEW', head, 'approve')).toMatchObject({ stage: 'PUBLIC_POSTING' });
}

/** Posting runs its five days, then the town review opens. */
async function throughPosting(handle: Handle, calls: Calls) {
  const ended = calls.recordPostingEnded.length;
  await env.sleep('5 days');
  await eventually(async () => calls.recordPostingEnded.length === ended + 1 && (await stageOf(handle)) === 'TOWN_REVIEW');
}

test('the workflow bundle holds no zod: each new case would build every schema again in its context', () => {
  // Schemas live in *schemas.ts modules, which workflows import for types only (measured: about 29 ms per case start).
  expect(bundle.code).not.toMatch(/node_modules\/zod\//);
});

test('the whole identification chain, from lead to monitored, mirrored step by step', async () => {
  await withCase(async ({ handle, calls }) => {
    expect(calls.registerMonitoringCase[0]).toMatchObject({ stage: 'HOME_VISIT', policyVersion: 7 });
    expect(calls.registerMonitoringCase[0].tasks.map((t: HumanTask) => [t.step, t.role, t.jurisdictionCode])).toEqual([
      ['HOME_VISIT', 'VILLAGE_CASEWORKER', village],
      ['DATA_MATCHING', 'DEPARTMENT_OFFICER', '500154'],
    ]);
    await toPosting(handle);
    const posted = calls.recordMonitoringDecision.at(-1)!;
    expect(posted).toMatchObject({ fromStage: 'VILLAGE_REVIEW', toStage: 'PUBLIC_POSTING', nextTask: null });
    expect(posted.postingEndsAt).toBe(posted.at + 5 * 86_400_000);

    await env.sleep('4 days');
    expect(await stageOf(handle)).toBe('PUBLIC_POSTING');
    await env.sleep('1 day');
    await eventually(() => calls.recordPostingEnded.length === 1);
    expect(calls.recordPostingEnded[0].nextTask).toMatchObject({ step: 'TOWN_REVIEW', role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' });

    expect(await decide(handle, 'TOWN_REVIEW', town, 'approve')).toMatchObject({ stage: 'DISTRICT_APPROVAL' });
    expect(await decide(handle, 'DISTRICT_APPROVAL', district, 'approve')).toMatchObject({ stage: 'ANNOUNCEMENT' });
    expect(await decide(handle, 'ANNOUNCEMENT', district, 'approve')).toMatchObject({ stage: 'MONITORED' });
    expect((await handle.describe()).typedSearchAttributes.get(caseStageKey)).toBe('MONITORED');
    // Monitored is not the end: the household is now visited regularly.
    await eventually(() => calls.recordFollowUpStarted.length === 1);
    expect(calls.recordFollowUpStarted[0].task).toMatchObject({ step: 'VISIT', role: 'VILLAGE_CASEWORKER', allowedDecisions: [] });
    expect(calls.notifyIdentificationOverdue).toHaveLength(0);
  });
});

test('a case started with its policy pinned does not load it; one started without (before the API pinned it) loads the version in force', async () => {
  await withCase(async ({ calls }) => {
    expect(calls.loadPolicy).toEqual([]);
    expect(calls.registerMonitoringCase[0]).toMatchObject({ policyVersion: 7 });
  });
  await withCase(
    async ({ handle, calls }) => {
      expect(calls.loadPolicy).toEqual([{ at: calls.registerMonitoringCase[0].input.discoveredAt }]);
      expect((await handle.query(caseStateQuery)).policyVersion).toBe(7);
    },
    { unpinnedPolicy: true },
  );
});

test('posting waits for the departments’ data matching before the town review opens', async () => {
  await withCase(async ({ handle, calls }) => {
    await toPosting(handle, { matchData: false });
    await env.sleep('6 days');
    expect(await stageOf(handle)).toBe('PUBLIC_POSTING');
    expect(calls.recordPostingEnded).toHaveLength(0);
    expect(await decide(handle, 'DATA_MATCHING', insurer, 'approve')).toMatchObject({ stage: 'PUBLIC_POSTING' });
    await eventually(async () => calls.recordPostingEnded.length === 1 && (await stageOf(handle)) === 'TOWN_REVIEW');
  });
});

test('an objection during posting holds the case until it is resolved', async () => {
  await withCase(async ({ handle, calls }) => {
    await toPosting(handle);
    const { taskId } = await handle.executeUpdate(fileObjectionUpdate, { args: [{ content: '村民反映该户有稳定务工收入', actor: town }] });
    expect(calls.recordObjection[0]).toMatchObject({ task: { id: taskId, step: 'OBJECTION', role: 'VILLAGE_CASEWORKER' }, content: '村民反映该户有稳定务工收入' });
    await env.sleep('6 days');
    expect(await stageOf(handle)).toBe('PUBLIC_POSTING');
    expect(await decide(handle, 'OBJECTION', worker, 'approve', '经核实，务工收入不稳定，异议不成立')).toMatchObject({ stage: 'PUBLIC_POSTING' });
    await eventually(async () => calls.recordPostingEnded.length === 1 && (await stageOf(handle)) === 'TOWN_REVIEW');
  });
});

test('an upheld objection sends the case back to the village evaluation, and the new posting runs its full period', async () => {
  await withCase(async ({ handle, calls }) => {
    await toPosting(handle);
    await handle.executeUpdate(fileObjectionUpdate, { args: [{ content: '家庭人口登记有误', actor: head }] });
    await handle.executeUpdate(fileObjectionUpdate, { args: [{ content: '同一事项重复反映', actor: worker }] });
    expect(await decide(handle, 'OBJECTION', worker, 'return', '异议成立，重新评议')).toMatchObject({ stage: 'VILLAGE_REVIEW' });
    const back = calls.recordMonitoringDecision.at(-1)!;
    expect(back.cancelled).toHaveLength(1);
    expect(back.nextTask).toMatchObject({ step: 'VILLAGE_REVIEW', submitterId: worker.userId });
    expect(await decide(handle, 'VILLAGE_REVIEW', head, 'approve')).toMatchObject({ stage: 'PUBLIC_POSTING' });
    await throughPosting(handle, calls);
  });
});

test('objections are refused outside posting and from outside the village', async () => {
  await withCase(async ({ handle }) => {
    const file = (actor: Actor, content = '异议') => refusalOf(handle.executeUpdate(fileObjectionUpdate, { args: [{ content, actor }] }));
    expect(await file(town)).toMatchObject({ type: 'CONFLICT', message: expect.stringContaining('公示期') });
    await toPosting(handle);
    expect(await file(otherVillage)).toMatchObject({ type: 'FORBIDDEN' });
    expect(await file(dept)).toMatchObject({ type: 'FORBIDDEN' });
    expect(await file(town, '  ')).toMatchObject({ type: 'VALIDATION' });
  });
});

test('returns go back to the step that produced the gap, and the reviewer of a reopened step is still not its submitter', async () => {
  await withCase(async ({ handle, calls }) => {
    await decide(handle, 'HOME_VISIT', worker, 'approve');
    expect(await decide(handle, 'VILLAGE_REVIEW', head, 'return', '入户核实表缺签名')).toMatchObject({ stage: 'HOME_VISIT' });
    await decide(handle, 'HOME_VISIT', worker, 'approve');
    // The home visitor still may not evaluate their own visit.
    expect(await refusalOf(decide(handle, 'VILLAGE_REVIEW', worker, 'approve'))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('自己提交') });
    await decide(handle, 'DATA_MATCHING', insurer, 'approve');
    await decide(handle, 'VILLAGE_REVIEW', head, 'approve');
    await throughPosting(handle, calls);
    expect(await decide(handle, 'TOWN_REVIEW', town, 'return', '收入证明缺失，请补充')).toMatchObject({ stage: 'VILLAGE_REVIEW' });
    expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ request: { decision: 'return', comment: '收入证明缺失，请补充' }, nextTask: { step: 'VILLAGE_REVIEW' } });
    await decide(handle, 'VILLAGE_REVIEW', head, 'approve');
    await env.sleep('5 days');
    await eventually(() => calls.recordPostingEnded.length === 2);
    await decide(handle, 'TOWN_REVIEW', town, 'approve');
    expect(await decide(handle, 'DISTRICT_APPROVAL', district, 'return', '请乡镇复核家庭人口')).toMatchObject({ stage: 'TOWN_REVIEW' });
    await decide(handle, 'TOWN_REVIEW', town, 'approve');
    await decide(handle, 'DISTRICT_APPROVAL', district, 'approve');
    expect(await decide(handle, 'ANNOUNCEMENT', district, 'approve')).toMatchObject({ stage: 'MONITORED' });
  });
});

/** All the way to monitored, with the follow-up's first visit task open. */
async function toMonitored(handle: Handle, calls: Calls) {
  await toPosting(handle);
  await throughPosting(handle, calls);
  await decide(handle, 'TOWN_REVIEW', town, 'approve');
  await decide(handle, 'DISTRICT_APPROVAL', district, 'approve');
  await decide(handle, 'ANNOUNCEMENT', district, 'approve');
  await eventually(() => calls.recordFollowUpStarted.length === 1);
}

test('a monitored household is visited at least monthly: each visit closes the due visit and opens the next; a late visit is reminded', async () => {
  await withCase(async ({ handle, calls }) => {
    await toMonitored(handle, calls);
    const firstVisit = calls.recordFollowUpStarted[0].task;
    const visit = { perCapitaIncome: 7200, unresolvedSpending: false, guaranteesSecure: true };
    const answer = await handle.executeUpdate(recordVisitUpdate, { args: [{ visit, actor: worker }] });
    expect(calls.recordFollowUpVisit[0]).toMatchObject({ visit, completedTaskId: firstVisit.id, nextTask: { id: answer.nextVisitTaskId, step: 'VISIT' } });
    const next = calls.recordFollowUpVisit[0].nextTask;
    expect(next.dueAt - calls.recordFollowUpVisit[0].at).toBe(30 * 86_400_000);
    expect(await refusalOf(handle.executeUpdate(recordVisitUpdate, { args: [{ visit, actor: town }] }))).toMatchObject({ type: 'FORBIDDEN' });
    // A visit task is done by recording the visit, not by approving it.
    expect(await refusalOf(decide(handle, 'VISIT', worker, 'approve'))).toMatchObject({ type: 'VALIDATION', message: expect.stringContaining('登记') });

    await env.sleep('31 days');
    await eventually(() => calls.notifyOverdueTask.some((n) => n.task.id === next.id));
  });
});

test('measures follow the policy: refused with the reason, otherwise each becomes a delivery task for its department or the village', async () => {
  await withCase(async ({ handle, calls }) => {
    await toMonitored(handle, calls);
    const addMeasures = (measures: unknown[], actor: Actor = worker) => handle.executeUpdate(addMeasuresUpdate, { args: [{ measures: measures as never, actor }] });
    // The household has no labour capacity: development measures alone are refused, and 特困 below 1.3 × 低保 (500) too.
    expect(await refusalOf(addMeasures([{ type: 'EMPLOYMENT', startDate: '2026-12-01' }]))).toMatchObject({ type: 'VALIDATION', message: expect.stringContaining('兜底') });
    expect(await refusalOf(addMeasures([{ type: 'EXTREME_POVERTY_SUPPORT', startDate: '2026-12-01', monthlyAmount: 600 }]))).toMatchObject({
      type: 'VALIDATION',
      message: expect.stringContaining('650'),
    });
    expect(await refusalOf(addMeasures([{ type: 'MINIMUM_LIVING', startDate: '2026-12-01', monthlyAmount: 500 }], dept))).toMatchObject({ type: 'FORBIDDEN' });
    expect(calls.recordMeasures).toHaveLength(0);

    const { measureIds } = await addMeasures([
      { type: 'MINIMUM_LIVING', startDate: '2026-12-01', monthlyAmount: 500 },
      { type: 'INDUSTRY', startDate: '2026-12-01' },
    ]);
    expect(measureIds).toHaveLength(2);
    const [civil, industry] = calls.recordMeasures[0].tasks;
    expect(civil).toMatchObject({ step: 'MEASURE_DELIVERY', role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'CIVIL_AFFAIRS' });
    // Only the responsible department's officers may deliver it.
    const medical: Actor = { ...dept, userId: 'u-medical', department: 'MEDICAL_INSURANCE' };
    expect(await refusalOf(handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: civil.id, decision: 'approve', actor: medical }] }))).toMatchObject({
      type: 'FORBIDDEN',
      message: expect.stringContaining('其他部门'),
    });
    expect(industry).toMatchObject({ step: 'MEASURE_DELIVERY', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village });
    expect(calls.recordMeasures[0].measures.map((m: MeasureRecord) => [m.type, m.department, m.status])).toEqual([
      ['MINIMUM_LIVING', 'CIVIL_AFFAIRS', 'PLANNED'],
      ['INDUSTRY', null, 'PLANNED'],
    ]);

    await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: civil.id, decision: 'approve', comment: '已发放', actor: dept }] });
    expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ measure: { id: measureIds[0], status: 'DELIVERED' }, fromStage: 'MONITORED', toStage: 'MONITORED' });
    await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: industry.id, decision: 'reject', comment: '产业项目未获批', actor: head }] });
    expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ measure: { id: measureIds[1], status: 'NOT_DELIVERED' } });
    expect(await stageOf(handle)).toBe('MONITORED');
  });
});

test.each([
  ['home visit', 'HOME_VISIT', worker],
  ['data matching', 'DATA_MATCHING', insurer],
  ['village evaluation', 'VILLAGE_REVIEW', head],
  ['town review', 'TOWN_REVIEW', town],
  ['district approval', 'DISTRICT_APPROVAL', district],
] as const)('a reject at the %s ends the case as not included and cancels what is still open', async (_name, step, rejecter) => {
  await withCase(async ({ handle, calls }) => {
    if (step === 'VILLAGE_REVIEW' || step === 'TOWN_REVIEW' || step === 'DISTRICT_APPROVAL') {
      await decide(handle, 'HOME_VISIT', worker, 'approve');
      if (step !== 'VILLAGE_REVIEW') {
        await toPostingFromReview(handle);
        await throughPosting(handle, calls);
        if (step === 'DISTRICT_APPROVAL') await decide(handle, 'TOWN_REVIEW', town, 'approve');
      }
    }
    const openBefore = (await handle.query(caseStateQuery)).openTasks.filter((t) => t.step !== step).map((t) => t.id);
    expect(await decide(handle, step, rejecter, 'reject', '家庭收入高于监测标准')).toMatchObject({ stage: 'NOT_INCLUDED' });
    expect(await handle.result()).toMatchObject({ stage: 'NOT_INCLUDED' });
    expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ toStage: 'NOT_INCLUDED', nextTask: null, cancelled: openBefore });
  });
});

async function toPostingFromReview(handle: Handle) {
  await decide(handle, 'DATA_MATCHING', insurer, 'approve');
  await decide(handle, 'VILLAGE_REVIEW', head, 'approve');
}

test('refused decisions are answered with the reason and leave no trace in history', async () => {
  await withCase(async ({ handle, calls }) => {
    const taskId = await openTaskId(handle, 'HOME_VISIT');
    const attempt = (actor: Actor, decision: Decision, comment?: string, id = taskId) =>
      refusalOf(handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: id, decision, comment, actor }] }));
    expect(await attempt(town, 'approve')).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('村级信息员') });
    expect(await attempt(otherVillage, 'approve')).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('辖区') });
    expect(await attempt(worker, 'return', '无')).toMatchObject({ type: 'VALIDATION' });
    expect(await attempt(worker, 'reject')).toMatchObject({ type: 'VALIDATION', message: expect.stringContaining('原因') });
    expect(await attempt(worker, 'approve', undefined, 'no-such-task')).toMatchObject({ type: 'NOT_FOUND' });

    await decide(handle, 'HOME_VISIT', worker, 'approve');
    expect(await attempt(worker, 'approve')).toMatchObject({ type: 'CONFLICT' });

    const history = await handle.fetchHistory();
    const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === completeTaskUpdate.name);
    const rejected = (history.events ?? []).filter((e) => e.workflowExecutionUpdateRejectedEventAttributes);
    // Only the one valid decision was accepted; validators refused the rest before anything was written.
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(0);
    expect(calls.recordMonitoringDecision).toHaveLength(1);
  });
});

test('a claimed task can be decided only by its assignee', async () => {
  await withCase(async ({ handle, calls }) => {
    await decide(handle, 'HOME_VISIT', worker, 'approve');
    const taskId = await openTaskId(handle, 'VILLAGE_REVIEW');
    const claimed = await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId, actor: head }] });
    expect(claimed).toMatchObject({ id: taskId, assigneeId: head.userId });
    expect(calls.recordTaskClaim).toEqual([expect.objectContaining({ taskId, actor: head })]);
    const other: Actor = { ...head, userId: 'u-third', username: 'village.third' };
    expect(await refusalOf(decide(handle, 'VILLAGE_REVIEW', other, 'approve'))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('认领') });
    expect(await decide(handle, 'VILLAGE_REVIEW', head, 'approve')).toMatchObject({ stage: 'PUBLIC_POSTING' });
  });
});

test('a claim is released by its claimer or a supervisor, and a supervisor reassigns a task to someone who may act on it', async () => {
  await withCase(async ({ handle, calls }) => {
    await decide(handle, 'HOME_VISIT', worker, 'approve');
    const taskId = await openTaskId(handle, 'VILLAGE_REVIEW');
    const third: Actor = { ...head, userId: 'u-third', username: 'village.third' };
    const release = (actor: Actor) => handle.executeUpdate(releaseTaskUpdate, { args: [{ taskId, actor }] });
    const reassign = (actor: Actor, to: Actor) => handle.executeUpdate(reassignTaskUpdate, { args: [{ taskId, actor, to }] });
    expect(await refusalOf(release(head))).toMatchObject({ type: 'CONFLICT', message: '该任务未被认领，无需释放' });
    await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId, actor: head }] });
    // Another caseworker of the village may not free it; the claimer may.
    expect(await refusalOf(release(third))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await release(head)).toMatchObject({ id: taskId, assigneeId: null });
    // Only a supervisor reassigns, and only to someone who may act: not the visit's own submitter, not another role.
    expect(await refusalOf(reassign(head, third))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await refusalOf(reassign(town, worker))).toMatchObject({ type: 'VALIDATION', message: expect.stringContaining('不能改派给该人员') });
    expect(await refusalOf(reassign(town, dept))).toMatchObject({ type: 'VALIDATION' });
    expect(await reassign(town, third)).toMatchObject({ assigneeId: third.userId });
    expect(await refusalOf(decide(handle, 'VILLAGE_REVIEW', head, 'approve'))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('认领') });
    expect(await decide(handle, 'VILLAGE_REVIEW', third, 'approve')).toMatchObject({ stage: 'PUBLIC_POSTING' });
    expect(calls.recordTaskAssignment.map((a) => [a.from, a.to?.userId ?? null, a.actor.userId])).toEqual([
      [head.userId, null, head.userId],
      [null, third.userId, town.userId],
    ]);
  });
});

test('an open step is reminded at its due time, then escalated to the town and the district after each further period', async () => {
  await withCase(async ({ handle, calls }) => {
    const visitNotices = () => calls.notifyOverdueTask.filter((n) => n.task.step === 'HOME_VISIT');
    // Defaults: the visit is due in 3 days, escalation every 2 days after that.
    await env.sleep('2 days');
    expect(calls.notifyOverdueTask).toHaveLength(0);
    await env.sleep('1 day');
    await eventually(() => visitNotices().length === 1);
    expect(visitNotices()[0]).toMatchObject({ escalation: null, task: { reminded: true } });
    expect((await handle.describe()).typedSearchAttributes.get(overdueKey)).toBe(true);

    await env.sleep('2 days');
    // At day 5 the visit escalates and the data matching falls due: wait for both.
    await eventually(() => visitNotices().length === 2 && calls.notifyOverdueTask.some((n) => n.task.step === 'DATA_MATCHING'));
    expect(visitNotices()[1].escalation).toEqual({ level: 1, jurisdictionCode: '500154017', role: 'TOWN_REVIEWER' });
    // Data matching (due in 5 days, at the district) is reminded too; there is nobody above the district to escalate to.
    expect(calls.notifyOverdueTask.filter((n) => n.task.step === 'DATA_MATCHING')).toEqual([expect.objectContaining({ escalation: null })]);

    await env.sleep('2 days');
    await eventually(() => visitNotices().length === 3);
    expect(visitNotices()[2].escalation).toEqual({ level: 2, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' });

    await env.sleep('5 days');
    expect(visitNotices()).toHaveLength(3);
    expect((await handle.query(caseStateQuery)).openTasks.find((t) => t.step === 'HOME_VISIT')).toMatchObject({ escalationLevel: 2, escalatedToCode: '500154' });

    // Deciding the late steps clears the overdue flag and starts a fresh clock for the next one.
    await decide(handle, 'HOME_VISIT', worker, 'approve');
    await decide(handle, 'DATA_MATCHING', insurer, 'approve');
    expect((await handle.describe()).typedSearchAttributes.get(overdueKey)).toBe(false);
    await env.sleep('3 days');
    await eventually(() => calls.notifyOverdueTask.some((n) => n.task.step === 'VILLAGE_REVIEW'));
  });
});

test('the whole identification has its own limit: past 15 days the district is told once', async () => {
  await withCase(async ({ handle, calls }) => {
    await env.sleep('14 days');
    expect(calls.notifyIdentificationOverdue).toHaveLength(0);
    await env.sleep('1 day');
    await eventually(() => calls.notifyIdentificationOverdue.length === 1);
    expect(calls.notifyIdentificationOverdue[0]).toMatchObject({ stage: 'HOME_VISIT' });
    await env.sleep('10 days');
    expect(calls.notifyIdentificationOverdue).toHaveLength(1);
    expect(await stageOf(handle)).toBe('HOME_VISIT');
  });
});

const stableVisit = { perCapitaIncome: 9000, unresolvedSpending: false, guaranteesSecure: true };
const visitWith = (handle: Handle, visit = stableVisit, actor = worker) => handle.executeUpdate(recordVisitUpdate, { args: [{ visit, actor }] });
const proposeExit = (handle: Handle, actor: Actor = worker, reason = '务工收入稳定，连续6个月高于监测线') =>
  handle.executeUpdate(proposeExitUpdate, { args: [{ reason, actor }] });

/** Monitored, a measure delivered, then visited every 25 days (so every month has a visit) for 200 days with income above the line. */
async function toExitReady(handle: Handle, calls: Calls) {
  await toMonitored(handle, calls);
  await handle.executeUpdate(addMeasuresUpdate, { args: [{ measures: [{ type: 'INDUSTRY', startDate: '2026-12-01' }], actor: worker }] });
  await decide(handle, 'MEASURE_DELIVERY', head, 'approve', '产业项目已落地');
  for (let day = 0; day <= 200; day += 25) {
    await visitWith(handle);
    await env.sleep('25 days');
  }
}

test('risk elimination is refused with every reason while its preconditions fail, and refusals leave no trace', async () => {
  await withCase(
    async ({ handle, calls }) => {
      expect(await refusalOf(proposeExit(handle))).toMatchObject({ type: 'CONFLICT', message: expect.stringContaining('已纳入监测') });
      await toMonitored(handle, calls);
      const refused = await refusalOf(proposeExit(handle));
      expect(refused.type).toBe('CONFLICT');
      expect(refused.message).toContain('纳入监测未满6个月');
      expect(refused.message).toContain('尚未落实任何帮扶措施');
      expect(refused.message).toContain('无收入记录');
      expect(await refusalOf(proposeExit(handle, town))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('本村信息员') });
      expect(await refusalOf(proposeExit(handle, worker, '  '))).toMatchObject({ type: 'VALIDATION' });

      // Six months on, with a measure delivered but income below the line in one month and spending unresolved at the last visit.
      await handle.executeUpdate(addMeasuresUpdate, { args: [{ measures: [{ type: 'INDUSTRY', startDate: '2026-12-01' }], actor: worker }] });
      await decide(handle, 'MEASURE_DELIVERY', head, 'approve');
      for (let day = 0; day <= 200; day += 25) {
        await visitWith(handle, day === 100 ? { ...stableVisit, perCapitaIncome: 5000 } : day === 200 ? { ...stableVisit, unresolvedSpending: true } : stableVisit);
        await env.sleep('25 days');
      }
      const later = await refusalOf(proposeExit(handle));
      expect(later.message).not.toContain('纳入监测未满');
      expect(later.message).not.toContain('帮扶措施');
      expect(later.message).toMatch(/人均纯收入未稳定高于当年监测线7500元\/年：\d{4}-\d{2}为5000元/);
      expect(later.message).toContain('刚性支出');
      expect(calls.recordExitProposed).toHaveLength(0);
      expect(await stageOf(handle)).toBe('MONITORED');
      const history = await handle.fetchHistory();
      expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === proposeExitUpdate.name)).toHaveLength(0);
    },
    { laborCapacity: 'full' },
  );
});

test('a household without labour capacity is never eliminated, however long it is monitored', async () => {
  await withCase(async ({ handle, calls }) => {
    await toMonitored(handle, calls);
    expect(await refusalOf(proposeExit(handle))).toEqual({ type: 'CONFLICT', message: expect.stringContaining('无劳动能力') });
  });
});

test('risk elimination runs the review chain with posting, then the household is rechecked and can be rolled back', async () => {
  await withCase(
    async ({ handle, calls }) => {
      await toExitReady(handle, calls);
      const { taskId, stage } = await proposeExit(handle);
      expect(stage).toBe('EXIT_VISIT');
      expect(calls.recordExitProposed[0]).toMatchObject({ reason: '务工收入稳定，连续6个月高于监测线', task: { id: taskId, step: 'EXIT_VISIT', role: 'VILLAGE_CASEWORKER', submitterId: worker.userId } });
      expect((await handle.describe()).typedSearchAttributes.get(caseStageKey)).toBe('EXIT_VISIT');
      expect(await refusalOf(proposeExit(handle))).toMatchObject({ type: 'CONFLICT', message: expect.stringContaining('已在审核中') });
      // Visits and measures go on while the exit is reviewed.
      await visitWith(handle);

      expect(await decide(handle, 'EXIT_VISIT', worker, 'approve', '入户核实收入稳定')).toMatchObject({ stage: 'EXIT_VILLAGE_REVIEW' });
      expect(await refusalOf(decide(handle, 'EXIT_VILLAGE_REVIEW', worker, 'approve'))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('自己提交') });
      expect(await decide(handle, 'EXIT_VILLAGE_REVIEW', head, 'approve')).toMatchObject({ stage: 'EXIT_POSTING' });
      const posted = calls.recordMonitoringDecision.at(-1)!;
      expect(posted).toMatchObject({ fromStage: 'EXIT_VILLAGE_REVIEW', toStage: 'EXIT_POSTING' });
      expect(posted.postingEndsAt).toBe(posted.at + 5 * 86_400_000);
      await env.sleep('4 days');
      expect(await stageOf(handle)).toBe('EXIT_POSTING');
      await env.sleep('1 day');
      await eventually(async () => (await stageOf(handle)) === 'EXIT_TOWN_REVIEW');
      expect(calls.recordPostingEnded.at(-1)).toMatchObject({ fromStage: 'EXIT_POSTING', toStage: 'EXIT_TOWN_REVIEW', nextTask: { step: 'EXIT_TOWN_REVIEW', role: 'TOWN_REVIEWER' } });
      expect(await decide(handle, 'EXIT_TOWN_REVIEW', town, 'approve')).toMatchObject({ stage: 'EXIT_DISTRICT_APPROVAL' });
      expect(await decide(handle, 'EXIT_DISTRICT_APPROVAL', district, 'approve', '同意标注风险消除')).toMatchObject({ stage: 'RISK_ELIMINATED' });
      expect((await handle.describe()).typedSearchAttributes.get(caseStageKey)).toBe('RISK_ELIMINATED');

      // 回头看: rechecked every 90 days, no longer monthly; no new measures are planned for it.
      await visitWith(handle);
      const recheck = calls.recordFollowUpVisit.at(-1)!;
      expect(recheck.nextTask.dueAt - recheck.at).toBe(90 * 86_400_000);
      expect(await refusalOf(handle.executeUpdate(addMeasuresUpdate, { args: [{ measures: [{ type: 'INDUSTRY', startDate: '2027-08-01' }], actor: worker }] }))).toMatchObject({
        type: 'CONFLICT',
      });

      // 回退: found unstable at a recheck; monitored again, visits monthly, assistance resumes.
      expect(await refusalOf(handle.executeUpdate(rollBackUpdate, { args: [{ reason: '家庭成员突发重病', actor: dept }] }))).toMatchObject({ type: 'FORBIDDEN' });
      const rolled = await handle.executeUpdate(rollBackUpdate, { args: [{ reason: '家庭成员突发重病', actor: town }] });
      expect(rolled.stage).toBe('MONITORED');
      const rollback = calls.recordRollback[0];
      expect(rollback).toMatchObject({ reason: '家庭成员突发重病', cancelled: [recheck.nextTask.id], nextTask: { id: rolled.visitTaskId, step: 'VISIT' } });
      expect(rollback.nextTask.dueAt - rollback.at).toBe(30 * 86_400_000);
      expect(await refusalOf(handle.executeUpdate(rollBackUpdate, { args: [{ reason: '重复', actor: town }] }))).toMatchObject({ type: 'CONFLICT' });
      await handle.executeUpdate(addMeasuresUpdate, { args: [{ measures: [{ type: 'MEDICAL_ASSISTANCE', startDate: '2027-08-01' }], actor: worker }] });
      // Monitored afresh: six more months before the exit may be proposed again.
      expect(await refusalOf(proposeExit(handle))).toMatchObject({ type: 'CONFLICT', message: expect.stringContaining('纳入监测未满6个月') });
    },
    { laborCapacity: 'full' },
  );
});

test('a reject anywhere on the exit chain keeps the household monitored and cancels the exit’s open work', async () => {
  await withCase(
    async ({ handle, calls }) => {
      await toExitReady(handle, calls);
      await proposeExit(handle);
      await decide(handle, 'EXIT_VISIT', worker, 'approve');
      await decide(handle, 'EXIT_VILLAGE_REVIEW', head, 'approve');
      const { taskId: objection } = await handle.executeUpdate(fileObjectionUpdate, { args: [{ content: '该户务工收入不稳定', actor: head }] });
      // An upheld objection sends the exit back to the village evaluation.
      expect(await decide(handle, 'OBJECTION', worker, 'return', '异议成立，重新评议')).toMatchObject({ stage: 'EXIT_VILLAGE_REVIEW' });
      expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ task: { id: objection }, nextTask: { step: 'EXIT_VILLAGE_REVIEW' } });
      await decide(handle, 'EXIT_VILLAGE_REVIEW', head, 'approve');
      await env.sleep('5 days');
      await eventually(async () => (await stageOf(handle)) === 'EXIT_TOWN_REVIEW');
      expect(await decide(handle, 'EXIT_TOWN_REVIEW', town, 'reject', '产业收入受灾影响，暂缓消除')).toMatchObject({ stage: 'MONITORED' });
      const open = (await handle.query(caseStateQuery)).openTasks.map((t) => t.step);
      expect(open.filter((s) => s.startsWith('EXIT_') || s === 'OBJECTION')).toEqual([]);
      expect(open).toContain('VISIT');
      // The preconditions still hold: it may be proposed again.
      expect(await proposeExit(handle)).toMatchObject({ stage: 'EXIT_VISIT' });
    },
    { laborCapacity: 'full' },
  );
});

test('the yearly sweep opens one review task per monitored household and year, however often it runs', async () => {
  await withCase(async ({ handle, calls, taskQueue }) => {
    await toMonitored(handle, calls);
    monitoredCases = [
      { caseId: 'a-case', workflowId: handle.workflowId },
      { caseId: 'b-gone', workflowId: 'monitoring-no-such-household' },
    ];
    // Waiting for the result would unlock time skipping, and the server would race the case's clocks ahead meanwhile
    // (the suspected cause of one CI run hanging here); the sweep needs no skipped time, so the clock is held still.
    // The result is read through a plain client: the test environment's unlocks time skipping while it waits, even
    // for a finished workflow, and the case's timers fired meanwhile (seen: the test server refusing the case's next
    // workflow task, "invalid history builder state", and the case hanging).
    const plain = new Client({ connection: env.connection, dataConverter });
    const sweep = async (id: string) => {
      await env.client.workflow.start(annualSweepWorkflow, { taskQueue, workflowId: id, args: [{ year: 2027 }] });
      const run = plain.workflow.getHandle<typeof annualSweepWorkflow>(id);
      await eventually(async () => (await run.describe()).status.name === 'COMPLETED', 30_000);
      return run.result();
    };
    expect(await sweep('sweep-1')).toEqual({ year: 2027, signalled: 1, failed: 1, failedCaseIds: ['b-gone'] });
    await eventually(() => calls.recordAnnualReviewOpened.length === 1);
    expect(calls.recordAnnualReviewOpened[0]).toMatchObject({ year: 2027, task: { step: 'ANNUAL_REVIEW', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village } });
    expect(calls.recordAnnualReviewOpened[0].task.dueAt - calls.recordAnnualReviewOpened[0].at).toBe(30 * 86_400_000);
    await sweep('sweep-2');
    expect(calls.recordAnnualReviewOpened).toHaveLength(1);
    expect(await decide(handle, 'ANNUAL_REVIEW', worker, 'approve', '复核：收入稳定，措施落实')).toMatchObject({ stage: 'MONITORED' });
    expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ task: { step: 'ANNUAL_REVIEW' }, fromStage: 'MONITORED', toStage: 'MONITORED' });
  });
});

test('a long-lived case continues as new without losing its open tasks, clocks, plan or visit count', async () => {
  await withCase(
    async ({ handle, calls }) => {
      await toMonitored(handle, calls);
      const firstRun = (await handle.describe()).runId;
      await handle.executeUpdate(addMeasuresUpdate, { args: [{ measures: [{ type: 'MINIMUM_LIVING', startDate: '2026-12-01', monthlyAmount: 500 }], actor: worker }] });
      let visits = 0;
      while ((await handle.describe()).runId === firstRun) {
        await visitWith(handle);
        visits++;
        if (visits > 60) throw new Error('the case never continued as new');
      }
      const state = await handle.query(caseStateQuery);
      expect(state.stage).toBe('MONITORED');
      expect(state.measures).toEqual([expect.objectContaining({ type: 'MINIMUM_LIVING', status: 'PLANNED' })]);
      expect(visits).toBeGreaterThan(0);
      const lastVisit = calls.recordFollowUpVisit.at(-1)!;
      expect(state.openTasks.map((t) => t.id).sort()).toEqual([calls.recordMeasures[0].tasks[0].id, lastVisit.nextTask.id].sort());
      expect((await handle.describe()).typedSearchAttributes.get(caseStageKey)).toBe('MONITORED');

      // The new run answers Updates with ids that go on counting, and its clocks run on the carried tasks.
      const next = await visitWith(handle);
      expect(next.visitId).toBe(`${lastVisit.caseId}.v${visits + 1}`);
      expect(await decide(handle, 'MEASURE_DELIVERY', dept, 'approve')).toMatchObject({ stage: 'MONITORED' });
      // A late decision on a task closed in the first run is "already done", not "no such task"; an id never issued is.
      const closedEarlier = calls.recordMonitoringDecision.find((d) => d.task.step === 'ANNOUNCEMENT')!.task.id;
      const late = (taskId: string) => handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, decision: 'approve', actor: district }] });
      expect(await refusalOf(late(closedEarlier))).toMatchObject({ type: 'CONFLICT', message: '该任务已办结，不能再次处理' });
      expect(await refusalOf(late(`${lastVisit.caseId}.999`))).toMatchObject({ type: 'NOT_FOUND' });
      await env.sleep('31 days');
      await eventually(() => calls.notifyOverdueTask.some((n) => n.task.id === next.nextVisitTaskId));
    },
    // Identification and the measure take about 120 events: the run continues after a few visits.
    { historyEventsLimit: 180 },
  );
});

test('a district approver moves a case onto another policy version; what opens from then on follows it', async () => {
  await withCase(async ({ handle, calls }) => {
    await toMonitored(handle, calls);
    const apply = (version: number, actor: Actor = district) => handle.executeUpdate(applyPolicyUpdate, { args: [{ version, actor }] });
    expect(await refusalOf(apply(8, town))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await refusalOf(apply(7))).toMatchObject({ type: 'CONFLICT', message: '案件已适用第7版政策设置' });
    expect(await refusalOf(apply(9))).toMatchObject({ type: 'NOT_FOUND', message: '政策设置第9版不存在' });
    expect(await apply(8)).toEqual({ policyVersion: 8 });
    expect(calls.recordPolicyApplied[0]).toMatchObject({ to: 8, comment: '政策设置由第7版调整为第8版', actorId: district.userId });
    expect((await handle.query(caseStateQuery)).policyVersion).toBe(8);
    await visitWith(handle);
    const visit = calls.recordFollowUpVisit.at(-1)!;
    expect(visit.nextTask.dueAt - visit.at).toBe(14 * 86_400_000);
  });
});
