import type { Server } from 'node:http';
import { createApp } from '../../src/api/app';
import { hashPassword } from '../../src/api/auth/passwords';
import { createTokenService } from '../../src/api/auth/tokens';
import { demoPassword } from '../../src/demo/seed';
import { createLogger } from '../../src/logger';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  // Users of their own, so locking them out disturbs no other test.
  const passwordHash = await hashPassword(demoPassword);
  for (const username of ['lock.target', 'reset.target']) {
    await stack.db.user.create({
      data: { username, displayName: '锁定测试', email: `${username}@demo.assistflow.local`, passwordHash, role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154017001' },
    });
  }
});
afterAll(async () => {
  await stack?.stop();
});

const login = (username: string, password = demoPassword) => stack.request('POST', '/api/auth/login', { body: { username, password } });
const refresh = (refreshToken: string) => stack.request('POST', '/api/auth/refresh', { body: { refreshToken } });
const inbox = (token: string) => stack.request('GET', '/api/tasks', { token });

async function freshLogin(username = 'village.worker') {
  const res = await login(username);
  expect(res.status).toBe(200);
  return res.body as { token: string; refreshToken: string; tokenExpiresAt: string; refreshTokenExpiresAt: string };
}

describe('tokens', () => {
  test('login answers a short-lived access token and a refresh token good for the session', async () => {
    const before = Date.now();
    const pair = await freshLogin();
    // The stack's tokens last PT1H; sessions the default P1D.
    expect(Date.parse(pair.tokenExpiresAt) - before).toBeGreaterThan(3_590_000);
    expect(Date.parse(pair.tokenExpiresAt) - before).toBeLessThanOrEqual(3_601_000);
    expect(Math.abs(Date.parse(pair.refreshTokenExpiresAt) - before - 86_400_000)).toBeLessThan(60_000);
    expect(pair.refreshToken).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const session = await stack.db.session.findUniqueOrThrow({ where: { id: pair.refreshToken.split('.')[0] } });
    // Only its hash is stored.
    expect(session.refreshHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(session)).not.toContain(pair.refreshToken.split('.')[1]);
    expect((await inbox(pair.token)).status).toBe(200);
  });

  test('refresh rotates: a new pair, and the old refresh token stops working', async () => {
    const first = await freshLogin();
    const second = await refresh(first.refreshToken);
    expect(second).toMatchObject({ status: 200, body: { token: expect.any(String), refreshToken: expect.any(String), user: expect.objectContaining({ username: 'village.worker' }) } });
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    // Same session: the same expiry, the same id.
    expect(second.body.refreshTokenExpiresAt).toBe(first.refreshTokenExpiresAt);
    expect(second.body.refreshToken.split('.')[0]).toBe(first.refreshToken.split('.')[0]);
    expect((await inbox(second.body.token)).status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    expect((await inbox(third.body.token)).status).toBe(200);
  });

  test('presenting a rotated refresh token again revokes the session: every token of it stops working', async () => {
    const first = await freshLogin();
    const second = (await refresh(first.refreshToken)).body;
    const reuse = await refresh(first.refreshToken);
    expect(reuse).toEqual({ status: 401, body: { error: 'unauthenticated', reason: expect.stringContaining('已使用过') } });
    expect(await inbox(second.token)).toEqual({ status: 401, body: { error: 'unauthenticated', reason: '登录已失效，请重新登录' } });
    expect(await inbox(first.token)).toMatchObject({ status: 401 });
    expect((await refresh(second.refreshToken)).status).toBe(401);
    const sessionId = first.refreshToken.split('.')[0];
    expect(await stack.db.session.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'REFRESH_REUSE' });
    expect(await stack.db.auditEntry.findMany({ where: { action: 'auth.refresh_reuse', targetId: sessionId } })).toHaveLength(1);
  });

  test('a token the session never issued is refused without ending the session', async () => {
    const pair = await freshLogin();
    const sessionId = pair.refreshToken.split('.')[0];
    expect(await refresh(`${sessionId}.${'x'.repeat(43)}`)).toEqual({ status: 401, body: { error: 'unauthenticated', reason: '登录已失效，请重新登录' } });
    expect((await refresh('not-a-token')).status).toBe(401);
    expect((await stack.request('POST', '/api/auth/refresh', { body: {} })).status).toBe(400);
    expect((await inbox(pair.token)).status).toBe(200);
    expect((await refresh(pair.refreshToken)).status).toBe(200);
  });

  test('logout revokes the session: its access token stops at once and its refresh token too', async () => {
    const pair = await freshLogin('town.reviewer');
    const other = await freshLogin('town.reviewer');
    const res = await stack.request('POST', '/api/auth/logout', { token: pair.token });
    expect(res.status).toBe(204);
    expect(await inbox(pair.token)).toEqual({ status: 401, body: { error: 'unauthenticated', reason: '登录已失效，请重新登录' } });
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    // Another login of the same person is another session.
    expect((await inbox(other.token)).status).toBe(200);
    expect((await stack.request('POST', '/api/auth/logout')).status).toBe(401);
    const user = await stack.db.user.findUniqueOrThrow({ where: { username: 'town.reviewer' } });
    expect(await stack.db.auditEntry.findMany({ where: { action: 'auth.logout', actorId: user.id } })).toEqual([
      expect.objectContaining({ targetType: 'Session', targetId: pair.refreshToken.split('.')[0], actorRole: 'TOWN_REVIEWER' }),
    ]);
  });

  test('a disabled account is refused at once, and cannot refresh', async () => {
    const pair = await freshLogin('reset.target');
    await stack.db.user.update({ where: { username: 'reset.target' }, data: { active: false } });
    try {
      expect(await inbox(pair.token)).toEqual({ status: 401, body: { error: 'unauthenticated', reason: '账号已停用或不存在' } });
      expect((await refresh(pair.refreshToken)).status).toBe(401);
    } finally {
      await stack.db.user.update({ where: { username: 'reset.target' }, data: { active: true } });
    }
  });
});

