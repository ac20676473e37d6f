import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createSmtpMailer } from '../../src/activities/mail/mailer';
import { createApp } from '../../src/api/app';
import { createTokenService } from '../../src/api/auth/tokens';
import { createPrisma } from '../../src/db/client';
import { demoPassword, seedDemoData } from '../../src/demo/seed';
import { freePort } from '../../src/embedded/net';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/embedded/smtp-catcher';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { assistFlowDataConverter } from '../../src/temporal/data-converter';
import { createPayloadCodec } from '../../src/temporal/payload-codec';
import { createTemporalRuntimeLogger } from '../../src/temporal/runtime-logger';
import { bundleAssistFlowWorkflows, createAssistFlowWorker } from '../../src/worker-runtime';
import { createTestDatabase } from './database';

/** The whole real stack for one test file: Temporal dev server, a fresh PostgreSQL database, an SMTP server, worker and API. */
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
  login(username: string): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startStack(): Promise<Stack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: createTemporalRuntimeLogger('WARN') });
    runtimeInstalled = true;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-test-'));
  const [database, mail, temporalServer] = await Promise.all([
    createTestDatabase(),
    startSmtpCatcher({ smtpPort: 0 }),
    (async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: path.join(dataDir, 'temporal.db'), namespace: 'default' }))(),
  ]);
  const db = createPrisma(database.url, 5);
  await seedDemoData(db);
  const taskQueue = `api-test-${process.pid}`;
  const logger = createLogger('warn', 'test');
  const payloadCodec = createPayloadCodec([{ id: 'test', key: randomBytes(32) }]);
  const temporalUiOrigin = 'http://127.0.0.1:8233';

  const nativeConnection = await NativeConnection.connect({ address: temporalServer.address });
  const mailer = createSmtpMailer(mail.smtpUrl, 'AssistFlow <noreply@assistflow.local>');
  const workflowBundle = await bundleAssistFlowWorkflows({ logger: new DefaultLogger('WARN') });
  const worker: Worker = await createAssistFlowWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { db, mailer, publicUrl: 'http://assistflow.test' },
    workflowBundle,
    payloadCodec,
  });
  const workerRun = worker.run();

  const connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection, namespace: 'default', dataConverter: assistFlowDataConverter(payloadCodec) });
  const app = createApp({
    db,
    temporal: { client: temporal, taskQueue, namespace: 'default', payloadCodec, uiOrigin: temporalUiOrigin },
    tokens: createTokenService('test-secret-that-is-long-enough-0123456789', 'PT1H'),
    logger,
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
      await nativeConnection.close();
      mailer.close();
      await db.$disconnect();
      await Promise.all([temporalServer.stop(), mail.stop(), database.drop()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
