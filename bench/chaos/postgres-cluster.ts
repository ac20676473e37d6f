import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '../../src/embedded/net';

const run = promisify(execFile);

/**
 * A private PostgreSQL cluster for the chaos run, so it can be restarted without touching the shared server on
 * 5432: initdb into a temp dir, pg_ctl on a free port of 127.0.0.1, trust auth for `postgres`.
 */
export interface PostgresCluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  serverUrl: string;
  port: number;
  /** pg_ctl stop (`immediate`: a crash, recovered from WAL on start; `fast`: clean), `downMs` of nothing, pg_ctl start. */
  restart(mode: 'fast' | 'immediate', downMs: number): Promise<void>;
  /** Stops the cluster and removes its files. */
  destroy(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<version>/bin with initdb, or CHAOS_PG_BIN. */
export function postgresBinDir(): string {
  if (process.env.CHAOS_PG_BIN) return process.env.CHAOS_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server binaries under ${root}/<version>/bin (set CHAOS_PG_BIN)`);
  return path.join(root, newest, 'bin');
}

/** initdb and the server refuse to run as root: as root, they run as the `postgres` system user. */
async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const user = await runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-chaos-pg-'));
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const port = await freePort();
  const pgCtl = (...args: string[]) => run(path.join(bin, 'pg_ctl'), args, { ...user, cwd: dir, timeout: 120_000 });
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=200 -c log_min_messages=warning`;
  const start = async () => {
    await pgCtl('start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options);
    await waitForPort('127.0.0.1', port, 30_000);
  };
  const stop = (mode: 'fast' | 'immediate') => pgCtl('stop', '-D', dataDir, '-m', mode, '-w', '-t', '60');

  try {
    await run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8'], { ...user, cwd: dir, timeout: 120_000 });
    await start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
    throw new Error(`private PostgreSQL cluster did not start: ${error instanceof Error ? error.message : error}\n${log}`);
  }

  let destroyed = false;
  return {
    serverUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart(mode, downMs) {
      await stop(mode);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop('immediate').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
