import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrisma } from '../../src/db/client';
import { demoPassword, demoVillage, seedDemoData } from '../../src/demo/seed';
import { maskPhone } from '../../src/domain/audit';
import { maskIdNumber } from '../../src/domain/id-number';
import { freePort } from '../../src/embedded/net';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/embedded/smtp-catcher';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal-dev-server';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { newIdNumber } from '../support/ids';
import { storePolicyVersion1 } from '../support/fixtures';

/**
 * The production processes (`src/worker.ts`, `src/server.ts`) at LOG_LEVEL=debug, everything they print captured:
 * our logs, the Temporal SDK's and its core's (forwarded at debug), and anything else on stdout or stderr. A whole
 * case runs through them; the output must not hold the household's ID number, phone or name in any form.
 */

const repoRoot = path.resolve(__dirname, '../..');
let output = '';
let dataDir: string;
let temporal: TemporalDevServer;
let database: { url: string; drop(): Promise<void> };
let mail: SmtpCatcher;
let db: PrismaClient;
const processes: ChildProcess[] = [];
let api: string;

function run(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  processes.push(child);
  return child;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-logscan-'));
  [database, mail, temporal] = await Promise.all([
    createTestDatabase(),
    startSmtpCatcher({ smtpPort: 0 }),
    (async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: path.join(dataDir, 'temporal.db'), namespace: 'default' }))(),
  ]);
  db = createPrisma(database.url, 2);
  await seedDemoData(db);
  // Posting lasts a second, so the whole chain runs in the test.
  await storePolicyVersion1(db);
  const port = await freePort();
  const env = {
    APP_MODE: 'production',
    LOG_LEVEL: 'debug',
    PORT: String(port),
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '3',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `log-scan-${process.pid}`,
    SMTP_URL: mail.smtpUrl,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    PAYLOAD_KEYS: `logscan:${randomBytes(32).toString('base64')}`,
  };
  const worker = run('src/worker.ts', env);
  const server = run('src/server.ts', env);
  await eventually(() => (output.includes('"worker running"') && output.includes('"api listening"')) || worker.exitCode !== null || server.exitCode !== null, 180_000);
  if (worker.exitCode !== null || server.exitCode !== null) throw new Error(`a process exited:\n${output}`);
  api = `http://localhost:${port}`;
}, 240_000);

