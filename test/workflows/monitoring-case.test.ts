import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import { defaultPolicySettings } from '../../src/domain/policy';
import type { Actor } from '../../src/domain/roles';
import type { Decision } from '../../src/domain/tasks/task';
import { temporalTestServerPath } from '../../src/embedded/paths';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import { caseRegisteredUpdate, caseStateQuery, monitoringCaseWorkflow, type MonitoringCaseInput } from '../../src/workflows/monitoring/monitoring-case';
import { caseStageKey, overdueKey } from '../../src/workflows/search-attributes';
import { claimTaskUpdate, completeTaskUpdate } from '../../src/workflows/tasks/task-board';
import { eventually } from '../support/eventually';

const village = '500154017001';
const worker: Actor = { userId: 'u-worker', username: 'village.worker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const head: Actor = { userId: 'u-head', username: 'village.head', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const town: Actor = { userId: 'u-town', username: 'town.reviewer', role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' };
const district: Actor = { userId: 'u-district', username: 'district.approver', role: 'DISTRICT_APPROVER', jurisdictionCode: '500154' };
const otherVillage: Actor = { userId: 'u-other', username: 'other.worker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154018001' };

type Calls = { [K in keyof Activities]: Parameters<Activities[K]>[0][] };

/** Fakes of the I/O: they record what the workflow asked for. The real ones are tested against PostgreSQL and SMTP. */
function fakeActivities() {
  const calls: Calls = { loadPolicy: [], recordTaskClaim: [], notifyOverdueTask: [], registerMonitoringCase: [], recordMonitoringDecision: [] };
  const activities: Activities = {
    async loadPolicy(a) {
      calls.loadPolicy.push(a);
      return { version: 7, settings: defaultPolicySettings };
    },
    async recordTaskClaim(a) {
      calls.recordTaskClaim.push(a);
    },
    async notifyOverdueTask(a) {
      calls.notifyOverdueTask.push(a);
    },
    async registerMonitoringCase(a) {
      calls.registerMonitoringCase.push(a);
    },
    async recordMonitoringDecision(a) {
      calls.recordMonitoringDecision.push(a);
    },
  };
  return { calls, activities };
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let sequence = 0;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  // The time-skipping server starts with no custom search attributes.
  await ensureSearchAttributes({ address: env.address, namespace: 'default' });
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
});

afterAll(async () => {
  await env?.teardown();
});

async function withCase(test: (ctx: { handle: WorkflowHandle<typeof monitoringCaseWorkflow>; calls: Calls; taskQueue: string }) => Promise<void>) {
  sequence++;
  const taskQueue = `monitoring-test-${sequence}`;
  const { calls, activities } = fakeActivities();
  const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  await w.runUntil(async () => {
    const input: MonitoringCaseInput = {
      caseId: `case-${sequence}`,
      householdId: `household-${sequence}`,
      villageCode: village,
      category: 'MARGINAL',
      channel: 'CADRE_VISIT',
      riskTypes: ['ILLNESS'],
      discoveredAt: new Date().toISOString(),
      createdBy: worker,
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
      await test({ handle, calls, taskQueue });
    } finally {
      // An open case left behind would hold the test server's clock still for the next test.
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
}

async function openTaskId(handle: WorkflowHandle): Promise<string> {
  const state = await handle.query(caseStateQuery);
  expect(state.openTasks).toHaveLength(1);
  return state.openTasks[0].id;
}

async function decide(handle: WorkflowHandle, actor: Actor, decision: Decision, comment?: string) {
  const taskId = await openTaskId(handle);
  return handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, decision, comment, actor }] });
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

