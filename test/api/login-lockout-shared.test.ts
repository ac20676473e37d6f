import type { Server } from 'node:http';
import { createApp } from '../../src/api/app';
import { createDbLoginThrottle } from '../../src/api/auth/db-login-throttle';
import { hashPassword } from '../../src/api/auth/passwords';
import { createTokenService } from '../../src/api/auth/tokens';
import { demoPassword, demoVillage } from '../../src/demo/seed';
import { createLogger } from '../../src/logger';
import { startStack, type Stack } from '../support/stack';

/** The lockout counts what every API instance saw: two apps on one database share 5 failures, not 5 each. */

let stack: Stack;
let second: Server;
let secondUrl = '';

beforeAll(async () => {
  stack = await startStack();
  // A second API instance on the same database (and Temporal), as production runs several behind a load balancer.
  const app = createApp({
    db: stack.db,
    temporal: { client: stack.temporal, taskQueue: stack.taskQueue, namespace: 'default', payloadCodec: stack.payloadCodec, uiOrigin: stack.temporalUiOrigin },
    tokens: createTokenService('test-secret-that-is-long-enough-0123456789', 'PT1H'),
    logger: createLogger('warn', 'test'),
  });
  second = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  secondUrl = `http://127.0.0.1:${(second.address() as { port: number }).port}`;
  const passwordHash = await hashPassword(demoPassword);
  for (const username of ['shared.lock', 'concurrent.lock']) {
    await stack.db.user.create({ data: { username, displayName: '锁定测试', email: `${username}@demo.assistflow.local`, passwordHash, role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage } });
  }
}, 120_000);
afterAll(async () => {
  await new Promise<void>((resolve) => (second ? second.close(() => resolve()) : resolve()));
  second?.closeAllConnections();
  await stack?.stop();
});

async function login(instance: 'first' | 'second', username: string, password = 'wrong-password') {
  const res = await fetch(`${instance === 'first' ? stack.url : secondUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as { lockedUntil?: string } };
}

test('failures on two instances add up: the 5th locks the username on both, even for the right password', async () => {
  for (const instance of ['first', 'second', 'first', 'second'] as const) expect((await login(instance, 'shared.lock')).status).toBe(401);
  const locking = await login('first', 'shared.lock');
  expect(locking).toMatchObject({ status: 423, body: { error: 'locked', lockedUntil: expect.any(String) } });
  expect(await login('second', 'shared.lock', demoPassword)).toMatchObject({ status: 423, body: { lockedUntil: locking.body.lockedUntil } });
  expect(await login('first', 'shared.lock', demoPassword)).toMatchObject({ status: 423, body: { lockedUntil: locking.body.lockedUntil } });
});

test('concurrent failures on both instances are each counted: 4 at once, then the 5th locks', async () => {
  const at = await Promise.all((['first', 'second', 'first', 'second'] as const).map((instance) => login(instance, 'concurrent.lock')));
  expect(at.map((r) => r.status)).toEqual([401, 401, 401, 401]);
  expect((await login('second', 'concurrent.lock')).status).toBe(423);
  const row = await stack.db.loginThrottle.findUniqueOrThrow({ where: { key: 'u:concurrent.lock' } });
  expect(row.lockedUntil).not.toBeNull();
});

test('the address count is shared too (429), and a success resets the username count for every instance', async () => {
  let now = Date.UTC(2026, 10, 29, 8, 0, 0);
  const options = { maxAddressFailures: 6, clock: () => now };
  const [a, b] = [createDbLoginThrottle(stack.db, options), createDbLoginThrottle(stack.db, options)];
  for (let i = 0; i < 5; i++) expect(await (i % 2 ? a : b).recordFailure(`spray${i}`, '10.9.9.9')).toBeNull();
  expect(await a.recordFailure('spray5', '10.9.9.9')).toEqual({ scope: 'address', until: now + 15 * 60_000 });
  expect(await b.check('anyone', '10.9.9.9')).toEqual({ scope: 'address', until: now + 15 * 60_000 });
  for (let i = 0; i < 4; i++) await (i % 2 ? a : b).recordFailure('reset.me', '10.8.8.8');
  await a.recordSuccess('reset.me');
  expect(await b.recordFailure('reset.me', '10.8.8.8')).toBeNull();
  // Expired rows are forgotten as failures go on.
  now += 31 * 60_000;
  await a.recordFailure('late', '10.7.7.7');
  expect(await stack.db.loginThrottle.count({ where: { key: { in: ['a:10.9.9.9', 'u:spray0', 'u:reset.me'] } } })).toBe(0);
});
