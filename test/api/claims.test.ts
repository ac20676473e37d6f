import { demoVillage } from '../../src/demo/seed';
import { caseFlow } from '../support/case-flow';
import { eventually } from '../support/eventually';
import { addUser } from '../support/fixtures';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';

/**
 * Claims end (issue 11): a claim is released by its claimer or a supervisor, reassigned by a supervisor, and released
 * when the claimer's account is disabled; each is on the case's timeline and in the audit log.
 */
let stack: Stack;
const flow = caseFlow(() => stack);

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack.db, { username: 'village.leaver', displayName: '将离岗信息员', role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage });
});

afterAll(async () => {
  await stack?.stop();
});

test('a disabled account’s claims go back to the inbox, and a supervisor can hand a task on', async () => {
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  const id = created.body.id as string;
  const visit = await flow.taskOf('village.leaver', id, 'HOME_VISIT');
  expect((await flow.as('village.leaver', 'POST', `/api/tasks/${visit.id}/claim`)).status).toBe(200);
  // Claimed: the others no longer see it.
  expect((await flow.as('village.head', 'GET', `/api/tasks?caseId=${id}`)).body.items.map((t: { id: string }) => t.id)).not.toContain(visit.id);

  const leaver = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.leaver' } });
  expect((await flow.as('admin', 'PATCH', `/api/users/${leaver.id}`, { active: false })).status).toBe(200);
  await eventually(async () => (await stack.db.task.findUniqueOrThrow({ where: { id: visit.id } })).assigneeId === null);
  expect((await flow.as('village.head', 'GET', `/api/tasks?caseId=${id}`)).body.items.map((t: { id: string }) => t.id)).toContain(visit.id);
  expect(await stack.db.timelineEvent.count({ where: { caseId: id, kind: 'TASK_RELEASED' } })).toBe(1);
  expect(await stack.db.auditEntry.count({ where: { action: 'task.release', targetId: visit.id } })).toBe(1);

  // The town reviewer hands it to the village head; a disabled or unknown account is refused, naming the field.
  expect((await flow.as('town.reviewer', 'POST', `/api/tasks/${visit.id}/reassign`, { username: 'village.leaver' })).body).toMatchObject({ error: 'validation', issues: [{ path: 'username' }] });
  const handed = await flow.as('town.reviewer', 'POST', `/api/tasks/${visit.id}/reassign`, { username: 'village.head' });
  expect(handed.status).toBe(200);
  expect(handed.body.assigneeId).toBe((await stack.db.user.findUniqueOrThrow({ where: { username: 'village.head' } })).id);
  expect((await flow.as('village.worker', 'POST', `/api/tasks/${visit.id}/complete`, { decision: 'approve' })).status).toBe(403);
  expect((await flow.as('village.head', 'POST', `/api/tasks/${visit.id}/complete`, { decision: 'approve' })).status).toBe(200);
  expect(await stack.db.auditEntry.count({ where: { action: 'task.reassign', targetId: visit.id } })).toBe(1);
});