test('approvals carry a case from home visit to monitored, mirrored step by step', async () => {
  await withCase(async ({ handle, calls }) => {
    expect(calls.registerMonitoringCase[0]).toMatchObject({ stage: 'HOME_VISIT', policyVersion: 7, task: { step: 'HOME_VISIT', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village } });
    expect(await decide(handle, worker, 'approve')).toEqual({ caseId: expect.any(String), stage: 'VILLAGE_REVIEW' });
    expect(await decide(handle, head, 'approve')).toMatchObject({ stage: 'TOWN_REVIEW' });
    expect(await decide(handle, town, 'approve')).toMatchObject({ stage: 'DISTRICT_APPROVAL' });
    expect(await decide(handle, district, 'approve')).toMatchObject({ stage: 'MONITORED' });
    expect(await handle.result()).toMatchObject({ stage: 'MONITORED' });
    expect(calls.recordMonitoringDecision.map((d) => [d.fromStage, d.toStage, d.nextTask?.step ?? null, d.nextTask?.jurisdictionCode ?? null])).toEqual([
      ['HOME_VISIT', 'VILLAGE_REVIEW', 'VILLAGE_REVIEW', village],
      ['VILLAGE_REVIEW', 'TOWN_REVIEW', 'TOWN_REVIEW', '500154017'],
      ['TOWN_REVIEW', 'DISTRICT_APPROVAL', 'DISTRICT_APPROVAL', '500154'],
      ['DISTRICT_APPROVAL', 'MONITORED', null, null],
    ]);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(caseStageKey)).toBe('MONITORED');
  });
});

test('a return sends the case back one step with its reason, and the reviewer of the reopened step is still not its submitter', async () => {
  await withCase(async ({ handle, calls }) => {
    await decide(handle, worker, 'approve');
    await decide(handle, head, 'approve');
    expect(await decide(handle, town, 'return', '收入证明缺失，请补充')).toMatchObject({ stage: 'VILLAGE_REVIEW' });
    const returned = calls.recordMonitoringDecision[2];
    expect(returned).toMatchObject({ fromStage: 'TOWN_REVIEW', toStage: 'VILLAGE_REVIEW', request: { decision: 'return', comment: '收入证明缺失，请补充' } });
    expect(returned.nextTask).toMatchObject({ step: 'VILLAGE_REVIEW', submitterId: worker.userId, separationOfDuties: true });
    // The home visitor still may not review their own visit.
    expect(await refusalOf(decide(handle, worker, 'approve'))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await decide(handle, head, 'approve')).toMatchObject({ stage: 'TOWN_REVIEW' });
    expect(await decide(handle, town, 'approve')).toMatchObject({ stage: 'DISTRICT_APPROVAL' });
    expect(await decide(handle, district, 'return', '请乡镇复核家庭人口')).toMatchObject({ stage: 'TOWN_REVIEW' });
    expect(await decide(handle, town, 'approve')).toMatchObject({ stage: 'DISTRICT_APPROVAL' });
    expect(await decide(handle, district, 'approve')).toMatchObject({ stage: 'MONITORED' });
  });
});

test('a village review return goes back to the home visit', async () => {
  await withCase(async ({ handle }) => {
    await decide(handle, worker, 'approve');
    expect(await decide(handle, head, 'return', '入户核实表缺签名')).toMatchObject({ stage: 'HOME_VISIT' });
    expect(await decide(handle, worker, 'approve')).toMatchObject({ stage: 'VILLAGE_REVIEW' });
  });
});

test.each([
  ['home visit', 0, worker],
  ['village review', 1, head],
  ['town review', 2, town],
  ['district approval', 3, district],
] as const)('a reject at the %s ends the case as not included', async (_name, approvalsFirst, rejecter) => {
  await withCase(async ({ handle, calls }) => {
    const chain = [worker, head, town, district];
    for (let i = 0; i < approvalsFirst; i++) await decide(handle, chain[i], 'approve');
    expect(await decide(handle, rejecter, 'reject', '家庭收入高于监测标准')).toMatchObject({ stage: 'NOT_INCLUDED' });
    expect(await handle.result()).toMatchObject({ stage: 'NOT_INCLUDED' });
    expect(calls.recordMonitoringDecision.at(-1)).toMatchObject({ toStage: 'NOT_INCLUDED', nextTask: null });
  });
});

