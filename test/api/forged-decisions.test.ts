import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { completeTaskUpdate } from '../../src/domain/tasks/messages';
import { claimsFor } from '../../src/domain/tasks/actor-assertion';
import type { Actor } from '../../src/domain/roles';
import { assistFlowDataConverter } from '../../src/temporal/data-converter';
import { signAssertion } from '../../src/temporal/actor-assertion';
import { caseFlow } from '../support/case-flow';
import { eventually } from '../support/eventually';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';

/**
 * Issue 11's high finding: whoever reaches Temporal's frontend could send `completeTask` with any actor and move a case
 * with no login and no audit entry. Here an attacker who even holds our payload key (so the codec lets the payload
 * through) sends decisions around the API: without the API's assertion, with one signed by another key, with one the
 * API signed for another request, and with one past its time window. Each is refused and the case, its tasks, its
 * timeline and the audit log stay as they were; the refusals the worker checks are recorded as security events.
 */
let stack: Stack;
let attacker: Client;
const flow = caseFlow(() => stack);

beforeAll(async () => {
  stack = await startStack();
  // The attacker's client: our data converter (payload key stolen), but not the API's signing interceptor.
  attacker = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }), namespace: 'default', dataConverter: assistFlowDataConverter(stack.payloadCodec) });
});

afterAll(async () => {
  await attacker?.connection.close();
  await stack?.stop();
});

async function snapshot(caseId: string) {
  const [tasks, timeline, audit, stage] = await Promise.all([
    stack.db.task.findMany({ where: { caseId }, orderBy: { id: 'asc' }, select: { id: true, status: true, decision: true, completedById: true } }),
    stack.db.timelineEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' }, select: { id: true } }),
    stack.db.auditEntry.count({ where: { action: 'task.decide' } }),
    stack.db.monitoringCase.findUniqueOrThrow({ where: { id: caseId }, select: { stage: true } }),
  ]);
  return { tasks, timeline, audit, stage };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    return { type: cause.type, message: cause.message };
  }
  throw new Error('the forged decision was accepted');
}

test('decisions sent to Temporal around the API are refused and leave the case, timeline and audit log unchanged', async () => {
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  expect(created.status).toBe(201);
  const caseId = created.body.id as string;
  const row = await stack.db.monitoringCase.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true } });
  const visit = await flow.taskOf('village.worker', caseId, 'HOME_VISIT');
  const worker = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
  // The attacker impersonates the village worker, whose task it is.
  const actor: Actor = { userId: worker.id, username: worker.username, role: 'VILLAGE_CASEWORKER', jurisdictionCode: worker.jurisdictionCode };
  const handle = attacker.workflow.getHandle(row.workflowId);
  const request = { taskId: visit.id, decision: 'approve', actor };
  const before = await snapshot(caseId);

  // 1. No assertion at all: the validator refuses, nothing reaches history.
  expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [request], updateId: randomUUID() }))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('缺少身份断言') });

  // 2. Signed with a key of the attacker's own: the worker checks the signature and refuses.
  const forgedId = randomUUID();
  const forged = signAssertion(randomBytes(32), claimsFor({ workflowId: row.workflowId, updateId: forgedId, name: 'completeTask' }, request, Date.now())!);
  expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ ...request, assertion: forged }], updateId: forgedId }))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('身份断言无效') });

  // 3. A genuine assertion made for another request (captured, replayed under a new Update id): the binding fails.
  const genuineId = randomUUID();
  const genuine = signAssertion(stack.assertionKey, claimsFor({ workflowId: row.workflowId, updateId: genuineId, name: 'completeTask' }, request, Date.now())!);
  expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ ...request, assertion: genuine }], updateId: randomUUID() }))).toMatchObject({ type: 'FORBIDDEN', message: expect.stringContaining('不符') });

  // 4. A genuine assertion past its time window.
  const staleId = randomUUID();
  const stale = signAssertion(stack.assertionKey, claimsFor({ workflowId: row.workflowId, updateId: staleId, name: 'completeTask' }, request, Date.now() - 3_600_000)!);
  expect(await refusal(handle.executeUpdate(completeTaskUpdate, { args: [{ ...request, assertion: stale }], updateId: staleId }))).toMatchObject({ type: 'FORBIDDEN' });

  expect(await snapshot(caseId)).toEqual(before);
  // The refusals the worker checked are security events in the audit log, one per Update, naming no one as actor.
  await eventually(async () => (await stack.db.auditEntry.count({ where: { action: 'security.assertion_refused', targetId: row.workflowId } })) === 2);
  const events = await stack.db.auditEntry.findMany({ where: { action: 'security.assertion_refused', targetId: row.workflowId }, orderBy: { id: 'asc' } });
  expect(events.map((e) => [e.actorId, (e.after as { reason: string }).reason])).toEqual([
    [null, 'signature'],
    [null, 'expired'],
  ]);

  // Through the API the same decision goes through, with its audit entry written by the activity that recorded it.
  const decided = await flow.as('village.worker', 'POST', `/api/tasks/${visit.id}/complete`, { decision: 'approve' });
  expect(decided.status).toBe(200);
  expect(await stack.db.auditEntry.count({ where: { action: 'task.decide', targetId: visit.id } })).toBe(1);
  expect((await stack.request('GET', '/api/audit/verify', { token: await stack.login('district.approver') })).body).toMatchObject({ valid: true });
});
