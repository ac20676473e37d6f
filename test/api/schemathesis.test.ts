import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../support/stack';

/**
 * schemathesis (installed by scripts/setup.sh into .tools/schemathesis) generates requests from the OpenAPI document,
 * valid and invalid, and checks every answer: no 5xx, every status, content type and body as documented, invalid
 * data refused, missing auth refused, undocumented methods answered 405. Logged in as demo users, against the real
 * stack, with a bounded number of examples per operation.
 */

const toolDir = path.resolve(__dirname, '../../.tools/schemathesis');
// Fixed so a failure reproduces; SCHEMATHESIS_SEED=<n> explores others (the report prints the seed it used).
const seed = process.env.SCHEMATHESIS_SEED ?? '20261129';

let stack: Stack;
let workDir: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  if (!fs.existsSync(path.join(toolDir, 'schemathesis'))) throw new Error(`schemathesis is not installed in ${toolDir}: run npm run setup`);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-schemathesis-'));
  stack = await startStack();
});
afterAll(async () => {
  // A run cut short by the test's timeout must not outlive it.
  for (const child of running) child.kill('SIGKILL');
  await stack?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function schemathesis(username: string, token: string, options: string[]): Promise<{ exitCode: number | null; report: string }> {
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    `${stack.url}/api/openapi.json`,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    // Schema-valid data may still break a domain rule JSON Schema cannot say (an ID number's check digit, 特困 at
    // least 1.3 × 低保, from before to): the API refuses it with a documented 400, which this check would count.
    '--exclude-checks',
    'positive_data_acceptance',
    // Logging out would end the session every other request uses (test/api/auth.test.ts covers it).
    '--exclude-path',
    '/api/auth/logout',
    '--seed',
    seed,
    '--request-timeout',
    '30',
    '--suppress-health-check',
    'all',
    '--generation-database',
    'none',
    '--no-color',
    ...options,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { cwd: workDir, env: { ...process.env, PYTHONPATH: toolDir, PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let report = '';
    child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      running.delete(child);
      resolve({ exitCode, report: `schemathesis as ${username}:\n${report}` });
    });
  });
}

async function expectNoFailures(run: Promise<{ exitCode: number | null; report: string }>) {
  const { exitCode, report } = await run;
  // The whole report is the failure message: what was sent, what came back, and how to replay it.
  if (exitCode !== 0) throw new Error(report);
  const tested = /Tested:\s+(\d+)/.exec(report);
  expect({ tested: Number(tested?.[1] ?? 0) > 0 }).toEqual({ tested: true });
}

test('schemathesis finds no server error and no answer that breaks the document, for the district and a village', async () => {
  const [district, village, department, admin] = await Promise.all(['district.approver', 'village.worker', 'dept.officer', 'admin'].map((u) => stack.login(u)));
  // Examples, coverage (boundaries, each invalid value, missing fields, undocumented methods) and fuzzing, for each
  // operation once, split by who works with it and run side by side. Stateful sequences are left out: without real
  // ids to follow they add only 404s here (the other API tests walk the real sequences).
  // One worker each: with several threads, CPython 3.11's ast.parse (which Hypothesis calls to describe its filters)
  // can fail with "AST constructor recursion depth mismatch", an error of the tool, not of the API.
  const phases = ['--phases', 'examples,coverage,fuzzing'];
  await Promise.all([
    // The district's routes: policy, audit, reports, the codec, and the public ones (login, refresh, health, document).
    expectNoFailures(schemathesis('district.approver', district, [...phases, '--max-examples', '4', '--workers', '1', '--exclude-path-regex', '^/api/(monitoring-cases|tasks|imports|users)'])),
    // A village caseworker's: reporting households, their cases, the inbox and its tasks.
    expectNoFailures(schemathesis('village.worker', village, [...phases, '--max-examples', '4', '--workers', '1', '--include-path-regex', '^/api/(monitoring-cases|tasks)'])),
    // Staff accounts, as the admin who manages them.
    expectNoFailures(schemathesis('admin', admin, [...phases, '--max-examples', '3', '--workers', '1', '--include-path-regex', '^/api/users'])),
    // The one multipart route, with generated files, as a department officer, who may upload.
    expectNoFailures(schemathesis('dept.officer', department, [...phases, '--max-examples', '6', '--workers', '1', '--include-path', '/api/imports/department-alerts'])),
  ]);
  // About a minute on an idle 2-core machine, most of it schemathesis generating; the limit leaves room for a busy one.
}, 300_000);
