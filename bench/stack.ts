import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrisma } from '../src/db/client';
import { seedDemoData } from '../src/demo/seed';
import { freePort } from '../src/embedded/net';
import { startSmtpCatcher } from '../src/embedded/smtp-catcher';
import { startTemporalDevServer } from '../src/embedded/temporal-dev-server';
import { productionEnv, spawnTs, type Child } from './child';
import { createBenchDatabase } from './postgres';
import { findPid } from './proc';

/** Things to stop, in reverse order of start, once; also on SIGINT/SIGTERM and on failure. */
export class Teardown {
  private parts: { name: string; stop: () => Promise<unknown> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (message: string) => void) {}

  add(name: string, stop: () => Promise<unknown>): void {
    this.parts.push({ name, stop });
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const part of this.parts.reverse()) {
        await part.stop().catch((error: unknown) => this.log(`stopping ${part.name} failed: ${error instanceof Error ? error.message : String(error)}`));
      }
      this.parts = [];
    })();
    return this.stopping;
  }
}

/** The product as deployed, on one machine: what `npm run bench` and its modes measure. */
export interface BenchStack {
  database: { name: string; url: string };
  temporalAddress: string;
  /** The dev server's pid, for its CPU (null when /proc does not show it). */
  temporalPid: number | null;
  worker: Child;
  api: Child;
  baseUrl: string;
  taskQueue: string;
  /** Seconds from spawning the worker and the API until both were ready. */
  processesReadySec: number;
}

/**
 * Brings up the Temporal dev server (SQLite file in a temp dir), a fresh migrated PostgreSQL database with the demo
 * data, the SMTP catcher, and the worker and the API as production-mode child processes. Everything is registered
 * on `teardown`. Both log at info: their "running" and "listening" lines say they are ready. `workerEnv` and `apiEnv` add settings (worker options, token lifetimes) to the production environment.
 */
export async function startBenchStack(
  teardown: Teardown,
  options: { label: string; workerEnv?: Record<string, string>; apiEnv?: Record<string, string> },
): Promise<BenchStack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `assistflow-${options.label}-`));
  teardown.add('temp dir', async () => fs.rmSync(tmp, { recursive: true, force: true }));
  const temporalDbFile = path.join(tmp, 'temporal.db');
  const [database, mail, temporal] = await Promise.all([
    createBenchDatabase().then((d) => (teardown.add('database', d.drop), d)),
    startSmtpCatcher({ smtpPort: 0 }).then((m) => (teardown.add('smtp', m.stop), m)),
    (async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: temporalDbFile, namespace: 'default' }))().then(
      (t) => (teardown.add('temporal', t.stop), t),
    ),
  ]);
  const seedDb = createPrisma(database.url, 2);
  await seedDemoData(seedDb);
  await seedDb.$disconnect();

  const apiPort = await freePort();
  const taskQueue = `${options.label}-${randomBytes(3).toString('hex')}`;
  const env = productionEnv({ databaseUrl: database.url, temporalAddress: temporal.address, taskQueue, smtpUrl: mail.smtpUrl, apiPort, logLevel: 'info' });
  const spawned = performance.now();
  // The worker bundles its workflows with webpack at start: minutes when the shared machine is busy.
  const startTimeoutMs = 300_000;
  const worker = spawnTs('worker', 'src/worker.ts', { ...env, ...options.workerEnv }, /"worker running"/, startTimeoutMs);
  teardown.add('worker', () => worker.stop());
  const api = spawnTs('api', 'src/server.ts', { ...env, ...options.apiEnv }, /"api listening"/, startTimeoutMs);
  teardown.add('api', () => api.stop());
  await Promise.all([worker.ready, api.ready]);
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  // The health check gives each dependency 3 s: on a busy shared machine a first answer may take longer.
  for (let attempt = 1; ; attempt++) {
    const health = await fetch(`${baseUrl}/api/health`);
    if (health.status === 200) break;
    if (attempt === 10) throw new Error(`API health: ${health.status} ${await health.text()}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  return {
    database,
    temporalAddress: temporal.address,
    temporalPid: findPid('start-dev', temporalDbFile),
    worker,
    api,
    baseUrl,
    taskQueue,
    processesReadySec: (performance.now() - spawned) / 1000,
  };
}

/** Runs a benchmark's main with its teardown: on success, failure or a signal everything started is stopped. */
export function runWithTeardown(teardown: Teardown, log: (message: string) => void, main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void teardown.stopAll().then(() => process.exit(130));
    });
  }
  main()
    .then(() => teardown.stopAll())
    .catch(async (error: unknown) => {
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await teardown.stopAll();
      process.exit(1);
    });
}
