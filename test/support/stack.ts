import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import type { Duration, PayloadCodec } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createSmtpMailer } from '../../src/activities/mail/mailer';
import { createApp } from '../../src/api/app';
import { createTokenService } from '../../src/api/auth/tokens';
import { createPrisma } from '../../src/db/client';
import { demoPassword, seedDemoData } from '../../src/demo/seed';
import { freePort } from '../../src/embedded/net';
import { temporalTestServerPath } from '../../src/embedded/paths';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/embedded/smtp-catcher';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server';
import { webDistDir } from '../../src/embedded/web-build';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { assistFlowDataConverter } from '../../src/temporal/data-converter';
import { createPayloadCodec } from '../../src/temporal/payload-codec';
import { apiWorkflowInterceptors } from '../../src/temporal/api-client-interceptors';
import { createTemporalRuntimeLogger } from '../../src/temporal/runtime-logger';
import { bundleAssistFlowWorkflows, createAssistFlowWorker } from '../../src/worker-runtime';
import { createTestDatabase } from './database';

/**
 * The whole real stack for one test file: a Temporal server, a fresh PostgreSQL database, an SMTP server, worker and API.
 * The Temporal server is the dev server, or with `temporal: 'time-skipping'` the test server, whose clock `skip` moves
 * ahead for paths that take months (the API and PostgreSQL keep the real clock).
 */
export interface Stack {
  url: string;
  /** The Express app served at `url`, for walking its routes. */
  app: Express;
  db: PrismaClient;
  mail: SmtpCatcher;
  /** Encrypts payloads as production does: its client, the worker and the codec endpoint share it. */
  temporal: Client;
  payloadCodec: PayloadCodec;
  /** The Temporal UI origin the codec endpoint allows (CORS). */
  temporalUiOrigin: string;
  taskQueue: string;
  /** The Temporal frontend's address, for tests that go around the API as an attacker would. */
  temporalAddress: string;
  /** The key the API signs actor assertions with and the worker checks them with. */
  assertionKey: Buffer;
  /** Moves the time-skipping server's clock ahead by exactly `duration` (`'30 days'`, ms), firing the timers due meanwhile; throws on the dev server. */
  skip(duration: Duration): Promise<void>;
  /** The Temporal server's clock, the time workflows see and write to the read model (ahead of the real clock once skipped). */
  temporalNow(): Promise<Date>;
  login(username: string): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** `dev` (default): `temporal server start-dev`, real time. `time-skipping`: the SDK's test server, time moved by `skip`. */
  temporal?: 'dev' | 'time-skipping';
  /** Serve the built web app (web/dist) at `/`, as `npm start` does: the browser tests (test/web). */
  webApp?: boolean;
  /** The test file installed the Temporal runtime itself (installTemporalRuntime, with its metrics exporter): leave it. */
  runtimeInstalled?: boolean;
  /** Activity interceptors for the worker, as the worker process passes them (src/temporal/worker-metrics.ts). */
  workerInterceptors?: Pick<NonNullable<WorkerOptions['interceptors']>, 'activity'>;
}

interface TemporalServer {
  address: string;
  skip(duration: Duration): Promise<void>;
  now(): Promise<Date>;
  stop(): Promise<void>;
}

async function startTemporal(kind: StackOptions['temporal'], dataDir: string): Promise<TemporalServer> {
  if (kind === 'time-skipping') {
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    // The test server starts without our search attributes (and cannot list them).
    await ensureSearchAttributes({ address: env.address, namespace: 'default' });
    return { address: env.address, skip: (duration) => env.sleep(duration), now: async () => new Date(await env.currentTimeMs()), stop: () => env.teardown() };
  }
  // A port picked free can be taken by another test's process before the server binds it: start again on new ports.
  const start = async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: path.join(dataDir, 'temporal.db'), namespace: 'default' });
  const server = await start().catch(start).catch(start);
  return {
    address: server.address,
    skip: () => Promise.reject(new Error("the dev server runs in real time: start the stack with { temporal: 'time-skipping' } to skip")),
    now: async () => new Date(),
    stop: () => server.stop(),
  };
}

let runtimeInstalled = false;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled && !options.runtimeInstalled) {
    Runtime.install({ logger: createTemporalRuntimeLogger('WARN') });
    runtimeInstalled = true;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-test-'));
  const [database, mail, temporalServer] = await Promise.all([
    createTestDatabase(),
    startSmtpCatcher({ smtpPort: 0 }),
    startTemporal(options.temporal ?? 'dev', dataDir),
  ]);
  const db = createPrisma(database.url, 5);
  await seedDemoData(db);
  const taskQueue = `api-test-${process.pid}`;
  const logger = createLogger('warn', 'test');
  const payloadCodec = createPayloadCodec([{ id: 'test', key: randomBytes(32) }]);
  const assertionKey = randomBytes(32);
  const temporalUiOrigin = 'http://127.0.0.1:8233';

  const nativeConnection = await NativeConnection.connect({ address: temporalServer.address });
  const mailer = createSmtpMailer(mail.smtpUrl, 'AssistFlow <noreply@assistflow.local>');
  const workflowBundle = await bundleAssistFlowWorkflows({ logger: new DefaultLogger('WARN') });
  const workerClient = new Client({ connection: await Connection.connect({ address: temporalServer.address }), namespace: 'default', dataConverter: assistFlowDataConverter(payloadCodec) });
  const worker: Worker = await createAssistFlowWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { db, mailer, publicUrl: 'http://assistflow.test', assertionKey, temporal: { client: workerClient, taskQueue } },
    workflowBundle,
    payloadCodec,
    interceptors: options.workerInterceptors,
  });
  const workerRun = worker.run();

  const connection = await Connection.connect({ address: temporalServer.address });
  // As the API's client in production: every Update signed with the actor's assertion, sent again when lost.
  const temporal = new Client({
    connection,
    namespace: 'default',
    dataConverter: assistFlowDataConverter(payloadCodec),
    interceptors: { workflow: apiWorkflowInterceptors(assertionKey) },
  });
  const app = createApp({
    db,
    temporal: { client: temporal, taskQueue, namespace: 'default', payloadCodec, uiOrigin: temporalUiOrigin },
    tokens: createTokenService('test-secret-that-is-long-enough-0123456789', 'PT1H'),
    logger,
    ...(options.webApp && { webDist: webDistDir }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const request: Stack['request'] = async (method, p, options = {}) => {
    const res = await fetch(url + p, {
      method,
      headers: {
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body };
  };

  const tokens = new Map<string, string>();
  return {
    url,
    app,
    db,
    mail,
    temporal,
    payloadCodec,
    temporalUiOrigin,
    taskQueue,
    temporalAddress: temporalServer.address,
    assertionKey,
    skip: (duration) => temporalServer.skip(duration),
    temporalNow: () => temporalServer.now(),
    request,
    async login(username) {
      if (!tokens.has(username)) {
        const res = await request('POST', '/api/auth/login', { body: { username, password: demoPassword } });
        if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
        tokens.set(username, res.body.token);
      }
      return tokens.get(username)!;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      worker.shutdown();
      await workerRun;
      await connection.close();
      await workerClient.connection.close();
      await nativeConnection.close();
      mailer.close();
      await db.$disconnect();
      await Promise.all([temporalServer.stop(), mail.stop(), database.drop()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
