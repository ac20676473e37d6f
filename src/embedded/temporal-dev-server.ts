import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { searchAttributeDefinitions } from '../temporal/search-attributes';
import { isListening, waitForPort } from './net';
import { temporalCliPath } from './paths';
import { ensureSearchAttributes } from './search-attributes-setup';

export interface TemporalDevServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts (lives under the data dir). */
  dbFile: string;
  namespace: string;
  /** Remote codec endpoint the web UI decodes payloads with (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the frontend, as TEMPORAL_ADDRESS wants it. */
  address: string;
  uiUrl: string;
  /** SIGTERM, and SIGKILL after 15 s; with `crash`, SIGKILL at once: no shutdown at all, its SQLite file as the crash left it. */
  stop(options?: { crash?: boolean }): Promise<void>;
}

const host = '127.0.0.1';

/** Runs `temporal server start-dev` (from `npm run setup`) with our search attributes; resolves once it serves. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const { port, uiPort, dbFile, namespace, codecEndpoint, startTimeoutMs = 60_000 } = options;
  // Otherwise we would wait on whatever already listens there instead of our server.
  if (await isListening(host, port)) throw new Error(`Temporal dev server: port ${port} on ${host} is already in use`);
  fs.mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true });
  const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--db-filename', dbFile, '--log-level', 'warn');
  if (codecEndpoint) args.push('--ui-codec-endpoint', codecEndpoint);
  // "default" always exists; naming it again would be redundant.
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const { name, type } of searchAttributeDefinitions) args.push('--search-attribute', `${name}=${type}`);

  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // Keep only the end of stderr: enough to explain a failed start without growing forever.
  let stderrTail = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    // 'close' rather than 'exit': by then the last stderr lines are in stderrTail.
    child.once('close', (code, signal) => {
      exited ??= `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (error) => {
      exited ??= `could not be started: ${error.message}`;
      resolve();
    });
  });

  const stop = async ({ crash = false }: { crash?: boolean } = {}) => {
    if (exited !== undefined) return;
    child.kill(crash ? 'SIGKILL' : 'SIGTERM');
    // A graceful shutdown takes a few seconds; never hang a test run on it.
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(kill);
  };

  const address = `${host}:${port}`;
  try {
    const deadline = Date.now() + startTimeoutMs;
    await waitForPort(host, port, startTimeoutMs, () => exited && `temporal server start-dev ${exited}`);
    // start-dev applies --search-attribute only when it creates the db file; an existing file may predate newer attributes.
    // The port opens before the frontend answers; on a loaded machine the first connection can time out: try again.
    for (;;) {
      try {
        await ensureSearchAttributes({ address, namespace });
        break;
      } catch (error) {
        if (exited !== undefined || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Temporal dev server on ${address} did not start: ${reason}\n--- stderr (tail) ---\n${stderrTail}`);
  }
  return { address, uiUrl: `http://${host}:${uiPort}`, stop };
}