test('refused decisions are answered with the reason and leave no trace in history', async () => {
  await withCase(async ({ handle, calls }) => {
    const taskId = await openTaskId(handle);
    const attempt = (actor: Actor, decision: Decision, comment?: string, id = taskId) =>
      refusalOf(handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: id, decision, comment, actor }] }));
    expect(await attempt(town, 'approve')).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('村级信息员') });
    expect(await attempt(otherVillage, 'approve')).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('辖区') });
    expect(await attempt(worker, 'return', '无')).toMatchObject({ type: 'VALIDATION' });
    expect(await attempt(worker, 'reject')).toMatchObject({ type: 'VALIDATION', message: expect.stringContaining('原因') });
    expect(await attempt(worker, 'approve', undefined, 'no-such-task')).toMatchObject({ type: 'NOT_FOUND' });

    await decide(handle, worker, 'approve');
    expect(await attempt(worker, 'approve')).toMatchObject({ type: 'CONFLICT' });
    expect(await refusalOf(decide(handle, worker, 'approve'))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('自己提交') });

    const history = await handle.fetchHistory();
    const updateEvents = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateRejectedEventAttributes);
    // Only the one valid decision was accepted; validators refused the rest before anything was written.
    expect(updateEvents.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === completeTaskUpdate.name)).toHaveLength(1);
    expect(updateEvents.filter((e) => e.workflowExecutionUpdateRejectedEventAttributes)).toHaveLength(0);
    expect(calls.recordMonitoringDecision).toHaveLength(1);
  });
});

test('a claimed task can be decided only by its assignee', async () => {
  await withCase(async ({ handle, calls }) => {
    await decide(handle, worker, 'approve');
    const taskId = await openTaskId(handle);
    const claimed = await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId, actor: head }] });
    expect(claimed).toMatchObject({ id: taskId, assigneeId: head.userId });
    expect(calls.recordTaskClaim).toEqual([expect.objectContaining({ taskId, actor: head })]);
    const other: Actor = { ...head, userId: 'u-third', username: 'village.third' };
    expect(await refusalOf(decide(handle, other, 'approve'))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('认领') });
    expect(await decide(handle, head, 'approve')).toMatchObject({ stage: 'TOWN_REVIEW' });
  });
});

test('an open step is reminded at its due time, then escalated to the town and the district after each further period', async () => {
  await withCase(async ({ handle, calls }) => {
    // Defaults: due in 3 days, escalation every 2 days after that.
    await env.sleep('2 days');
    expect(calls.notifyOverdueTask).toHaveLength(0);
    await env.sleep('1 day');
    await eventually(() => calls.notifyOverdueTask.length === 1);
    expect(calls.notifyOverdueTask[0]).toMatchObject({ escalation: null, task: { step: 'HOME_VISIT', reminded: true } });
    expect((await handle.describe()).typedSearchAttributes.get(overdueKey)).toBe(true);

    await env.sleep('2 days');
    await eventually(() => calls.notifyOverdueTask.length === 2);
    expect(calls.notifyOverdueTask[1].escalation).toEqual({ level: 1, jurisdictionCode: '500154017', role: 'TOWN_REVIEWER' });

    await env.sleep('2 days');
    await eventually(() => calls.notifyOverdueTask.length === 3);
    expect(calls.notifyOverdueTask[2].escalation).toEqual({ level: 2, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' });

    // Above the district there is nobody to escalate to: no further notices however long it waits.
    await env.sleep('10 days');
    expect(calls.notifyOverdueTask).toHaveLength(3);
    const state = await handle.query(caseStateQuery);
    expect(state.openTasks[0]).toMatchObject({ escalationLevel: 2, escalatedToCode: '500154' });

    // Deciding the late step clears the overdue flag and starts a fresh clock for the next one.
    expect(await decide(handle, worker, 'approve')).toMatchObject({ stage: 'VILLAGE_REVIEW' });
    expect((await handle.describe()).typedSearchAttributes.get(overdueKey)).toBe(false);
    await env.sleep('3 days');
    await eventually(() => calls.notifyOverdueTask.length === 4);
    expect(calls.notifyOverdueTask[3]).toMatchObject({ escalation: null, task: { step: 'VILLAGE_REVIEW' } });
  });
});