describe("the web app's refresh cookie", () => {
  const post = (path: string, init: { body?: string; cookie?: string; type?: string; token?: string } = {}) =>
    fetch(stack.url + path, {
      method: 'POST',
      headers: {
        ...(init.type !== undefined ? { 'content-type': init.type } : init.body !== undefined && { 'content-type': 'application/json' }),
        ...(init.cookie && { cookie: init.cookie }),
        ...(init.token && { authorization: `Bearer ${init.token}` }),
      },
      body: init.body,
    });
  const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';
  const valueOf = (setCookie: string) => /^assistflow_refresh=([^;]*)/.exec(setCookie)?.[1] ?? '';

  test('login sets it HttpOnly, SameSite=Strict, on /api/auth only, until the session ends (not Secure over plain HTTP)', async () => {
    const res = await post('/api/auth/login', { body: JSON.stringify({ username: 'village.worker', password: demoPassword }) });
    const body = (await res.json()) as { refreshToken: string; refreshTokenExpiresAt: string };
    const cookie = cookieOf(res);
    expect(decodeURIComponent(valueOf(cookie))).toBe(body.refreshToken);
    expect(cookie).toMatch(/; Path=\/api\/auth(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(cookie).not.toMatch(/Secure/);
    expect(Date.parse(/Expires=([^;]+)/.exec(cookie)![1])).toBe(Math.floor(Date.parse(body.refreshTokenExpiresAt) / 1000) * 1000);
  });

  test('refresh with an empty JSON body takes the cookie, rotates it, and a reused cookie ends the session and is cleared', async () => {
    const first = cookieOf(await post('/api/auth/login', { body: JSON.stringify({ username: 'village.worker', password: demoPassword }) }));
    const refreshed = await post('/api/auth/refresh', { body: '{}', cookie: `assistflow_refresh=${valueOf(first)}` });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { token: string; refreshToken: string };
    const second = cookieOf(refreshed);
    expect(decodeURIComponent(valueOf(second))).toBe(body.refreshToken);
    expect(valueOf(second)).not.toBe(valueOf(first));
    expect((await inbox(body.token)).status).toBe(200);

    const reused = await post('/api/auth/refresh', { body: '{}', cookie: `assistflow_refresh=${valueOf(first)}` });
    expect(reused.status).toBe(401);
    expect(cookieOf(reused)).toMatch(/^assistflow_refresh=;.*Expires=Thu, 01 Jan 1970/);
    expect((await post('/api/auth/refresh', { body: '{}', cookie: `assistflow_refresh=${valueOf(second)}` })).status).toBe(401);
  });

  test('the body\'s refresh token goes first; without a JSON body the cookie is not used (a cross-site form cannot send JSON)', async () => {
    const pair = await freshLogin();
    const cookie = `assistflow_refresh=${encodeURIComponent('not-the-token')}`;
    expect((await post('/api/auth/refresh', { body: JSON.stringify({ refreshToken: pair.refreshToken }), cookie })).status).toBe(200);

    const other = cookieOf(await post('/api/auth/login', { body: JSON.stringify({ username: 'village.worker', password: demoPassword }) }));
    const form = await post('/api/auth/refresh', { body: 'refreshToken=', type: 'application/x-www-form-urlencoded', cookie: `assistflow_refresh=${valueOf(other)}` });
    expect(form.status).toBe(400);
    // Nothing rotated: the cookie still works with a JSON body.
    expect((await post('/api/auth/refresh', { body: '{}', cookie: `assistflow_refresh=${valueOf(other)}` })).status).toBe(200);
  });

  test('neither body token nor cookie: 400 naming refreshToken', async () => {
    const res = await post('/api/auth/refresh', { body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'validation', issues: [{ path: 'refreshToken', message: expect.stringContaining('请提供 refreshToken') }] });
  });

  test('logout clears it', async () => {
    const pair = await freshLogin();
    const res = await post('/api/auth/logout', { token: pair.token });
    expect(res.status).toBe(204);
    expect(cookieOf(res)).toMatch(/^assistflow_refresh=;.*Path=\/api\/auth/);
  });
});

describe('login lockout', () => {
  test('5 failures lock the username for 15 minutes with a reason saying until when; even the right password is refused then', async () => {
    const user = await stack.db.user.findUniqueOrThrow({ where: { username: 'lock.target' } });
    const failuresBefore = await stack.db.auditEntry.count({ where: { action: 'auth.login_failed', targetId: user.id } });
    for (let i = 0; i < 4; i++) {
      expect(await login('lock.target', 'wrong-password')).toEqual({ status: 401, body: { error: 'unauthenticated', reason: '用户名或密码错误' } });
    }
    const before = Date.now();
    const locking = await login('lock.target', 'wrong-password');
    expect(locking).toEqual({
      status: 423,
      body: { error: 'locked', reason: expect.stringMatching(/^登录失败次数过多，该账号已锁定至 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）/), lockedUntil: expect.any(String) },
    });
    expect(Math.abs(Date.parse(locking.body.lockedUntil) - before - 15 * 60_000)).toBeLessThan(10_000);
    const right = await login('lock.target');
    expect(right).toMatchObject({ status: 423, body: { error: 'locked', lockedUntil: locking.body.lockedUntil } });
    // Case does not matter for the count.
    expect((await login('LOCK.TARGET')).status).toBe(423);
    // Other users log in as usual.
    expect((await login('village.head')).status).toBe(200);
    // Each failure is in the audit log against the account; the refused attempts after the lock are not.
    const failures = await stack.db.auditEntry.findMany({ where: { action: 'auth.login_failed', targetId: user.id }, orderBy: { id: 'asc' } });
    expect(failures).toHaveLength(failuresBefore + 5);
    expect(failures.at(-1)).toMatchObject({ actorId: null, after: { reason: 'BAD_PASSWORD', lockedUntil: locking.body.lockedUntil }, clientAddress: '127.0.0.1' });
  });

  test('a successful login resets the count', async () => {
    for (let i = 0; i < 4; i++) expect((await login('reset.target', 'wrong-password')).status).toBe(401);
    expect((await login('reset.target')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login('reset.target', 'wrong-password')).status).toBe(401);
    expect((await login('reset.target')).status).toBe(200);
  });
});

describe('HTTP hygiene', () => {
  test('helmet headers on every answer, no x-powered-by, and no caching of token answers', async () => {
    for (const [method, path] of [['GET', '/api/health'], ['GET', '/api/tasks'], ['GET', '/api/nowhere']]) {
      const res = await fetch(stack.url + path, { method });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const res = await fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: demoPassword }) });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('CORS is off by default: no CORS header for any origin, preflights included', async () => {
    const origin = 'https://elsewhere.example';
    const simple = await fetch(`${stack.url}/api/health`, { headers: { origin } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.url}/api/auth/login`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  test('errors carry no stack trace', async () => {
    const res = await stack.request('POST', '/api/auth/login', { body: '{"username":' });
    expect(res).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: '', message: '请求体不是有效的JSON' }] } });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });
});

describe('an API configured with CORS_ORIGINS and a short session', () => {
  let server: Server;
  let url: string;
  const allowed = 'https://assist.example.gov.cn';

  beforeAll(async () => {
    const app = createApp({
      db: stack.db,
      temporal: { client: stack.temporal, taskQueue: stack.taskQueue, namespace: 'default', payloadCodec: stack.payloadCodec, uiOrigin: stack.temporalUiOrigin },
      tokens: createTokenService('another-test-secret-that-is-long-enough-42', 'PT1H'),
      logger: createLogger('warn', 'test'),
      security: { corsOrigins: [allowed], refreshTtl: 'PT2S' },
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  test('allows the configured origin only, and answers its preflight', async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/api/auth/login`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const ok = await preflight(allowed);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(ok.headers.get('vary')).toMatch(/origin/i);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${url}/api/health`, { headers: { origin: allowed } });
    expect(get.headers.get('access-control-allow-origin')).toBe(allowed);
  });

  test('the session ends at its expiry, and its access tokens with it', async () => {
    const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: demoPassword }) });
    const pair = (await res.json()) as { token: string; refreshToken: string };
    const tasks = () => fetch(`${url}/api/tasks`, { headers: { authorization: `Bearer ${pair.token}` } });
    expect((await tasks()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await tasks()).status).toBe(401);
    const refreshed = await fetch(`${url}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: pair.refreshToken }) });
    expect(refreshed.status).toBe(401);
  });
});
