import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { demoTown, demoUsers } from '../src/demo/seed';
import { inboxMaxPageSize } from '../src/domain/tasks/schemas';
import { intOption } from './args';
import { http, intake, now, resetClock } from './drive';
import { benchIdNumber } from './ids';
import { explainReads } from './query-plans';
import { loginUsers, measureReads, type ReadFigures, type ReadUser } from './read-latency';
import { defaultOutDir, finishRun, machineInfo } from './results';
import { seedScaleData } from './scale-seed';
import { runWithTeardown, startBenchStack, Teardown } from './stack';
import { round } from './stats';

/**
 * `npm run bench -- --scale [--smoke] [--households N] [--open-cases N] [--real-cases N] [--rounds N] [--sql FILE] [--out DIR]`
 *
 * Inbox and case-list latency at the size of a district: the stack of `npm run bench`, its read model seeded with
 * `--households` households and `--open-cases` open cases with their tasks (bench/scale-seed.ts), a few real cases
 * reported through the API beside them, then every demo user (the 7 roles) reads their inbox and the case list with
 * and without filters, over HTTP, one request at a time. The query plans of those reads (EXPLAIN ANALYZE on the
 * scratch database) go to the results file. `--sql FILE` runs that SQL on the scratch database after seeding, before
 * the reads: to try an index before writing its migration, or to measure without one. The last stdout line is the
 * summary as JSON.
 */

const goalInboxP99Ms = 50;

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--scale'),
  options: {
    smoke: { type: 'boolean', default: false },
    households: { type: 'string' },
    'open-cases': { type: 'string' },
    'real-cases': { type: 'string' },
    rounds: { type: 'string' },
    sql: { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});
const smoke = args.smoke!;
const households = intOption(args.households, smoke ? 10_000 : 100_000, 'households');
const openCases = intOption(args['open-cases'], smoke ? 2_000 : 20_000, 'open-cases');
const realCases = intOption(args['real-cases'], smoke ? 3 : 10, 'real-cases');
const rounds = Math.max(1, intOption(args.rounds, smoke ? 30 : 100, 'rounds'));
const warmupRounds = 5;
const extraSql = args.sql === undefined ? undefined : { file: args.sql, text: fs.readFileSync(args.sql, 'utf8') };
const outDir = args.out ?? defaultOutDir;

const log = (message: string) => process.stderr.write(`[bench:scale ${(now() / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
const teardown = new Teardown(log);

/** What each user reads: the inbox's first page (the default size, and the largest), and the case list unfiltered and by each filter the API has. */
const queriesOf = () => [
  { kind: 'inbox', path: '/api/tasks' },
  { kind: 'inboxLargestPage', path: `/api/tasks?pageSize=${inboxMaxPageSize}` },
  { kind: 'cases', path: '/api/monitoring-cases' },
  { kind: 'casesByStage', path: '/api/monitoring-cases?stage=TOWN_REVIEW' },
  { kind: 'casesByTown', path: `/api/monitoring-cases?townCode=${demoTown}` },
  { kind: 'casesOverdue', path: '/api/monitoring-cases?overdue=true' },
];

/** Reports `n` households of the demo village through the API, as village.worker: real workflows beside the seeded rows. */
async function reportRealCases(baseUrl: string, token: string, n: number): Promise<string[]> {
  const api = http(baseUrl, () => []);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await api.call('createCase', 'POST', '/api/monitoring-cases', token, intake(benchIdNumber(i)));
    if (res.status !== 201) throw new Error(`createCase: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    ids.push(res.body.id);
  }
  return ids;
}

/**
 * The open tasks of a real case beside seeded open tasks of the same steps: which columns each sets. The seed is
 * meant to hold what the activities write; a column set on one side only is a seed that drifted from the product.
 */
async function compareShapes(databaseUrl: string, realCaseId: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columnsSet = (rows: Record<string, unknown>[]) => rows.map((r) => ({ step: r.step, set: Object.keys(r).filter((k) => r[k] !== null).sort() }));
    const real = await client.query(`SELECT * FROM "Task" WHERE status = 'OPEN' AND "caseId" = $1 ORDER BY step`, [realCaseId]);
    const seeded = await client.query(
      `SELECT DISTINCT ON (step) * FROM "Task" WHERE status = 'OPEN' AND step = ANY($1) AND "caseId" <> $2 AND "escalationLevel" = 0 ORDER BY step, id`,
      [real.rows.map((r: { step: string }) => r.step), realCaseId],
    );
    const shapes = { real: columnsSet(real.rows), seeded: columnsSet(seeded.rows) };
    const differ = shapes.real.some((r) => JSON.stringify(r.set) !== JSON.stringify(shapes.seeded.find((s) => s.step === r.step)?.set));
    return { ...shapes, differ };
  } finally {
    await client.end();
  }
}

