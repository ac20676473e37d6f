import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readMemory, readStat } from './proc';

export const repoRoot = path.resolve(__dirname, '..');

/** A Node process running a TypeScript entry point under tsx, one OS process (so /proc/<pid> is the program itself). */
export interface Child {
  name: string;
  pid: number;
  /** Resolves with the first stdout line matching `ready`. */
  ready: Promise<string>;
  cpuSec(): number | null;
  memory(): { peakRssMb: number; rssMb: number } | null;
  /** SIGTERM (the composition roots stop gracefully on it), SIGKILL after a grace period. Returns the exit code or signal. */
  stop(graceMs?: number): Promise<string>;
  /** Sends `signal` (SIGKILL: no shutdown at all) and resolves with the exit code or signal. */
  kill(signal: NodeJS.Signals): Promise<string>;
  /** Resolves when the process exits, however it ends. */
  exited: Promise<string>;
  outputTail(): string;
}

/** The environment of the product's worker and API processes in production mode, with fresh secrets. */
export function productionEnv(o: { databaseUrl: string; temporalAddress: string; taskQueue: string; smtpUrl: string; apiPort: number; logLevel: string }): Record<string, string> {
  return {
    APP_MODE: 'production',
    AUTH_SECRET: randomBytes(32).toString('hex'),
    PAYLOAD_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    SMTP_URL: o.smtpUrl,
    PORT: String(o.apiPort),
    PUBLIC_URL: `http://127.0.0.1:${o.apiPort}`,
    LOG_LEVEL: o.logLevel,
  };
}

export function spawnTs(name: string, entry: string, env: Record<string, string>, ready: RegExp, startTimeoutMs = 120_000): Child {
  // `node --import tsx` rather than the tsx CLI: the CLI runs the program in a second Node process.
  // BENCH_NODE_ARGS (say `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to every child, for profiling a run.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: string) => {
    tail = (tail + chunk).slice(-6000);
  };
  let exited: string | undefined;
  const exit = new Promise<string>((resolve) => {
    proc.once('close', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve(exited);
    });
    proc.once('error', (error) => {
      exited = `spawn error: ${error.message}`;
      resolve(exited);
    });
  });

  const readyPromise = new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not become ready within ${startTimeoutMs} ms\n${tail}`)), startTimeoutMs);
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      keep(chunk);
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (ready.test(line)) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    });
    void exit.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${how}) before it was ready\n${tail}`));
    });
  });
  readyPromise.catch(() => undefined);
  proc.stderr!.setEncoding('utf8').on('data', keep);

  return {
    name,
    pid: proc.pid!,
    ready: readyPromise,
    cpuSec: () => readStat(proc.pid!)?.cpuSec ?? null,
    memory: () => readMemory(proc.pid!),
    outputTail: () => tail,
    exited: exit,
    async kill(signal) {
      if (exited === undefined) proc.kill(signal);
      return exit;
    },
    async stop(graceMs = 15_000) {
      if (exited !== undefined) return exited;
      proc.kill('SIGTERM');
      const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const how = await exit;
      clearTimeout(kill);
      return how;
    },
  };
}
