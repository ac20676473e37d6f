import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { annualSweepScheduleId, ensureAnnualSweepSchedule } from '../../src/temporal/annual-sweep-schedule';
import { completeTaskUpdate } from '../../src/workflows/tasks/task-board';
import { annualReviewSignal } from '../../src/workflows/monitoring/monitoring-case';
import { intakeBody } from '../support/intake';
import { caseFlow } from '../support/case-flow';
import { eventually } from '../support/eventually';
import { storePolicyVersion1 } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
/** Anyone who reaches Temporal's frontend (gRPC, or the web UI's HTTP API): the same server, without our codec. */
let plain: Client;

const flow = caseFlow(() => stack);

beforeAll(async () => {
  stack = await startStack();
  // Posting lasts a second, so a case reaches MONITORED within the test.
  await storePolicyVersion1(stack.db);
  plain = new Client({ connection: stack.temporal.connection, namespace: 'default' });
});
afterAll(async () => {
  await stack?.stop();
});

async function openCase() {
  const created = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body: intakeBody() });
  expect(created.status).toBe(201);
  const caseId: string = created.body.id;
  const inbox = await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token: await stack.login('village.worker') });
  const task = inbox.body.items.find((t: { caseId: string }) => t.caseId === caseId);
  return { caseId, taskId: task.id as string, workflowId: `monitoring-${created.body.household.id}` };
}

/** What the read model and the audit log show of a case: its view, its task rows and timeline, and the whole audit log. */
async function snapshot(caseId: string) {
  const view = await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('village.worker') });
  return {
    stage: view.body.stage,
    openTasks: view.body.openTasks,
    timeline: view.body.timeline,
    tasks: await stack.db.task.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
    events: await stack.db.timelineEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
    audit: await stack.db.auditEntry.count(),
  };
}

async function settle<T>(promise: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'pending'> {
  const timeout = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms).unref());
  return Promise.race([promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })), timeout]);
}

test('a completeTask Update sent without our codec, with a forged actor, is refused and changes nothing', async () => {
  const { caseId, taskId, workflowId } = await openCase();
  const before = await snapshot(caseId);
  const head = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.head' } });
  const forged = {
    taskId,
    decision: 'approve' as const,
    comment: '伪造的决定',
    actor: { userId: head.id, username: head.username, role: head.role, jurisdictionCode: head.jurisdictionCode },
  };
  const outcome = await settle(plain.workflow.getHandle(workflowId).executeUpdate(completeTaskUpdate, { args: [forged], updateId: randomUUID() }), 30_000);
  expect(outcome).toMatchObject({ ok: false });
  // Refused in validation: the Update never entered the history, and no workflow task failed over it.
  const events = (await plain.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'completeTask');
  expect({ accepted, failedTasks: events.filter((e) => e.workflowTaskFailedEventAttributes) }).toEqual({ accepted: [], failedTasks: [] });

  // Give a wrongly accepted decision time to reach the read model, then compare.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(await snapshot(caseId)).toEqual(before);
  const view = await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('village.worker') });
  expect(JSON.stringify(view.body.timeline)).not.toContain('伪造');

  // The case is not poisoned: the real user's decision through the API still goes through.
  const decided = await stack.request('POST', `/api/tasks/${taskId}/complete`, { token: await stack.login('village.worker'), body: { decision: 'approve' } });
  expect(decided.status).toBe(200);
}, 90_000);

test('a signal sent without our codec is dropped: the case changes in nothing and goes on', async () => {
  // A monitored case, which the real yearly sweep's signal would give a 年度集中排查 task.
  const caseId = await flow.monitoredCase();
  const row = await stack.db.monitoringCase.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true } });
  const workflowId = row.workflowId;
  const before = await snapshot(caseId);
  await plain.workflow.getHandle(workflowId).signal(annualReviewSignal, { year: 2026 });
  // And one with no argument at all, which needs no key: its handler would throw on it.
  await plain.workflow.getHandle(workflowId).signal('annualReview');
  const history = async () => (await plain.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const signalled = await eventually(async () => (await history()).filter((e) => e.workflowExecutionSignaledEventAttributes).at(1));
  // The workflow task with the signal in it completes (the interceptor drops the signal), and nothing is recorded.
  await eventually(async () => (await history()).some((e) => e.workflowTaskCompletedEventAttributes && Number(e.eventId) > Number(signalled.eventId)));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect((await history()).filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
  expect(await snapshot(caseId)).toEqual(before);
  // The case goes on: the village records its visit at once.
  const visited = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${caseId}/visits`, { perCapitaIncome: 7000, unresolvedSpending: false, guaranteesSecure: true });
  expect(visited.status).toBe(201);
}, 120_000);

test('a workflow started without our codec fails at once and writes nothing', async () => {
  const workflowId = `monitoring-forged-${randomUUID()}`;
  const cases = await stack.db.monitoringCase.count();
  const handle = await plain.workflow.start('monitoringCaseWorkflow', { workflowId, taskQueue: stack.taskQueue, args: [{ caseId: randomUUID(), villageCode: '500154017001' }] });
  await expect(handle.result()).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('FAILED');
  expect(await stack.db.monitoringCase.count()).toBe(cases);
}, 60_000);

test("Temporal's own queries without arguments (the web UI's stack trace and metadata) and the sweep's Schedule pass the codec", async () => {
  const { workflowId } = await openCase();
  const handle = stack.temporal.workflow.getHandle(workflowId);
  expect(typeof (await handle.query<string>('__stack_trace'))).toBe('string');
  expect(await handle.query('__temporal_workflow_metadata')).toMatchObject({ definition: expect.anything() });
  // The Schedule keeps the start's arguments as our client encrypted them, and the server starts the sweep with them.
  expect(await ensureAnnualSweepSchedule(stack.temporal, { taskQueue: stack.taskQueue, cron: '0 9 1 9 *' })).toBe('created');
  await stack.temporal.schedule.getHandle(annualSweepScheduleId).trigger();
  await eventually(async () => {
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowType = 'annualSweepWorkflow' AND ExecutionStatus = 'Completed'` })) if (run) return true;
    return false;
  }, 30_000);
}, 60_000);
