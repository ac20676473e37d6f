import { demoPassword, demoTown, demoVillage } from '../../src/demo/seed';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const asAdmin = async (method: string, path: string, body?: unknown) => stack.request(method, path, { token: await stack.login('admin'), body });
const login = (username: string, password = demoPassword) => stack.request('POST', '/api/auth/login', { body: { username, password } });
const newUser = (overrides: Record<string, unknown> = {}) => ({
  username: `worker.${Math.random().toString(36).slice(2, 8)}`,
  displayName: '新村信息员',
  email: 'new.worker@example.gov.cn',
  password: 'a-long-password-1',
  role: 'VILLAGE_CASEWORKER',
  jurisdictionCode: demoVillage,
  ...overrides,
});
const auditOf = (targetId: string) => stack.db.auditEntry.findMany({ where: { targetId, action: { startsWith: 'user.' } }, orderBy: { id: 'asc' } });

test('an admin creates an account; it logs in; the audit entry holds the account without its password', async () => {
  const body = newUser({ username: 'New.Caseworker' });
  const created = await asAdmin('POST', '/api/users', body);
  expect(created).toEqual({
    status: 201,
    body: {
      id: expect.any(String),
      username: 'new.caseworker',
      displayName: '新村信息员',
      email: 'new.worker@example.gov.cn',
      role: 'VILLAGE_CASEWORKER',
      roleLabel: '村级信息员',
      jurisdictionCode: demoVillage,
      department: null,
      departmentLabel: null,
      active: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    },
  });
  const stored = await stack.db.user.findUniqueOrThrow({ where: { id: created.body.id } });
  expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  expect((await login('new.caseworker', body.password)).status).toBe(200);

  const [entry] = await auditOf(created.body.id);
  expect(entry).toMatchObject({ action: 'user.create', actorRole: 'ADMIN', before: null, after: { username: 'new.caseworker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage, active: true } });
  expect(JSON.stringify(entry)).not.toContain(body.password);
  expect(JSON.stringify(entry)).not.toContain('argon2');

  // The same username again, in any case, is taken.
  expect(await asAdmin('POST', '/api/users', newUser({ username: 'NEW.caseworker' }))).toEqual({ status: 409, body: { error: 'conflict', reason: '用户名已被使用，请换一个' } });
});

test('bad input is 400 naming each field, nothing written', async () => {
  const before = await stack.db.user.count();
  const res = await asAdmin('POST', '/api/users', { username: 'x', displayName: '', email: 'not-mail', password: 'short', role: 'KING', jurisdictionCode: '12' });
  expect(res.status).toBe(400);
  expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['displayName', 'email', 'jurisdictionCode', 'password', 'role', 'username']);
  expect(res.body.issues.find((i: { path: string }) => i.path === 'password').message).toBe('密码至少10个字符');
  // Fields that fit one by one but not together, or a place that does not exist.
  expect((await asAdmin('POST', '/api/users', newUser({ role: 'TOWN_REVIEWER' }))).body.issues).toEqual([{ path: 'jurisdictionCode', message: expect.stringContaining('乡镇') }]);
  expect((await asAdmin('POST', '/api/users', newUser({ role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154' }))).body.issues).toEqual([
    { path: 'department', message: '行业部门人员必须设置所属部门' },
  ]);
  expect((await asAdmin('POST', '/api/users', newUser({ jurisdictionCode: '500154017999' }))).body.issues).toEqual([{ path: 'jurisdictionCode', message: expect.stringContaining('不存在') }]);
  expect((await asAdmin('GET', '/api/users?active=maybe&pageSize=0')).body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['active', 'pageSize']);
  expect(await stack.db.user.count()).toBe(before);
});

test('an admin moves an account to another role and town; the audit entry has the fields before and after', async () => {
  const created = (await asAdmin('POST', '/api/users', newUser({ role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'EDUCATION' }))).body;
  expect(created).toMatchObject({ department: 'EDUCATION', departmentLabel: '教育' });
  const moved = await asAdmin('PATCH', `/api/users/${created.id}`, { role: 'TOWN_REVIEWER', jurisdictionCode: demoTown });
  // Leaving the officer role drops the department.
  expect(moved).toMatchObject({ status: 200, body: { role: 'TOWN_REVIEWER', jurisdictionCode: demoTown, department: null } });
  const change = (await auditOf(created.id)).find((e) => e.action === 'user.change')!;
  expect(change).toMatchObject({
    before: { role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'EDUCATION' },
    after: { role: 'TOWN_REVIEWER', jurisdictionCode: demoTown, department: null },
  });
  expect(Object.keys(change.before as object).sort()).toEqual(['department', 'jurisdictionCode', 'role']);

  // The combination is checked against what the account already has.
  expect((await asAdmin('PATCH', `/api/users/${created.id}`, { role: 'VILLAGE_CASEWORKER' })).body.issues).toEqual([{ path: 'jurisdictionCode', message: expect.any(String) }]);
  expect((await asAdmin('PATCH', `/api/users/${created.id}`, { passwordHash: 'x' })).status).toBe(400);
  expect((await asAdmin('PATCH', '/api/users/no-such-user', { active: false })).status).toBe(404);
});

test('a disabled account cannot log in, and its sessions end at once, refresh tokens included; enabled again, it can', async () => {
  const body = newUser();
  const created = (await asAdmin('POST', '/api/users', body)).body;
  const session = (await login(body.username, body.password)).body;
  expect((await stack.request('GET', '/api/tasks', { token: session.token })).status).toBe(200);

  expect((await asAdmin('PATCH', `/api/users/${created.id}`, { active: false })).body.active).toBe(false);
  expect((await stack.request('GET', '/api/tasks', { token: session.token })).status).toBe(401);
  expect((await stack.request('POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
  expect(await login(body.username, body.password)).toEqual({ status: 401, body: { error: 'unauthenticated', reason: '用户名或密码错误' } });
  const sessions = await stack.db.session.findMany({ where: { userId: created.id } });
  expect(sessions.map((s) => s.revokedReason)).toEqual(['USER_DISABLED']);
  expect((await auditOf(created.id)).at(-1)).toMatchObject({ action: 'user.change', before: { active: true }, after: { active: false, sessionsRevoked: 1 } });

  await asAdmin('PATCH', `/api/users/${created.id}`, { active: true });
  expect((await login(body.username, body.password)).status).toBe(200);
});

test('a password reset follows the password rule, ends the sessions, and only the new password works', async () => {
  const body = newUser();
  const created = (await asAdmin('POST', '/api/users', body)).body;
  const session = (await login(body.username, body.password)).body;
  expect(await asAdmin('POST', `/api/users/${created.id}/password`, { password: 'short' })).toEqual({
    status: 400,
    body: { error: 'validation', issues: [{ path: 'password', message: '密码至少10个字符' }] },
  });
  expect((await asAdmin('POST', `/api/users/${created.id}/password`, { password: 'the-new-password-2' })).status).toBe(204);
  expect((await stack.request('GET', '/api/tasks', { token: session.token })).status).toBe(401);
  expect((await login(body.username, body.password)).status).toBe(401);
  expect((await login(body.username, 'the-new-password-2')).status).toBe(200);
  const reset = (await auditOf(created.id)).at(-1)!;
  expect(reset).toMatchObject({ action: 'user.password_reset', after: { passwordReset: true, sessionsRevoked: 1 } });
  expect(JSON.stringify(reset)).not.toContain('the-new-password-2');
  expect((await asAdmin('POST', '/api/users/no-such-user/password', { password: 'the-new-password-2' })).status).toBe(404);
});

test('lists page and filter accounts, without password hashes', async () => {
  const all = await asAdmin('GET', '/api/users?pageSize=100');
  expect(all.status).toBe(200);
  expect(all.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'village.worker', 'dept.officer']));
  expect(JSON.stringify(all.body)).not.toMatch(/passwordHash|argon2/);
  const town = await asAdmin('GET', `/api/users?jurisdictionCode=${demoTown}&role=VILLAGE_CASEWORKER&active=true`);
  expect(town.body.items.length).toBeGreaterThanOrEqual(2);
  expect(town.body.items.every((u: { role: string; jurisdictionCode: string }) => u.role === 'VILLAGE_CASEWORKER' && u.jurisdictionCode.startsWith(demoTown))).toBe(true);
});

test('only admins manage accounts, and an admin cannot lock themselves out', async () => {
  const before = await stack.db.user.count();
  for (const username of ['village.worker', 'town.reviewer', 'district.approver', 'dept.officer', 'coordinator']) {
    const token = await stack.login(username);
    expect(await stack.request('GET', '/api/users', { token })).toEqual({ status: 403, body: { error: 'forbidden', reason: '只有系统管理员可以管理用户账号' } });
    expect((await stack.request('POST', '/api/users', { token, body: newUser() })).status).toBe(403);
  }
  expect((await stack.request('GET', '/api/users')).status).toBe(401);
  const admin = await stack.db.user.findUniqueOrThrow({ where: { username: 'admin' } });
  expect(await asAdmin('PATCH', `/api/users/${admin.id}`, { active: false })).toEqual({ status: 403, body: { error: 'forbidden', reason: expect.stringContaining('不能停用自己的账号') } });
  expect((await asAdmin('PATCH', `/api/users/${admin.id}`, { role: 'TOWN_REVIEWER', jurisdictionCode: demoTown })).status).toBe(403);
  expect((await asAdmin('PATCH', `/api/users/${admin.id}`, { displayName: '管理员' })).status).toBe(200);
  expect(await stack.db.user.count()).toBe(before);
});
