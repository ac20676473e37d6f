import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoPassword, demoVillage } from '../../src/demo/seed';
import net from 'node:net';
import { eventually } from '../support/eventually';
import { newIdNumber } from '../support/ids';

/** `npm start` as a newcomer runs it: no configuration but ports, every server embedded, Ctrl-C to stop. */

const repoRoot = path.resolve(__dirname, '../..');
let dataDir: string;
let child: ChildProcess | undefined;
let output = '';

/**
 * A free port below Linux's ephemeral range (32768–60999): the start takes seconds before it binds them, and a port the
 * OS hands out for `listen(0)` can meanwhile be handed to another test's server running beside this one (it was, once:
 * EADDRINUSE on the SMTP catcher). Ports picked here are never handed out that way.
 */
async function quietPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function start(env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/start.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  await eventually(() => output.includes('AssistFlow is running') || proc.exitCode !== null, 90_000);
  if (proc.exitCode !== null) throw new Error(`start exited ${proc.exitCode}:\n${output}`);
  return proc;
}

async function stop(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGINT');
  return exited;
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-start-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) await stop(child);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('with nothing configured it serves the API, the Temporal UI and caught mail, keeps data across a restart, and stops on Ctrl-C', async () => {
  const ports = {
    PORT: await quietPort(),
    TEMPORAL_UI_PORT: await quietPort(),
    EMBEDDED_TEMPORAL_PORT: await quietPort(),
    EMBEDDED_POSTGRES_PORT: await quietPort(),
    EMBEDDED_SMTP_PORT: await quietPort(),
    EMBEDDED_MAIL_UI_PORT: await quietPort(),
  };
  const env = Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]));
  child = await start(env);
  const api = `http://localhost:${ports.PORT}`;
  for (const url of [`${api}/api/health`, `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${ports.EMBEDDED_MAIL_UI_PORT}`]) {
    expect(output).toContain(url); // every URL is printed
  }
  expect((await fetch(`${api}/api/health`)).status).toBe(200);
  // The web app, its URL printed first; its routes load index.html.
  expect(output.indexOf(`${api}/\n`)).toBeGreaterThan(-1);
  expect(output.indexOf(`${api}/\n`)).toBeLessThan(output.indexOf(`${api}/api`));
  const app = await fetch(`${api}/cases/some-case`);
  expect([app.status, app.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  expect((await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${ports.EMBEDDED_MAIL_UI_PORT}/`)).status).toBe(200);

  const login = await fetch(`${api}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'village.worker', password: demoPassword }) });
  const { token } = (await login.json()) as { token: string };
  const created = await fetch(`${api}/api/monitoring-cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      household: { headName: '演示户主', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 2, laborCapacity: 'full' },
      category: 'MARGINAL',
      channel: 'SELF_REPORT',
      riskTypes: ['DISASTER'],
      perCapitaIncome: 4800,
    }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  expect(await stop(child)).toBe(0);
  expect(output).toContain('stopping');

  // Same data directory: the case and its workflow are still there.
  output = '';
  child = await start(env);
  const again = await fetch(`${api}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'village.worker', password: demoPassword }) });
  const view = await fetch(`${api}/api/monitoring-cases/${id}`, { headers: { authorization: `Bearer ${((await again.json()) as { token: string }).token}` } });
  expect(view.status).toBe(200);
  expect(((await view.json()) as { openTasks: unknown[] }).openTasks).toHaveLength(2);
  expect(await stop(child)).toBe(0);
});

test('a bad variable stops the start with a message naming it', async () => {
  const proc = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/start.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: 'eighty', TEMPORAL_ADDRESS: 'nowhere' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => proc.once('exit', resolve));
  expect(code).toBe(1);
  expect(err).toContain('PORT:');
  expect(err).toContain('TEMPORAL_ADDRESS: must be host:port');
});
