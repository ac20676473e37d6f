import { createAuditLog } from '../../src/api/audit/audit-log';
import { demoVillage } from '../../src/demo/seed';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';
import { intakeBody } from '../support/intake';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const audit = async (query = '', username = 'district.approver') => stack.request('GET', `/api/audit${query}`, { token: await stack.login(username) });
const verify = async (username = 'district.approver') => stack.request('GET', '/api/audit/verify', { token: await stack.login(username) });
const auditCount = () => stack.db.auditEntry.count();

async function taskOf(username: string, caseId: string, step: string) {
  const res = await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token: await stack.login(username) });
  const task = res.body.items.find((t: any) => t.caseId === caseId && t.step === step);
  expect(task).toBeDefined();
  return task;
}

async function complete(username: string, taskId: string, decision: string, comment?: string) {
  return stack.request('POST', `/api/tasks/${taskId}/complete`, { token: await stack.login(username), body: { decision, comment } });
}

let caseId: string;
const idNumber = newIdNumber();

test('a case driven through a few steps leaves one audit entry per action, with its actor, masked personal data and the client address', async () => {
  const created = await stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login('village.worker'),
    body: intakeBody({ headName: '审计测试户', idNumber, memberCount: 3 }, { perCapitaIncome: 5200 }),
  });
  expect(created.status).toBe(201);
  caseId = created.body.id;

  const visit = await taskOf('village.worker', caseId, 'HOME_VISIT');
  expect((await complete('village.worker', visit.id, 'approve', '已入户，户主电话13812345678')).status).toBe(200);
  // A client retry gets the same answer and is recorded once.
  expect((await complete('village.worker', visit.id, 'approve', '已入户，户主电话13812345678')).status).toBe(200);
  const matching = await taskOf('dept.medical', caseId, 'DATA_MATCHING');
  expect((await stack.request('POST', `/api/tasks/${matching.id}/claim`, { token: await stack.login('dept.medical') })).status).toBe(200);
  expect((await complete('dept.medical', matching.id, 'approve', '比对无异常')).status).toBe(200);
  const review = await taskOf('village.head', caseId, 'VILLAGE_REVIEW');
  expect((await complete('village.head', review.id, 'approve')).body.stage).toBe('PUBLIC_POSTING');
  const objection = await stack.request('POST', `/api/monitoring-cases/${caseId}/objections`, {
    token: await stack.login('town.reviewer'),
    body: { content: `群众反映该户有稳定收入，身份证${idNumber}` },
  });
  expect(objection.status).toBe(201);
  const settings: PolicySettings = { ...defaultPolicySettings, escalationAfter: 'P3D' };
  expect((await stack.request('PUT', '/api/policy', { token: await stack.login('district.approver'), body: { settings } })).status).toBe(201);

  const forCase = await audit(`?targetId=${caseId}`);
  expect(forCase.status).toBe(200);
  expect(forCase.body.items.map((e: any) => [e.action, e.actor, e.actorRole])).toEqual([
    ['case.objection', 'town.reviewer', 'TOWN_REVIEWER'],
    ['case.start', 'village.worker', 'VILLAGE_CASEWORKER'],
  ]);
  const [objected, started] = forCase.body.items;
  expect(started).toMatchObject({
    targetType: 'MonitoringCase',
    clientAddress: '127.0.0.1',
    before: null,
    after: { stage: 'HOME_VISIT', category: 'MARGINAL', household: { idNumber: `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`, villageCode: demoVillage } },
  });
  expect(objected.after).toEqual({ objectionTaskId: objection.body.taskId, content: `群众反映该户有稳定收入，身份证${idNumber.slice(0, 6)}********${idNumber.slice(-4)}` });

  const decisions = (await audit('?action=task.decide')).body.items.filter((e: any) => e.after.caseId === caseId);
  expect(decisions.map((e: any) => [e.actor, e.after.step, e.after.decision, e.after.caseStage])).toEqual([
    ['village.head', 'VILLAGE_REVIEW', 'approve', 'PUBLIC_POSTING'],
    ['dept.medical', 'DATA_MATCHING', 'approve', 'VILLAGE_REVIEW'],
    ['village.worker', 'HOME_VISIT', 'approve', 'VILLAGE_REVIEW'],
  ]);
  expect(decisions[2]).toMatchObject({ targetType: 'Task', targetId: visit.id, before: { status: 'OPEN' }, after: { comment: '已入户，户主电话138****5678' } });

  const claims = (await audit('?action=task.claim')).body.items;
  expect(claims).toEqual([expect.objectContaining({ actor: 'dept.medical', targetId: matching.id, before: { assigneeId: null }, after: expect.objectContaining({ caseId, step: 'DATA_MATCHING' }) })]);

  const policy = (await audit('?action=policy.change')).body.items;
  expect(policy).toEqual([
    expect.objectContaining({
      actor: 'district.approver',
      actorRole: 'DISTRICT_APPROVER',
      targetType: 'PolicyVersion',
      targetId: '1',
      before: { escalationAfter: defaultPolicySettings.escalationAfter },
      after: { escalationAfter: 'P3D', effectiveFrom: expect.any(String) },
    }),
  ]);

  // Each user's first request logged them in.
  const logins = (await audit('?action=auth.login&pageSize=100')).body.items.map((e: any) => e.actor);
  expect(new Set(logins)).toEqual(new Set(['village.worker', 'dept.medical', 'village.head', 'town.reviewer', 'district.approver']));

  expect(await verify()).toEqual({ status: 200, body: { valid: true, checked: await auditCount() } });
});

