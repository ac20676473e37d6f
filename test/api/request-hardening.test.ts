import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { createTokenService } from '../../src/api/auth/tokens';
import { maxJsonDepth } from '../../src/api/unstorable-text';
import { createPrisma } from '../../src/db/client';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { createPayloadCodec } from '../../src/temporal/payload-codec';
import { createTestDatabase } from '../support/database';

/** What the API refuses before login, with no Temporal behind it: an app on a fresh database and a lazy client. */

let database: { url: string; drop(): Promise<void> };
let db: PrismaClient;
let server: Server;
let url = '';

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url, 2);
  const app = createApp({
    db,
    temporal: { client: new Client(), taskQueue: 'unused', namespace: 'default', payloadCodec: createPayloadCodec([{ id: 't', key: randomBytes(32) }]), uiOrigin: 'http://127.0.0.1:8233' },
    tokens: createTokenService('test-secret-that-is-long-enough-0123456789', 'PT1H'),
    logger: createLogger('error', 'test'),
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await db?.$disconnect();
  await database?.drop();
});

const post = async (path: string, body: string) => {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: await res.json() };
};

test('JSON nested 4,000 levels deep, before login, is a 400 with a reason, not a 500', async () => {
  for (const body of ['['.repeat(4000) + ']'.repeat(4000), '{"a":'.repeat(4000) + '1' + '}'.repeat(4000)]) {
    expect(await post('/api/auth/login', body)).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: '', message: `请求内容嵌套层数过多（超过${maxJsonDepth}层）` }] } });
  }
  // Within the limit the request goes on to its own checks.
  expect((await post('/api/auth/login', JSON.stringify({ username: 'x', password: [[[[1]]]] }))).status).toBe(400);
  expect((await post('/api/auth/login', JSON.stringify({ username: 'nobody', password: 'wrong-password' }))).status).toBe(401);
});
