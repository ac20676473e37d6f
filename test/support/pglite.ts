import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

// PGlite loads its parts with import(), which jest's CommonJS sandbox refuses without
// --experimental-vm-modules, so it runs in a plain Node child process, as a real server would.
// PGlite runs one query at a time; maxConnections 2 only because Node's net server still counts a
// client's closed connection for a moment and drops the client's next one if the limit is 1.
const serverScript = `
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
const db = await PGlite.create();
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
await server.start();
console.log('listening on ' + server.getServerConn());
process.stdin.on('end', async () => { await server.stop(); await db.close(); process.exit(0); }).resume();
`;

/** An in-memory PGlite served over the PostgreSQL wire protocol on a random loopback port. */
export async function startPGliteServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', serverScript], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('listening on ')) resolve(line.slice('listening on '.length));
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error('The PGlite server exited before listening')));
  });
  return {
    url: `postgres://postgres@${address}/postgres`,
    // Closing its stdin stops it, so it also goes away if the test process dies.
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