afterAll(async () => {
  await Promise.all(
    processes.map((p) => (p.exitCode !== null ? undefined : new Promise<void>((resolve) => (p.once('exit', () => resolve()), p.kill('SIGTERM'))))),
  );
  await db?.$disconnect();
  await Promise.all([temporal?.stop(), mail?.stop(), database?.drop()]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const tokens = new Map<string, string>();
async function call(username: string | null, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  if (username && !tokens.has(username)) {
    const res = await call(null, 'POST', '/api/auth/login', { username, password: demoPassword });
    tokens.set(username, res.body.token);
  }
  const res = await fetch(api + p, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(username && { authorization: `Bearer ${tokens.get(username)}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function taskOf(username: string, caseId: string, step: string) {
  return eventually(async () => (await call(username, 'GET', `/api/tasks?caseId=${caseId}`)).body.items.find((t: any) => t.caseId === caseId && t.step === step), 30_000);
}
async function decide(username: string, caseId: string, step: string, comment?: string) {
  const task = await taskOf(username, caseId, step);
  const res = await call(username, 'POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', comment });
  expect([step, res.status]).toEqual([step, 200]);
  return res.body;
}

/** Every spelling of a value that would still give it away: as is, JSON- and URL-escaped, base64 at each alignment, as byte lists. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = [0, 1, 2].map((offset) => Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').slice(Math.ceil((offset * 4) / 3) + 1, -4)).filter((b) => b.length >= 8);
  return [
    value,
    encodeURIComponent(value),
    [...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    ...base64,
    [...bytes].join(', '),
    [...bytes].join(','),
  ];
}

test('a whole case at debug level: nothing the processes print holds the household’s ID number, phone or name', async () => {
  const idNumber = newIdNumber();
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const surname = '覃';
  const givenName = '晓澍';
  const headName = surname + givenName;

  // A refused intake first: its body (with the ID number) must not be logged either.
  const refused = await call('village.worker', 'POST', '/api/monitoring-cases', {
    household: { headName, idNumber, phone, villageCode: demoVillage, memberCount: 0, laborCapacity: 'partial' },
    category: 'MARGINAL',
    channel: 'CADRE_VISIT',
    riskTypes: ['ILLNESS'],
    perCapitaIncome: 5600,
  });
  expect(refused.status).toBe(400);
  const created = await call('village.worker', 'POST', '/api/monitoring-cases', {
    household: { headName, idNumber, phone, villageCode: demoVillage, memberCount: 3, laborCapacity: 'partial' },
    category: 'MARGINAL',
    channel: 'CADRE_VISIT',
    riskTypes: ['ILLNESS'],
    perCapitaIncome: 5600,
    note: `户主${headName}（身份证${idNumber}，电话${phone}）因病住院`,
  });
  expect(created.status).toBe(201);
  const caseId: string = created.body.id;
  expect(created.body.household).toMatchObject({ idNumber: expect.stringContaining('********'), phone: expect.stringContaining('****') });

  await decide('village.worker', caseId, 'HOME_VISIT', `已入户核实${headName}，身份证${idNumber}`);
  // The full-number view, as a department officer doing the data matching would use it.
  expect(await call('dept.medical', 'GET', `/api/monitoring-cases/${caseId}/personal-data`)).toMatchObject({ status: 200, body: { idNumber, phone } });
  await decide('dept.medical', caseId, 'DATA_MATCHING', `医保比对：${headName} ${idNumber} 本年住院自付较高`);
  await decide('village.head', caseId, 'VILLAGE_REVIEW');
  await eventually(async () => (await call('town.reviewer', 'GET', `/api/monitoring-cases/${caseId}`)).body.stage === 'TOWN_REVIEW', 30_000);

  // A write that fails once with the ID number in its message (as a unique violation would quote it): the SDK logs
  // the activity's error, and the retry goes through.
  await db.$executeRawUnsafe('CREATE SEQUENCE log_scan_fail_once');
  await db.$executeRawUnsafe(`
    CREATE FUNCTION log_scan_fail_once() RETURNS trigger AS $$
    BEGIN
      IF NEW."caseId" = '${caseId}' AND NEW."kind" = 'TASK_DECIDED' AND nextval('log_scan_fail_once') = 1 THEN
        RAISE EXCEPTION 'Key ("idNumber")=(${idNumber}) already exists, phone ${phone}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await db.$executeRawUnsafe('CREATE TRIGGER log_scan_fail_once BEFORE INSERT ON "TimelineEvent" FOR EACH ROW EXECUTE FUNCTION log_scan_fail_once()');
  await decide('town.reviewer', caseId, 'TOWN_REVIEW');
  await db.$executeRawUnsafe('DROP TRIGGER log_scan_fail_once ON "TimelineEvent"');

  await decide('district.approver', caseId, 'DISTRICT_APPROVAL');
  expect((await decide('district.approver', caseId, 'ANNOUNCEMENT')).stage).toBe('MONITORED');

  await taskOf('village.worker', caseId, 'VISIT');
  const visited = await call('village.worker', 'POST', `/api/monitoring-cases/${caseId}/visits`, {
    perCapitaIncome: 6800,
    unresolvedSpending: false,
    guaranteesSecure: true,
    note: `${headName}电话${phone}，收入稳定`,
  });
  expect(visited.status).toBe(201);
  const planned = await call('village.worker', 'POST', `/api/monitoring-cases/${caseId}/measures`, {
    measures: [{ type: 'MINIMUM_LIVING', startDate: '2026-12-01', monthlyAmount: 500, note: `${headName}低保` }],
  });
  expect(planned.status).toBe(201);
  await decide('dept.officer', caseId, 'MEASURE_DELIVERY', `已为${headName}（${idNumber}）发放低保`);

  // Give the last activities and the SDK's debug lines a moment to be printed.
  await new Promise((r) => setTimeout(r, 2000));

  // The capture is real: debug lines of the API, the worker, the SDK and its core, with the case's ids in them.
  const lines = output.split('\n');
  expect(lines.some((l) => l.includes('"level":"debug"') && l.includes('"component":"api"') && l.includes(caseId))).toBe(true);
  expect(lines.some((l) => l.includes('"component":"temporal"') && l.includes('"level":"debug"') && l.includes(`monitoring-${created.body.household.id}`))).toBe(true);
  expect(lines.some((l) => l.includes('"component":"temporal"') && l.includes('"sdkComponent":"core"'))).toBe(true);
  // The failed write was logged by the SDK, the ID number and phone in its message masked.
  expect(output).toContain(`Key ("idNumber")=(${maskIdNumber(idNumber)}) already exists, phone ${maskPhone(phone)}`.replace(/"/g, '\\"'));

  const leaks = [
    ...[idNumber, idNumber.slice(0, 17), idNumber.slice(6), idNumber.toLowerCase()].flatMap(forms),
    ...[phone, `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`].flatMap(forms),
    ...[headName, givenName].flatMap(forms),
  ];
  const found = [...new Set(leaks.filter((form) => output.includes(form)))];
  expect(found.map((form) => ({ form, line: lines.find((l) => l.includes(form))!.slice(0, 300) }))).toEqual([]);
});
