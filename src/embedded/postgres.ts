import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PostgreSQL without a PostgreSQL install: PGlite (WASM, persisted in dataDir) served over the wire protocol
 * by pglite-socket on 127.0.0.1, inside a worker thread (see postgres-worker.cjs for why).
 *
 * PGlite is a single backend session, so the server admits ONE client connection at a time; a second
 * concurrent connection is dropped ("Connection terminated unexpectedly"). Apps need a pool of size 1
 * (DATABASE_POOL_SIZE=1), and nothing else (psql, migrations) may connect while the app holds it.
 * (pglite-socket can multiplex several connections onto that session with maxConnections > 1, but they then
 * share SET/prepared-statement state and one connection's transaction stalls all others; we do not use it.)
 */
export async function startEmbeddedPostgres({ dataDir, port }: { dataDir: string; port: number }): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The database holds households' personal data: owner only, also for a data dir an older version left open.
  restrictToOwner(dir);
  const worker = new Worker(path.join(__dirname, 'postgres-worker.cjs'), { workerData: { dataDir: dir, port } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  let started = false;
  const boundPort = await new Promise<number>((resolve, reject) => {
    const fail = (reason: string) => {
      if (started) return console.error(`Embedded PostgreSQL (data in ${dir}) failed: ${reason}`);
      void worker.terminate();
      reject(new Error(`Embedded PostgreSQL (data in ${dir}) could not listen on 127.0.0.1:${port}: ${reason}`));
    };
    worker.once('message', (m: { listening?: number; error?: string }) => (m.listening ? resolve(m.listening) : fail(m.error ?? 'unknown error')));
    // Kept for the worker's lifetime: an unhandled 'error' event would take the whole process down.
    worker.on('error', (error) => fail(error.message));
    void exited.then(() => started || fail('the worker thread exited'));
  });
  started = true;
  // PGlite's files are created 0666 (Emscripten's file system ignores the umask); the 0700 directory already
  // keeps others out, and this closes the files themselves.
  restrictToOwner(dir);

  return {
    url: `postgresql://postgres@127.0.0.1:${boundPort}/postgres`,
    port: boundPort,
    stop: async () => {
      // The worker closes the socket server and then PGlite (which flushes dataDir) before it exits.
      worker.postMessage('stop');
      await exited;
      restrictToOwner(dir);
    },
  };
}

/** chmod -R: directories 0700, files 0600. */
export function restrictToOwner(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) restrictToOwner(at);
    else if (entry.isFile()) fs.chmodSync(at, 0o600);
  }
}
