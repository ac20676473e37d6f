import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '../../src/db/scratch-database';
import { createPrisma } from '../../src/db/client';
import { seedDemoData } from '../../src/demo/seed';
import { freePort } from '../../src/embedded/net';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/embedded/smtp-catcher';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal-dev-server';
import { parsePayloadKeys, type PayloadKey } from '../../src/temporal/payload-codec';
import { productionEnv, spawnTs, type Child } from '../child';
import { serverUrl as sharedServerUrl } from '../postgres';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

/**
 * The production-like stack of the chaos run, every part of which can be killed and brought back: the Temporal dev
 * server (SQLite file, same ports after a restart), PostgreSQL (a private cluster, or a scratch database on the
 * shared test server when PostgreSQL faults are not wanted), the worker and the API as child processes. The SMTP
 * catcher lives in this process: it is the outside world, and counts what reached it.
 *
 * Like a process supervisor, the stack restarts a worker or API that exits on its own, and remembers it.
 */
export interface ChaosStack {
  baseUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  payloadKeys: PayloadKey[];
  mail: SmtpCatcher;
  /** Whether restartPostgres() is possible (a private cluster). */
  privatePostgres: boolean;
  /** Processes that exited without being told to, and were restarted. */
  unexpectedExits: { name: string; how: string; atSec: number }[];
  /** SIGKILL the worker (or the API), then start a new one; resolves when it is ready again. */
  killAndRestart(name: 'worker' | 'api'): Promise<{ exit: string }>;
  /** Stops Temporal (SIGTERM, or with `crash` SIGKILL), waits `downMs`, starts it again on the same SQLite file and port. */
  restartTemporal(downMs: number, options?: { crash?: boolean }): Promise<void>;
  restartPostgres(mode: 'fast' | 'immediate', downMs: number): Promise<void>;
  /** The output tail of the worker and the API, for failure messages. */
  outputTails(): string;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

/** Stops of the stacks that are up, so a signal can take them down (children, cluster, temp files). */
const running = new Set<() => Promise<void>>();
export async function stopRunningStacks(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

export async function startChaosStack({ postgres, log }: { postgres: 'private' | 'shared'; log: Log }): Promise<ChaosStack> {
  const t0 = Date.now();
  const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  const stopAll = async () => {
    running.delete(stopAll);
    for (const c of cleanups.splice(0).reverse()) await c.run().catch((error: unknown) => log(`stopping ${c.name} failed: ${error instanceof Error ? error.message : error}`));
  };
  running.add(stopAll);
  try {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-chaos-'));
    cleanups.push({ name: 'temp dir', run: async () => fs.rmSync(tmp, { recursive: true, force: true }) });
    const temporalOptions = { port: await freePort(), uiPort: await freePort(), dbFile: path.join(tmp, 'temporal.db'), namespace: 'default' };
    let temporal: TemporalDevServer | undefined;
    const stopTemporal = async (options?: { crash?: boolean }) => {
      const t = temporal;
      temporal = undefined;
      await t?.stop(options);
    };
    let cluster: PostgresCluster | undefined;
    const [database, mail] = await Promise.all([
      (async () => {
        if (postgres === 'private') {
          cluster = await startPostgresCluster();
          cleanups.push({ name: 'postgres cluster', run: () => cluster!.destroy() });
        }
        const d = await createScratchDatabase(cluster?.serverUrl ?? sharedServerUrl(), 'assistflow_chaos');
        // The private cluster goes as a whole; on the shared server only our database does.
        if (!cluster) cleanups.push({ name: 'database', run: d.drop });
        return d;
      })(),
      startSmtpCatcher({ smtpPort: 0 }).then((m) => {
        cleanups.push({ name: 'smtp', run: m.stop });
        return m;
      }),
      startTemporalDevServer(temporalOptions).then((t) => {
        temporal = t;
        cleanups.push({ name: 'temporal', run: () => stopTemporal() });
        return t;
      }),
    ]);
    const apiPort = await freePort();
    const taskQueue = `chaos-${randomBytes(3).toString('hex')}`;
    // Fixed for the run: a restarted API accepts the tokens the load logged in with, a restarted worker reads old payloads.
    const env: Record<string, string> = {
      ...productionEnv({ databaseUrl: database.url, temporalAddress: temporal!.address, taskQueue, smtpUrl: mail.smtpUrl, apiPort, logLevel: 'info' }),
      AUTH_TOKEN_TTL: 'PT6H',
    };
    const ready = { worker: /"worker running"/, api: /"api listening"/ };
    const entries = { worker: 'src/worker.ts', api: 'src/server.ts' };
    const children: Record<'worker' | 'api', Child | undefined> = { worker: undefined, api: undefined };
    /** Children we are killing on purpose: their exit is not unexpected. */
    const expected = new Set<Child>();
    let stopping = false;
    const unexpectedExits: ChaosStack['unexpectedExits'] = [];

    const spawn = async (name: 'worker' | 'api'): Promise<void> => {
      const child = spawnTs(name, entries[name], env, ready[name], 240_000);
      children[name] = child;
      void child.exited.then((how) => {
        if (stopping || expected.has(child) || children[name] !== child) return;
        unexpectedExits.push({ name, how, atSec: Math.round((Date.now() - t0) / 100) / 10 });
        log(`${name} exited on its own (${how}); restarting it\n${child.outputTail().slice(-1500)}`);
        void spawn(name).catch((error: unknown) => log(`${name} restart failed: ${error instanceof Error ? error.message : error}`));
      });
      await child.ready;
    };
    cleanups.push({
      name: 'worker and api',
      run: async () => {
        stopping = true;
        // Nothing left to check in them: no graceful shutdown needed.
        await Promise.all(Object.values(children).map((c) => c?.kill('SIGKILL')));
      },
    });
    const seed = async () => {
      const seedDb = createPrisma(database.url, 2);
      await seedDemoData(seedDb);
      await seedDb.$disconnect();
    };
    // The worker takes longest (it bundles its workflows): seeding happens meanwhile.
    await Promise.all([seed(), spawn('worker'), spawn('api')]);
    const baseUrl = `http://127.0.0.1:${apiPort}`;

    return {
      baseUrl,
      databaseUrl: database.url,
      temporalAddress: temporal!.address,
      taskQueue,
      payloadKeys: parsePayloadKeys(env.PAYLOAD_KEYS),
      mail,
      privatePostgres: cluster !== undefined,
      unexpectedExits,
      async killAndRestart(name) {
        const child = children[name]!;
        expected.add(child);
        const exit = await child.kill('SIGKILL');
        await spawn(name);
        return { exit };
      },
      async restartTemporal(downMs, options) {
        await stopTemporal(options);
        await new Promise((r) => setTimeout(r, downMs));
        temporal = await startTemporalDevServer(temporalOptions);
      },
      async restartPostgres(mode, downMs) {
        if (!cluster) throw new Error('PostgreSQL faults need the private cluster');
        await cluster.restart(mode, downMs);
      },
      outputTails: () => `--- worker ---\n${children.worker?.outputTail() ?? ''}\n--- api ---\n${children.api?.outputTail() ?? ''}`,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
