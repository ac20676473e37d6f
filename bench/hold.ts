import os from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../src/config';
import { demoJurisdictions, demoPassword } from '../src/demo/seed';
import { intOption } from './args';
import { http, intake, now, pool, resetClock, type Http } from './drive';
import { benchIdNumber } from './ids';
import { PgCpuMeter } from './postgres';
import { defaultOutDir, finishRun, machineInfo } from './results';
import { meterStackCpu } from './stack-cpu';
import { runWithTeardown, startBenchStack, Teardown, type BenchStack } from './stack';
import { latencyByKind, median, round, type Sample } from './stats';

/**
 * `npm run bench -- --hold [--smoke] [--cases N] [--concurrency C] [--hold-sec S] [--max-cached-workflows N] [--worker-heap-mb N]
 *   [--out DIR]`
 *
 * Worker memory while many cases wait. The stack of `npm run bench`; `district.approver` reports `--cases`
 * households spread over every village of the district through the API (`POST /api/monitoring-cases`, the real path:
 * workflow started, case and tasks registered in the read model), `--concurrency` at a time. Each case then waits on
 * its home visit and data matching tasks, their SLA timers (due in days) and the identification's limit. Once
 * PostgreSQL and Temporal show every case registered, the worker's resident set is sampled for `--hold-sec` seconds
 * while nothing happens. `--max-cached-workflows` sets the worker's WORKER_MAX_CACHED_WORKFLOWS (its sticky cache; default
 * the configuration's, 2310 is the SDK's own default with Node's 4 GiB heap),
 * `--worker-heap-mb` its V8 heap limit (NODE_OPTIONS=--max-old-space-size).
 * The last stdout line is the summary as JSON.
 */

const goalWorkerRssMb = 1024;

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--hold'),
  options: {
    smoke: { type: 'boolean', default: false },
    cases: { type: 'string' },
    concurrency: { type: 'string' },
    'hold-sec': { type: 'string' },
    'max-cached-workflows': { type: 'string' },
    'worker-heap-mb': { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});
const smoke = args.smoke!;
const cases = Math.max(1, intOption(args.cases, smoke ? 1_000 : 10_000, 'cases'));
const concurrency = Math.max(1, intOption(args.concurrency, 16, 'concurrency'));
const holdSec = Math.max(5, intOption(args['hold-sec'], smoke ? 20 : 60, 'hold-sec'));
const maxCachedWorkflows = args['max-cached-workflows'] === undefined ? undefined : intOption(args['max-cached-workflows'], 0, 'max-cached-workflows');
/** The sticky cache the worker runs with: the option, or the configuration's default. */
const cacheSize = maxCachedWorkflows ?? loadConfig({ APP_MODE: 'test' }).WORKER_MAX_CACHED_WORKFLOWS;
const workerHeapMb = args['worker-heap-mb'] === undefined ? undefined : intOption(args['worker-heap-mb'], 0, 'worker-heap-mb');
const outDir = args.out ?? defaultOutDir;

