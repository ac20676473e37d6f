import { demoVillage } from '../../src/demo/seed';
import { caseFlow } from '../support/case-flow';
import { addUser } from '../support/fixtures';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';

/** Issue 16's substitutes (代办) and decisions in bulk (批量审核), on the real stack. */
let stack: Stack;
const flow = caseFlow(() => stack);
const ids = (list: { id: string }[]) => list.map((t) => t.id);

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack.db, { username: 'village.third', displayName: '第三信息员', role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage });
});

afterAll(async () => {
  await stack?.stop();
});

test('a substitute sees and decides the absent user’s tasks, marked 代办; the record names both; revoking stops it at once', async () => {
  // The village worker reports and visits; the village head claims the village review, then, called away, names
  // village.third as substitute: the claimed review is only theirs to decide, so village.third decides it as 代办.
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  const id = created.body.id as string;
  await flow.decide('village.worker', id, 'HOME_VISIT');
  const claimed = await flow.taskOf('village.head', id, 'VILLAGE_REVIEW');
  expect((await flow.as('village.head', 'POST', `/api/tasks/${claimed.id}/claim`)).status).toBe(200);
  const now = Date.now();
  const set = await flow.as('village.head', 'POST', '/api/delegations', { delegateUsername: 'village.third', from: new Date(now - 60_000).toISOString(), to: new Date(now + 86_400_000).toISOString(), reason: '外出参加培训' });
  expect(set.status).toBe(201);
  expect(set.body).toMatchObject({ state: 'ACTIVE', delegator: { username: 'village.head' }, delegate: { username: 'village.third' } });
  // Overlapping, self and another role's substitute are refused with the reason.
  expect((await flow.as('village.head', 'POST', '/api/delegations', { delegateUsername: 'village.worker', from: new Date(now).toISOString(), to: new Date(now + 3_600_000).toISOString(), reason: '重叠' })).status).toBe(409);
  expect((await flow.as('village.head', 'POST', '/api/delegations', { delegateUsername: 'village.head', from: new Date(now + 2 * 86_400_000).toISOString(), to: new Date(now + 3 * 86_400_000).toISOString(), reason: '本人' })).body).toMatchObject({ issues: [{ path: 'delegateUsername', message: '不能委托给本人' }] });
  expect((await flow.as('village.head', 'POST', '/api/delegations', { delegateUsername: 'town.reviewer', from: new Date(now + 2 * 86_400_000).toISOString(), to: new Date(now + 3 * 86_400_000).toISOString(), reason: '跨角色' })).status).toBe(400);

  const review = claimed;
  const inbox = (await flow.as('village.third', 'GET', `/api/tasks?caseId=${id}`)).body;
  expect(ids(inbox.items)).not.toContain(review.id);
  expect(inbox.delegated).toEqual([expect.objectContaining({ id: review.id, onBehalfOf: expect.objectContaining({ username: 'village.head' }), delegatedLabel: expect.stringContaining('代办') })]);
  const decided = await flow.as('village.third', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'approve' });
  expect(decided.status).toBe(200);
  const timeline = (await flow.as('village.worker', 'GET', `/api/monitoring-cases/${id}`)).body.timeline;
  expect(timeline.find((e: { kind: string; step: string }) => e.kind === 'TASK_DECIDED' && e.step === 'VILLAGE_REVIEW').actor).toBe('village.third（代village.head办理）');
  const third = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.third' } });
  const head = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.head' } });
  const audit = await stack.db.auditEntry.findFirstOrThrow({ where: { action: 'task.decide', targetId: review.id } });
  expect([audit.actorId, (audit.after as { onBehalfOf?: string }).onBehalfOf]).toEqual([third.id, head.id]);

  // Revoked: the substitute's 代办 list is empty at once.
  expect((await flow.as('village.head', 'DELETE', `/api/delegations/${set.body.id}`)).body.state).toBe('REVOKED');
  expect((await flow.as('village.third', 'GET', '/api/tasks')).body.delegated).toEqual([]);
});

test('separation of duties holds for both people: a substitute may not decide what the absent user produced', async () => {
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  const id = created.body.id as string;
  await flow.decide('village.worker', id, 'HOME_VISIT');
  const now = Date.now();
  // The worker who visited is away, village.third substitutes: the review of the worker's own visit is not the worker's
  // to decide, so it is not among the tasks village.third does for the worker (village.third may review it in their own name).
  const set = await flow.as('village.worker', 'POST', '/api/delegations', { delegateUsername: 'village.third', from: new Date(now - 60_000).toISOString(), to: new Date(now + 86_400_000).toISOString(), reason: '病假' });
  expect(set.status).toBe(201);
  const review = await flow.taskOf('village.head', id, 'VILLAGE_REVIEW');
  // village.third may review in their own name (they did not visit): it is in their own list, not under 代办.
  const inbox = (await flow.as('village.third', 'GET', `/api/tasks?caseId=${id}`)).body;
  expect(ids(inbox.items)).toContain(review.id);
  expect(ids(inbox.delegated)).not.toContain(review.id);
  await flow.as('village.worker', 'DELETE', `/api/delegations/${set.body.id}`);
});

test('bulk decisions: each task decided as alone would be, refusals do not stop the others, the same request again records nothing twice', async () => {
  const cases = await Promise.all([1, 2, 3].map(async () => (await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody())).body.id as string));
  const visits = await Promise.all(cases.map((id) => flow.taskOf('village.worker', id, 'HOME_VISIT')));
  const request = { taskIds: [...visits.map((t) => t.id), 'no-such-task'], decision: 'approve', comment: '入户核实情况属实' };
  const first = await flow.as('village.worker', 'POST', '/api/tasks/bulk-complete', request);
  expect(first.status).toBe(200);
  expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200, 200, 404]);
  expect(first.body.results[0]).toMatchObject({ caseId: cases[0], stage: 'VILLAGE_REVIEW' });
  const again = await flow.as('village.worker', 'POST', '/api/tasks/bulk-complete', request);
  expect(again.body.results).toEqual(first.body.results);
  for (const visit of visits) {
    expect(await stack.db.auditEntry.count({ where: { action: 'task.decide', targetId: visit.id } })).toBe(1);
    expect(await stack.db.timelineEvent.count({ where: { id: `${visit.id}:decided` } })).toBe(1);
  }
  // Someone who may not decide them gets a refusal per task, and nothing is written.
  const reviews = await Promise.all(cases.map((id) => flow.taskOf('village.head', id, 'VILLAGE_REVIEW')));
  const refused = await flow.as('village.worker', 'POST', '/api/tasks/bulk-complete', { taskIds: reviews.map((t) => t.id), decision: 'approve' });
  expect(refused.body.results.map((r: { status: number; error: string }) => [r.status, r.error])).toEqual(reviews.map(() => [403, expect.stringContaining('不能审核自己提交的步骤')]));
  // Validation: 1–200 ids, no duplicates.
  expect((await flow.as('village.head', 'POST', '/api/tasks/bulk-complete', { taskIds: [], decision: 'approve' })).status).toBe(400);
  expect((await flow.as('village.head', 'POST', '/api/tasks/bulk-complete', { taskIds: ['a', 'a'], decision: 'approve' })).status).toBe(400);
});