const worst = (figures: Record<string, Record<string, ReadFigures>>, kinds: string[], field: 'p50Ms' | 'p99Ms') =>
  Math.max(...Object.values(figures).flatMap((byKind) => kinds.map((k) => byKind[k]?.[field] ?? 0)));

async function main() {
  resetClock();
  const startedAt = new Date();
  const machine = machineInfo();
  log(`${households} households, ${openCases} open cases, ${realCases} real cases; ${rounds} rounds of reads per user and query; ${machine.nproc} CPUs, load ${machine.loadAvgAtStart.join(' ')}`);
  const stack = await startBenchStack(teardown, { label: 'bench-scale' });
  log(`stack ready (API ${stack.baseUrl}, database ${stack.database.name})`);

  const seeded = await seedScaleData(stack.database.url, households, openCases);
  log(`seeded in ${seeded.seconds} s: ${JSON.stringify(seeded)}`);
  if (extraSql) {
    const client = new Client({ connectionString: stack.database.url });
    await client.connect();
    await client.query(extraSql.text).finally(() => client.end());
    log(`ran ${extraSql.file}`);
  }
  const users: ReadUser[] = await loginUsers(stack.baseUrl, demoUsers);
  const realCaseIds = await reportRealCases(stack.baseUrl, users.find((u) => u.username === 'village.worker')!.token, realCases);
  const shapes = realCaseIds.length ? await compareShapes(stack.database.url, realCaseIds[0]) : null;
  log(`${realCaseIds.length} real cases reported through the API${shapes?.differ ? '; their task rows set other columns than the seeded ones (see realCases.taskShapes)' : ''}`);

  const measureStarted = now();
  const onRound = (done: number) => done % 10 === 0 && log(`${done}/${rounds} rounds of reads`);
  const figures = await measureReads({ baseUrl: stack.baseUrl, users, queriesOf, rounds, warmupRounds, onRound });
  const measureSec = (now() - measureStarted) / 1000;
  for (const [username, byKind] of Object.entries(figures)) {
    log(`${username.padEnd(18)} ${Object.entries(byKind).map(([k, f]) => `${k} ${f.p50Ms}/${f.p99Ms} ms (${f.items}${f.total !== null ? ` of ${f.total}` : ''})`).join(', ')}`);
  }
  const plans = await explainReads(stack.database.url);
  await teardown.stopAll();

  const caseKinds = queriesOf().map((q) => q.kind).filter((k) => k.startsWith('cases'));
  const inboxP99Ms = worst(figures, ['inbox'], 'p99Ms');
  // The same request with nothing to return (cooperation coordinators have no monitoring tasks): the floor of the machine.
  const emptyInbox = figures.coordinator?.inbox;
  const summary = {
    mode: 'scale',
    inboxP50Ms: worst(figures, ['inbox'], 'p50Ms'),
    inboxP99Ms,
    inboxGoalP99Ms: goalInboxP99Ms,
    inboxGoalMet: inboxP99Ms < goalInboxP99Ms,
    emptyInboxP50Ms: emptyInbox?.p50Ms ?? null,
    emptyInboxP99Ms: emptyInbox?.p99Ms ?? null,
    caseListP50Ms: worst(figures, caseKinds, 'p50Ms'),
    caseListP99Ms: worst(figures, caseKinds, 'p99Ms'),
    inboxP99MsByUser: Object.fromEntries(Object.entries(figures).map(([u, f]) => [u, f.inbox?.p99Ms ?? null])),
    households: seeded.households,
    openCases: seeded.openCases,
    openTasks: seeded.openTasks,
    seedSec: seeded.seconds,
    extraSql: extraSql?.file ?? null,
    rounds,
    smoke,
  };
  finishRun({
    outDir,
    startedAt,
    suffix: smoke ? '-scale-smoke' : '-scale',
    machine,
    summary,
    log,
    details: {
      definitions: {
        inboxP50Ms: 'GET /api/tasks (first page, default size 50), client-side, one request at a time: the worst median over the 7 demo users',
        inboxP99Ms: 'the same, the worst 99th percentile over the users',
        emptyInboxP99Ms: "the coordinator's inbox (no monitoring task is theirs): the same request with nothing to return, what the machine costs alone",
        caseListP99Ms: 'GET /api/monitoring-cases without and with each filter (stage, townCode, overdue): the worst 99th percentile over users and filters',
        perUser: `per demo user and query: percentiles, the items in the answer and the list's total (inbox: items + escalated, a page of each, and total + escalatedTotal; inboxLargestPage: pageSize=${inboxMaxPageSize})`,
        plans: 'EXPLAIN (ANALYZE, BUFFERS) of the inbox and case-list SQL as the API sends it, per user, after the measurement',
      },
      seeded,
      realCases: { count: realCaseIds.length, taskShapes: shapes },
      measureSec: round(measureSec, 1),
      perUser: figures,
      plans,
    },
  });
}

runWithTeardown(teardown, log, main);