/** The worker's settings under test, as environment variables of its process. */
const workerEnv: Record<string, string> = {
  ...(maxCachedWorkflows !== undefined && { WORKER_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows) }),
  ...(workerHeapMb !== undefined && { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${workerHeapMb}`.trim() }),
};

const log = (message: string) => process.stderr.write(`[bench:hold ${(now() / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
const teardown = new Teardown(log);
const villages = demoJurisdictions().filter((j) => j.level === 'VILLAGE').map((j) => j.code);

/** Polls until PostgreSQL's read model and Temporal's visibility both show `n` waiting cases; returns the seconds it took. */
async function waitUntilRegistered(stack: BenchStack, temporal: Client, n: number, timeoutSec = 600): Promise<{ seconds: number; readModel: number; openTasks: number; running: number }> {
  const pg = new PgClient({ connectionString: stack.database.url });
  await pg.connect();
  const started = now();
  try {
    for (;;) {
      const { rows } = await pg.query<{ cases: string; tasks: string }>(
        `SELECT (SELECT count(*) FROM "MonitoringCase" WHERE stage = 'HOME_VISIT') AS cases, (SELECT count(*) FROM "Task" WHERE status = 'OPEN') AS tasks`,
      );
      const running = (await temporal.workflow.count(`TaskQueue = "${stack.taskQueue}" AND ExecutionStatus = "Running"`)).count;
      const state = { seconds: round((now() - started) / 1000, 1), readModel: Number(rows[0].cases), openTasks: Number(rows[0].tasks), running };
      if (state.readModel >= n && state.running >= n) return state;
      if (state.seconds > timeoutSec) throw new Error(`not every case registered after ${timeoutSec} s: ${JSON.stringify(state)}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await pg.end();
  }
}

/**
 * `cases` households reported through the API by the caller (`token`), spread over the villages, `concurrency` at a
 * time: the real path, so the read model is what the activities write. `onStarted` after each 201.
 */
async function startCases(api: Http, token: string, onStarted: () => void): Promise<{ errors: number; errorExamples: string[] }> {
  let errors = 0;
  const errorExamples: string[] = [];
  const fail = (message: string) => {
    errors++;
    if (errorExamples.length < 5) errorExamples.push(message.slice(0, 300));
  };
  await pool(cases, concurrency, undefined, async (i) => {
    const body = intake(benchIdNumber(i));
    body.household.villageCode = villages[i % villages.length];
    try {
      const res = await api.call('createCase', 'POST', '/api/monitoring-cases', token, body);
      if (res.status === 201) onStarted();
      else fail(`${res.status} ${JSON.stringify(res.body)}`);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  });
  return { errors, errorExamples };
}

async function main() {
  resetClock();
  const startedAt = new Date();
  const machine = machineInfo();
  log(`${cases} cases at concurrency ${concurrency}, hold ${holdSec} s, worker sticky cache ${cacheSize}${maxCachedWorkflows === undefined ? ' (default)' : ''}, heap limit ${workerHeapMb ?? 'Node default'}; ${machine.nproc} CPUs, load ${machine.loadAvgAtStart.join(' ')}`);
  const stack = await startBenchStack(teardown, {
    label: 'bench-hold',
    workerEnv,
    // Starting 10,000 cases outlasts the default 15-minute access token.
    apiEnv: { AUTH_TOKEN_TTL: 'PT6H' },
  });
  const workerAfterStartup = stack.worker.memory();
  log(`stack ready (API ${stack.baseUrl}, database ${stack.database.name}); worker RSS ${workerAfterStartup?.rssMb.toFixed(0)} MiB`);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  teardown.add('temporal client', () => connection.close());
  const temporal = new Client({ connection, namespace: 'default' });
  const pgMeter = await PgCpuMeter.open(stack.database.name);
  teardown.add('pg meter', () => pgMeter.close());

  const samples: Sample[] = [];
  const api = http(stack.baseUrl, () => samples);
  const login = await api.call('login', 'POST', '/api/auth/login', undefined, { username: 'district.approver', password: demoPassword });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token: string = login.body.token;

  // Sampled every second from here on: the worker's and the API's resident sets, and how many cases have started.
  let phase = 'start';
  let started = 0;
  const series: { t: number; phase: string; started: number; workerRssMb: number | null; apiRssMb: number | null }[] = [];
  const sampler = setInterval(() => {
    void pgMeter.sample().catch(() => undefined);
    const w = stack.worker.memory();
    const a = stack.api.memory();
    series.push({ t: round(now() / 1000, 1), phase, started, workerRssMb: w && round(w.rssMb, 1), apiRssMb: a && round(a.rssMb, 1) });
  }, 1000);
  teardown.add('sampler', async () => clearInterval(sampler));

  // --- starts: the real path, through the API ---
  const startCpu = await meterStackCpu(stack, pgMeter);
  const startsBegan = now();
  let lastProgress = now();
  const { errors, errorExamples } = await startCases(api, token, () => {
    started++;
    if (now() - lastProgress < 15_000) return;
    lastProgress = now();
    log(`${started} started (${(started / ((now() - startsBegan) / 1000)).toFixed(1)}/s), worker RSS ${stack.worker.memory()?.rssMb.toFixed(0)} MiB, load ${os.loadavg()[0].toFixed(1)}`);
  });
  const startsSec = (now() - startsBegan) / 1000;
  const startsCpu = await startCpu();
  const workerAfterStarts = stack.worker.memory();
  log(`${started} cases started in ${startsSec.toFixed(1)} s (${(started / startsSec).toFixed(2)}/s), ${errors} errors${errors ? ` (${errorExamples[0]})` : ''}; worker RSS ${workerAfterStarts?.rssMb.toFixed(0)} MiB`);
  if (started === 0) throw new Error(`no case started: ${errorExamples.join(' | ')}\n--- worker ---\n${stack.worker.outputTail()}\n--- api ---\n${stack.api.outputTail()}`);

  // --- every case registered, then the hold: nothing happens, the worker keeps what it keeps ---
  phase = 'register';
  const registered = await waitUntilRegistered(stack, temporal, started);
  log(`registered: ${JSON.stringify(registered)}`);
  phase = 'hold';
  const holdCpu = await meterStackCpu(stack, pgMeter);
  const holdBegan = now();
  await new Promise((r) => setTimeout(r, holdSec * 1000));
  const heldCpu = await holdCpu();
  const holdSamples = series.filter((s) => s.phase === 'hold' && s.t * 1000 >= holdBegan).map((s) => s.workerRssMb);
  const workerAtEnd = stack.worker.memory();
  const apiAtEnd = stack.api.memory();
  clearInterval(sampler);
  await teardown.stopAll();

  const createCase = latencyByKind(samples.filter((s) => s.kind === 'createCase')).all;
  const steady = median(holdSamples.slice(Math.floor(holdSamples.length / 2)));
  const peak = workerAtEnd?.peakRssMb ?? null;
  const perStart = (sec: number | null) => (sec === null || started === 0 ? null : round((sec * 1000) / started, 1));
  const summary = {
    mode: 'hold',
    waitingCases: started,
    workerPeakRssMb: peak === null ? null : round(peak, 1),
    workerSteadyRssMb: steady === null ? null : round(steady, 1),
    workerRssAfterStartupMb: workerAfterStartup ? round(workerAfterStartup.rssMb, 1) : null,
    goalWorkerRssMb,
    goalMet: peak !== null && peak < goalWorkerRssMb,
    maxCachedWorkflows: cacheSize,
    workerHeapMb: workerHeapMb ?? 'Node default',
    startsPerSec: round(started / startsSec, 2),
    createCaseP50Ms: createCase.p50Ms,
    createCaseP99Ms: createCase.p99Ms,
    temporalCpuMsPerStart: perStart(startsCpu.temporalSec),
    postgresCpuMsPerStart: perStart(startsCpu.postgresDatabaseSec),
    workerCpuMsPerStart: perStart(startsCpu.workerSec),
    apiCpuMsPerStart: perStart(startsCpu.apiSec),
    holdTemporalCpuPercent: heldCpu.temporalSec === null ? null : round((heldCpu.temporalSec / holdSec) * 100, 1),
    holdPostgresCpuPercent: heldCpu.postgresClusterSec === null ? null : round((heldCpu.postgresClusterSec / holdSec) * 100, 1),
    holdWorkerCpuPercent: heldCpu.workerSec === null ? null : round((heldCpu.workerSec / holdSec) * 100, 1),
    errors,
    concurrency,
    holdSec,
    smoke,
  };
  finishRun({
    outDir,
    startedAt,
    suffix: smoke ? '-hold-smoke' : '-hold',
    machine,
    summary,
    log,
    details: {
      definitions: {
        waitingCases: 'cases reported through POST /api/monitoring-cases (201), all registered in PostgreSQL and running in Temporal before the hold',
        workerPeakRssMb: "VmHWM of the worker process at the end of the run: its highest resident set, start-up bundling included",
        workerSteadyRssMb: 'median of the worker resident set sampled each second over the second half of the hold (nothing running, every case waiting)',
        startsPerSec: 'cases started per second over the start phase (closed loop at --concurrency)',
        cpuMsPerStart: 'CPU milliseconds per started case, per process, over the start phase (/proc); PostgreSQL: the backends of the bench database',
        holdCpuPercent: 'CPU of each process during the hold, percent of one core (PostgreSQL: the whole cluster, other users included)',
      },
      setup: { villages: villages.length, reporter: 'district.approver', workerEnv, processesReadySec: round(stack.processesReadySec, 1) },
      starts: { seconds: round(startsSec, 1), started, errors, errorExamples, createCase, cpuSec: startsCpu },
      registered,
      hold: { seconds: holdSec, cpuSec: heldCpu, workerRssSamplesMb: holdSamples },
      memory: {
        worker: { afterStartup: workerAfterStartup, afterStarts: workerAfterStarts, atEnd: workerAtEnd },
        api: { atEnd: apiAtEnd },
      },
      series,
    },
  });
  if (errors > 0) process.exitCode = 1;
}

runWithTeardown(teardown, log, main);