test('a refused request writes no audit entry', async () => {
  const before = await auditCount();
  const visitless = await stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login('village.worker'),
    body: intakeBody({ headName: '审计测试户', idNumber, memberCount: 3 }, { perCapitaIncome: 5200 }),
  });
  expect(visitless.status).toBe(409);
  expect((await complete('village.worker', 'no-such-task', 'approve')).status).toBe(404);
  expect((await stack.request('PUT', '/api/policy', { token: await stack.login('town.reviewer'), body: { settings: defaultPolicySettings } })).status).toBe(403);
  expect((await stack.request('POST', `/api/monitoring-cases/${caseId}/objections`, { token: await stack.login('town.reviewer'), body: { content: ' ' } })).status).toBe(400);
  expect(await auditCount()).toBe(before);
});

test('the audit log is for the district and admins only', async () => {
  for (const username of ['village.worker', 'town.reviewer', 'dept.officer', 'coordinator']) {
    expect(await audit('', username)).toEqual({ status: 403, body: { error: 'forbidden', reason: '只有区乡村振兴局审定人员和系统管理员可以查看审计日志' } });
    expect((await verify(username)).status).toBe(403);
  }
  expect((await audit('', 'admin')).status).toBe(200);
  expect((await verify('admin')).status).toBe(200);
  expect((await stack.request('GET', '/api/audit')).status).toBe(401);
});

test('filters by actor and time, pages newest first, and refuses a bad query', async () => {
  const worker = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
  const mine = await audit(`?actorId=${worker.id}&pageSize=100`);
  expect(mine.body.items.length).toBeGreaterThanOrEqual(3);
  expect(mine.body.items.every((e: any) => e.actorId === worker.id)).toBe(true);
  const all = (await audit('?pageSize=100')).body;
  expect(all.items.map((e: any) => e.id)).toEqual([...all.items.map((e: any) => e.id)].sort((a, b) => b - a));
  const page2 = (await audit('?pageSize=2&page=2')).body;
  expect(page2).toMatchObject({ page: 2, pageSize: 2, total: all.total });
  expect(page2.items.map((e: any) => e.id)).toEqual(all.items.slice(2, 4).map((e: any) => e.id));
  const future = new Date(Date.now() + 3600_000).toISOString();
  expect((await audit(`?from=${encodeURIComponent(future)}`)).body).toMatchObject({ items: [], total: 0 });
  expect((await audit(`?to=${encodeURIComponent(future)}&pageSize=1`)).body.total).toBe(all.total);
  const bad = await audit('?action=delete.everything&from=yesterday');
  expect(bad.status).toBe(400);
  expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['action', 'from']);
});

test('concurrent appends never fork the chain', async () => {
  const log = createAuditLog(stack.db);
  const before = await auditCount();
  const written = await Promise.all(
    Array.from({ length: 25 }, (_, i) => log.record({ action: 'user.change', actor: null, target: { type: 'User', id: `u${i}` }, after: { i } })),
  );
  expect(new Set(written.map((w) => w.id)).size).toBe(25);
  expect(await auditCount()).toBe(before + 25);
  // The same key twice is one entry.
  const [a, b] = await Promise.all([1, 2].map(() => log.record({ action: 'export.run', actor: null, key: 'export-once' })));
  expect(a).toEqual(b);
  expect(await verify()).toEqual({ status: 200, body: { valid: true, checked: before + 26 } });
});

test("a report whose first attempt opened the case but died before recording it is recorded once, by the reporter's retry", async () => {
  const body = intakeBody({ headName: '重试测试户' });
  const created = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body });
  expect(created.status).toBe(201);
  const key = `case.start:${created.body.id}`;
  // As if the API was killed between opening the case and recording it (npm run chaos does that): the newest entry goes.
  const entry = await stack.db.auditEntry.findUniqueOrThrow({ where: { key } });
  expect(await stack.db.auditEntry.count({ where: { id: { gt: entry.id } } })).toBe(0);
  await stack.db.auditEntry.delete({ where: { id: entry.id } });

  const byAnother = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.head'), body });
  expect(byAnother).toMatchObject({ status: 409, body: { caseId: created.body.id } });
  expect(await stack.db.auditEntry.count({ where: { key } })).toBe(0);
  for (let retry = 0; retry < 2; retry++) {
    const again = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body });
    expect(again).toMatchObject({ status: 409, body: { caseId: created.body.id } });
  }
  const recorded = await stack.db.auditEntry.findMany({ where: { key } });
  expect(recorded.map((e) => [e.action, e.actorId, e.targetId])).toEqual([['case.start', entry.actorId, created.body.id]]);
  expect((await verify()).body.valid).toBe(true);
});

describe('tampering is detected', () => {
  test('an entry edited with SQL: verify names it', async () => {
    const target = await stack.db.auditEntry.findFirstOrThrow({ where: { action: 'task.decide' }, orderBy: { id: 'asc' } });
    const original = target.after;
    await stack.db.$executeRaw`UPDATE "AuditEntry" SET "after" = jsonb_set("after", '{decision}', '"reject"') WHERE id = ${target.id}`;
    expect(await verify()).toEqual({ status: 200, body: { valid: false, checked: target.id - 1, firstBrokenId: target.id } });
    await stack.db.auditEntry.update({ where: { id: target.id }, data: { after: original as object } });
    expect((await verify()).body.valid).toBe(true);

    await stack.db.$executeRaw`UPDATE "AuditEntry" SET "actorId" = NULL WHERE id = ${target.id}`;
    expect((await verify()).body).toMatchObject({ valid: false, firstBrokenId: target.id });
    await stack.db.auditEntry.update({ where: { id: target.id }, data: { actorId: target.actorId } });
    expect((await verify()).body.valid).toBe(true);
  });

  test('a deleted entry: verify names the one after the gap', async () => {
    const target = await stack.db.auditEntry.findFirstOrThrow({ where: { action: 'case.start' }, orderBy: { id: 'asc' } });
    await stack.db.$executeRaw`DELETE FROM "AuditEntry" WHERE id = ${target.id}`;
    expect(await verify()).toEqual({ status: 200, body: { valid: false, checked: target.id - 1, firstBrokenId: target.id + 1 } });
    const { before, after, ...rest } = target;
    await stack.db.auditEntry.create({ data: { ...rest, before: before ?? undefined, after: after as object } });
    expect((await verify()).body.valid).toBe(true);
  });

  test('swapped entries: verify names the first out of place', async () => {
    await stack.db.$executeRaw`UPDATE "AuditEntry" SET id = -id WHERE id IN (3, 4)`;
    await stack.db.$executeRaw`UPDATE "AuditEntry" SET id = CASE id WHEN -3 THEN 4 ELSE 3 END WHERE id IN (-3, -4)`;
    expect((await verify()).body).toEqual({ valid: false, checked: 2, firstBrokenId: 3 });
    await stack.db.$executeRaw`UPDATE "AuditEntry" SET id = -id WHERE id IN (3, 4)`;
    await stack.db.$executeRaw`UPDATE "AuditEntry" SET id = CASE id WHEN -3 THEN 4 ELSE 3 END WHERE id IN (-3, -4)`;
    expect((await verify()).body.valid).toBe(true);
  });
});
