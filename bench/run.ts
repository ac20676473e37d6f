import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createPrisma } from '../src/db/client';
import { seedDemoData } from '../src/demo/seed';
import { defaultPolicySettings } from '../src/domain/policy';
import { freePort } from '../src/embedded/net';
import { startSmtpCatcher, type SmtpCatcher } from '../src/embedded/smtp-catcher';
import { startTemporalDevServer, type TemporalDevServer } from '../src/embedded/temporal-dev-server';
import { renderChart } from './chart';
import { productionEnv, repoRoot, spawnTs } from './child';
import { driveCeiling, driveOpenLoop, driveProduct, loginAll, now, resetClock, type DriveResult, type OpenLoopResult } from './drive';
import { createBenchDatabase, PgCpuMeter, type PgCpu } from './postgres';
import { findPid, machineCpuSec, treeCpuSec } from './proc';
import { machineInfo, runIdOf } from './results';
import { buckets, latencyByKind, median, round, type Bucket, type Percentiles, type Sample } from './stats';
import { intOption } from './args';

/**
 * `npm run bench [-- --smoke] [--cases N] [--ceiling-cases N] [--ceiling-steps N] [--concurrency C] [--reps R]
 *   [--warmup N] [--phase-budget S] [--rate R] [--duration S] [--out DIR]` (bench/README.md says what each measures).
 *
 * Brings up the real stack (Temporal dev server, a fresh PostgreSQL database, the worker and the API as child
 * processes), drives monitoring cases end to end over HTTP, then the bare-Temporal ceiling on the same server at the
 * same concurrency, alternating product and ceiling phases (closed loop). The smoke then runs the open loop, cases
 * arriving at half the peak case rate just measured, for the API's latency below saturation; `--rate R` alone runs
 * only the open loop, at R cases per second. Progress goes to stderr; the last stdout line is the summary as JSON.
 * The full results and a chart go to bench/results/.
 */

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    cases: { type: 'string' },
    'ceiling-cases': { type: 'string' },
    'ceiling-steps': { type: 'string' },
    concurrency: { type: 'string' },
    reps: { type: 'string' },
    warmup: { type: 'string' },
    'phase-budget': { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});

const int = (value: string | undefined, fallback: number, name: string) => intOption(value, fallback, name, 1);
const smoke = args.smoke!;
const concurrency = int(args.concurrency, 8, 'concurrency');
const cases = int(args.cases, smoke ? 200 : 120, 'cases');
// The ceiling runs several times faster: more cases keep its phase about as long as the product's.
const ceilingCases = int(args['ceiling-cases'], cases * 3, 'ceiling-cases');
const reps = int(args.reps, smoke ? 2 : 3, 'reps');
const warmup = int(args.warmup, concurrency, 'warmup');
/**
 * Seconds after which a phase starts no new case (those running finish): the smoke is time-boxed (20 s phases)
 * so it stays under 3 minutes on a slow, shared machine; a full run does all its cases unless told.
 */
const phaseBudgetSec = args['phase-budget'] !== undefined ? int(args['phase-budget'], 0, 'phase-budget') : smoke ? 20 : undefined;
const warmupBudgetSec = smoke ? 10 : 30;
/** Seconds the smoke's bench process aims to finish within (npm and tsx add a few): phases shrink below 20 s when start-up was slow. */
const smokeTargetSec = 160;
/** Updates per ceiling case; by default the product's human tasks per case, as counted in its warmup. */
const ceilingStepsArg = args['ceiling-steps'] === undefined ? undefined : int(args['ceiling-steps'], 0, 'ceiling-steps');
/** Open loop: cases per second (`--rate`; the smoke's default is half the peak it measured), for `--duration` seconds of arrivals. */
const openLoopRateArg = args.rate === undefined ? undefined : Number(args.rate);
if (openLoopRateArg !== undefined && !(openLoopRateArg > 0 && openLoopRateArg <= 1000)) throw new Error(`--rate must be a number of cases per second above 0, got ${args.rate}`);
const openLoopDurationSec = int(args.duration, smoke ? 20 : 60, 'duration');
/** `--rate` without `--smoke`: the open loop alone (after the product's warmup), no closed-loop or ceiling phases. */
const openLoopOnly = openLoopRateArg !== undefined && !smoke;
const runsOpenLoop = smoke || openLoopRateArg !== undefined;
const outDir = path.resolve(args.out ?? path.join(repoRoot, 'bench', 'results'));

/**
 * Request kinds left out of the overall API latency: the driver's own polling while the workflow's timer runs, and
 * logins (argon2 on purpose; the closed loop logs in before its phases, the open loop once per arriving case).
 */
const notInAll = ['casePoll', 'login'];

const log = (message: string) => process.stderr.write(`[bench ${(now() / 1000).toFixed(1).padStart(6)}s] ${message}\n`);

interface PhaseCpu {
  temporalSec: number | null;
  postgres: PgCpu;
  workerSec: number | null;
  apiSec: number | null;
  ceilingWorkerSec: number | null;
  benchDriverSec: number;
  /** The whole machine over the phase: CPU seconds busy (anyone's) out of those available (wall time x CPUs). */
  machineBusySec: number;
  machineAvailableSec: number;
  /** Busy CPU seconds not accounted for by the processes above: other users of this shared machine, mostly. */
  othersSec: number | null;
  loadAvg1AtEnd: number;
}

interface PhaseResult {
  name: string;
  /** `open`: the product in the open loop (cases arriving at a fixed rate). */
  kind: 'product' | 'ceiling' | 'open';
  rep: number | null;
  startSec: number;
  durationSec: number;
  /** Cases the phase would run without a time budget. */
  casesPlanned: number;
  /** Seconds after which it started no new case (null: none). */
  budgetSec: number | null;
  casesStarted: number;
  casesCompleted: number;
  tasksCompleted: number;
  tasksPerSec: number;
  casesStartedPerSec: number;
  /** Per request kind; `all` is every API request but casePoll (the driver's re-reads while a timer runs). */
  latency: Record<string, Percentiles>;
  tasksPerStep: Record<string, number>;
  caseLatency: Percentiles;
  inboxRetries: number;
  errors: number;
  errorExamples: string[];
  cpu: PhaseCpu;
  /** CPU milliseconds per completed task, per process. */
  cpuMsPerTask: Record<string, number | null>;
  /** The worker's resident set when the phase ended: it grows with the workflows the worker keeps cached. */
  workerRssMbAtEnd: number | null;
  /** Open loop only: the arrival rate (cases/s) and window, arrivals, those dropped for too many in flight, the driver's start lag. */
  openLoop?: { rate: number; durationSec: number; arrivals: number; arrivalsDropped: number; maxInFlight: number; startLagP99Ms: number | null };
}

const parts: { name: string; stop: () => Promise<unknown> }[] = [];

async function main() {
  resetClock();
  const startedAt = new Date();
  const runId = runIdOf(startedAt, smoke ? '-smoke' : openLoopOnly ? '-open' : '');
  const machine = machineInfo();
  log(
    openLoopOnly
      ? `open loop: ${openLoopRateArg} cases/s for ${openLoopDurationSec} s after a warmup of ${warmup}; ${machine.nproc} CPUs, load ${machine.loadAvgAtStart.join(' ')}`
      : `${smoke ? 'smoke' : 'full'} run: ${cases} cases (ceiling ${ceilingCases}) x ${reps} reps at concurrency ${concurrency}, warmup ${warmup}` +
          `${phaseBudgetSec ? `, phases stop starting cases after ${phaseBudgetSec} s` : ''}${runsOpenLoop ? `, then the open loop for ${openLoopDurationSec} s` : ''}; ${machine.nproc} CPUs, load ${machine.loadAvgAtStart.join(' ')}`,
  );

  // --- the stack ---
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-bench-'));
  parts.push({ name: 'temp dir', stop: async () => fs.rmSync(tmp, { recursive: true, force: true }) });
  const temporalDbFile = path.join(tmp, 'temporal.db');
  const [database, mail, temporal] = await Promise.all([
    createBenchDatabase().then((d) => {
      parts.push({ name: 'database', stop: d.drop });
      return d;
    }),
    startSmtpCatcher({ smtpPort: 0 }).then((m: SmtpCatcher) => {
      parts.push({ name: 'smtp', stop: m.stop });
      return m;
    }),
    (async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: temporalDbFile, namespace: 'default' }))().then(
      (t: TemporalDevServer) => {
        parts.push({ name: 'temporal', stop: t.stop });
        return t;
      },
    ),
  ]);
  const temporalPid = findPid('start-dev', temporalDbFile);
  log(`Temporal dev server on ${temporal.address} (pid ${temporalPid}), database ${database.name}`);
  const seedDb = createPrisma(database.url, 2);
  await seedDemoData(seedDb);
  await seedDb.$disconnect();

  const apiPort = await freePort();
  const taskQueue = `bench-${randomBytes(3).toString('hex')}`;
  const ceilingTaskQueue = `${taskQueue}-ceiling`;
  const productEnv = productionEnv({ databaseUrl: database.url, temporalAddress: temporal.address, taskQueue, smtpUrl: mail.smtpUrl, apiPort, logLevel: 'info' });
  const spawnStarted = now();
  const worker = spawnTs('worker', 'src/worker.ts', productEnv, /"worker running"/);
  parts.push({ name: 'worker', stop: () => worker.stop() });
  const api = spawnTs('api', 'src/server.ts', productEnv, /"api listening"/);
  parts.push({ name: 'api', stop: () => api.stop() });
  const ceilingWorker = spawnTs('ceiling worker', 'bench/ceiling-worker.ts', { TEMPORAL_ADDRESS: temporal.address, CEILING_TASK_QUEUE: ceilingTaskQueue }, /ceiling worker running/);
  parts.push({ name: 'ceiling worker', stop: () => ceilingWorker.stop() });
  await Promise.all([worker.ready, api.ready, ceilingWorker.ready]);
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const health = await fetch(`${baseUrl}/api/health`);
  if (health.status !== 200) throw new Error(`API health: ${health.status} ${await health.text()}`);
  const processesReadySec = (now() - spawnStarted) / 1000;
  const stackReadySec = now() / 1000;
  const workerMemoryAfterStart = worker.memory();
  log(`worker (pid ${worker.pid}), API (pid ${api.pid}, ${baseUrl}) and ceiling worker (pid ${ceilingWorker.pid}) ready in ${processesReadySec.toFixed(1)} s; worker RSS ${workerMemoryAfterStart?.rssMb.toFixed(0)} MiB, peak so far ${workerMemoryAfterStart?.peakRssMb.toFixed(0)} MiB`);

  const connection = await Connection.connect({ address: temporal.address });
  parts.push({ name: 'temporal client', stop: () => connection.close() });
  const temporalClient = new Client({ connection, namespace: 'default' });
  const login = await loginAll(baseUrl);
  const { tokens } = login;
  // Calendar waits are not load: a policy version whose 公示 posting lasts 1 s, the least the policy bounds allow (due times stay days, so no reminders).
  const policy = { ...defaultPolicySettings, ...('postingPeriod' in defaultPolicySettings && { postingPeriod: 'PT1S' }) };
  const put = await fetch(`${baseUrl}/api/policy`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens['district.approver']}` },
    body: JSON.stringify({ settings: policy }),
  });
  if (put.status !== 201) throw new Error(`PUT /api/policy: ${put.status} ${await put.text()}`);

  const pg = await PgCpuMeter.open(database.name);
  parts.push({ name: 'pg meter', stop: () => pg.close() });
  if (!pg.local) log('PostgreSQL is not on this machine (or /proc hides it): no PostgreSQL CPU figures');

  // Sampled through the run: PostgreSQL backends (they may come and go) and the worker's resident set.
  let workerRssMaxDuringLoadMb = 0;
  let apiRssMaxDuringLoadMb = 0;
  let measuring = false;
  const sampler = setInterval(() => {
    void pg.sample().catch(() => undefined);
    if (!measuring) return;
    workerRssMaxDuringLoadMb = Math.max(workerRssMaxDuringLoadMb, worker.memory()?.rssMb ?? 0);
    apiRssMaxDuringLoadMb = Math.max(apiRssMaxDuringLoadMb, api.memory()?.rssMb ?? 0);
  }, 500);
  parts.push({ name: 'sampler', stop: async () => clearInterval(sampler) });

  let nextId = 0;
  let ceilingRound = 0;
  let ceilingSteps = ceilingStepsArg ?? 4;
  const runPhase = async (
    name: string,
    kind: 'product' | 'ceiling' | 'open',
    n: number,
    rep: number | null,
    budgetSec: number | undefined,
    rate = 0,
  ): Promise<{ phase: PhaseResult; samples: Sample[]; startMs: number; endMs: number }> => {
    await pg.begin();
    const before = {
      temporal: temporalPid ? treeCpuSec(temporalPid) : null,
      worker: worker.cpuSec(),
      api: api.cpuSec(),
      ceilingWorker: ceilingWorker.cpuSec(),
      bench: process.cpuUsage(),
      machine: machineCpuSec(),
    };
    const startMs = now();
    const deadlineMs = budgetSec === undefined ? undefined : startMs + budgetSec * 1000;
    let result: DriveResult;
    let open: OpenLoopResult | undefined;
    if (kind === 'open') {
      result = open = await driveOpenLoop({ baseUrl, tokens, rate, durationSec: n, firstId: nextId });
      nextId += open.arrivals;
    } else if (kind === 'product') {
      result = await driveProduct({ baseUrl, tokens, cases: n, concurrency, firstId: nextId, deadlineMs });
      nextId += n;
    } else {
      result = await driveCeiling({ client: temporalClient, taskQueue: ceilingTaskQueue, cases: n, concurrency, steps: ceilingSteps, prefix: `ceiling-${ceilingRound++}`, deadlineMs });
    }
    const endMs = now();
    const diff = (a: number | null, b: number | null) => (a !== null && b !== null ? round(a - b, 2) : null);
    const benchCpu = process.cpuUsage(before.bench);
    const machineNow = machineCpuSec();
    const cpu: PhaseCpu = {
      temporalSec: diff(temporalPid ? treeCpuSec(temporalPid) : null, before.temporal),
      postgres: await pg.end(),
      workerSec: diff(worker.cpuSec(), before.worker),
      apiSec: diff(api.cpuSec(), before.api),
      ceilingWorkerSec: diff(ceilingWorker.cpuSec(), before.ceilingWorker),
      benchDriverSec: round((benchCpu.user + benchCpu.system) / 1e6, 2),
      machineBusySec: round(machineNow.busySec - before.machine.busySec, 2),
      machineAvailableSec: round(machineNow.totalSec - before.machine.totalSec, 2),
      othersSec: null,
      loadAvg1AtEnd: round(os.loadavg()[0], 2),
    };
    const ours = [cpu.temporalSec, cpu.workerSec, cpu.apiSec, cpu.ceilingWorkerSec, cpu.benchDriverSec, cpu.postgres.databaseBackendsCpuSec];
    if (ours.every((x) => x !== null)) cpu.othersSec = round(cpu.machineBusySec - ours.reduce((a, b) => a! + b!, 0)!, 2);
    cpu.postgres = {
      ...cpu.postgres,
      databaseBackendsCpuSec: cpu.postgres.databaseBackendsCpuSec === null ? null : round(cpu.postgres.databaseBackendsCpuSec, 2),
      clusterCpuSec: cpu.postgres.clusterCpuSec === null ? null : round(cpu.postgres.clusterCpuSec, 2),
    };
    const durationSec = (endMs - startMs) / 1000;
    const perTask = (sec: number | null) => (sec === null || result.tasksCompleted === 0 ? null : round((sec * 1000) / result.tasksCompleted, 2));
    const phase: PhaseResult = {
      name,
      kind,
      rep,
      startSec: round(startMs / 1000, 2),
      durationSec: round(durationSec, 2),
      casesPlanned: open ? open.arrivals : n,
      budgetSec: budgetSec ?? null,
      casesStarted: result.casesStarted,
      casesCompleted: result.casesCompleted,
      tasksCompleted: result.tasksCompleted,
      tasksPerSec: round(result.tasksCompleted / durationSec, 2),
      casesStartedPerSec: round(result.casesStarted / durationSec, 2),
      latency: latencyByKind(result.samples, notInAll),
      tasksPerStep: result.tasksPerStep,
      caseLatency: latencyByKind(result.caseDurations.map((d) => ({ kind: 'case', start: 0, end: d, ok: true }))).all,
      inboxRetries: result.inboxRetries,
      errors: result.errors,
      errorExamples: result.errorExamples,
      cpu,
      cpuMsPerTask: {
        temporal: perTask(cpu.temporalSec),
        postgresDatabase: perTask(cpu.postgres.databaseBackendsCpuSec),
        postgresCluster: perTask(cpu.postgres.clusterCpuSec),
        ...(kind === 'ceiling' ? { ceilingWorker: perTask(cpu.ceilingWorkerSec) } : { worker: perTask(cpu.workerSec), api: perTask(cpu.apiSec) }),
        benchDriver: perTask(cpu.benchDriverSec),
      },
      workerRssMbAtEnd: ((m) => (m ? round(m.rssMb, 1) : null))(worker.memory()),
      ...(open && {
        openLoop: { rate: round(rate, 3), durationSec: n, arrivals: open.arrivals, arrivalsDropped: open.arrivalsDropped, maxInFlight: open.maxInFlight, startLagP99Ms: open.startLagP99Ms },
      }),
    };
    const all = phase.latency.all;
    log(
      `${name}${budgetSec ? ` (${budgetSec} s budget)` : ''}: ${phase.tasksCompleted} tasks in ${phase.durationSec} s = ${phase.tasksPerSec}/s, ${phase.casesStartedPerSec} cases/s, p50 ${all.p50Ms} ms p99 ${all.p99Ms} ms` +
        `${phase.errors ? `, ${phase.errors} ERRORS (${phase.errorExamples[0]})` : ''}; CPU s: temporal ${cpu.temporalSec}, pg ${cpu.postgres.databaseBackendsCpuSec}/${cpu.postgres.clusterCpuSec}, ` +
        `${kind === 'ceiling' ? `ceiling worker ${cpu.ceilingWorkerSec}` : `worker ${cpu.workerSec}, api ${cpu.apiSec}`}, driver ${cpu.benchDriverSec}; ` +
        `machine busy ${cpu.machineBusySec}/${cpu.machineAvailableSec} (others ${cpu.othersSec}), load ${cpu.loadAvg1AtEnd}`,
    );
    return { phase, samples: result.samples, startMs, endMs };
  };

  // --- warmup (not counted): JIT, connection pools, workflow caches ---
  const warmupProduct = await runPhase('warmup product', 'product', warmup, null, warmupBudgetSec);
  if (warmupProduct.phase.casesCompleted === 0) throw new Error(`no case got through in the warmup: ${warmupProduct.phase.errorExamples.join(' | ')}\n--- worker ---\n${worker.outputTail()}\n--- api ---\n${api.outputTail()}`);
  ceilingSteps = ceilingStepsArg ?? Math.round(warmupProduct.phase.tasksCompleted / warmupProduct.phase.casesCompleted);
  log(`ceiling: ${ceilingSteps} Updates per case (the product's human tasks per case${ceilingStepsArg ? ', from --ceiling-steps' : ''})`);
  const warmups = [warmupProduct, ...(openLoopOnly ? [] : [await runPhase('warmup ceiling', 'ceiling', warmup, null, warmupBudgetSec)])];
  // After its budget a phase still lets its running cases finish: about one case's duration (p95 of the warmup's).
  const drainSec = {
    product: (warmups[0].phase.caseLatency.p95Ms ?? 0) / 1000,
    ceiling: (warmups[1]?.phase.caseLatency.p95Ms ?? 0) / 1000,
  };
  const budgetOf = (kind: 'product' | 'ceiling', left: { product: number; ceiling: number }): number | undefined => {
    if (phaseBudgetSec === undefined || !smoke || args['phase-budget'] !== undefined) return phaseBudgetSec;
    const phasesLeft = left.product + left.ceiling;
    const spare = smokeTargetSec - now() / 1000 - 5 - left.product * drainSec.product - left.ceiling * drainSec.ceiling;
    return round(Math.max(5, Math.min(phaseBudgetSec, spare / phasesLeft)), 1);
  };
  const left = { product: reps, ceiling: reps };

  // --- measured phases, alternating which goes first so drift on a shared machine hits both alike ---
  measuring = true;
  const measured: Awaited<ReturnType<typeof runPhase>>[] = [];
  for (let rep = 1; rep <= (openLoopOnly ? 0 : reps); rep++) {
    const order: ('product' | 'ceiling')[] = rep % 2 === 1 ? ['product', 'ceiling'] : ['ceiling', 'product'];
    for (const kind of order) {
      measured.push(await runPhase(`rep ${rep} ${kind}`, kind, kind === 'product' ? cases : ceilingCases, rep, budgetOf(kind, left)));
      left[kind]--;
    }
  }

  // --- open loop: cases arriving at a fixed rate, by default half the closed loop's peak case rate ---
  const closedProduct = measured.filter((m) => m.phase.kind === 'product').map((m) => m.phase);
  const closedTasksPerCase = closedProduct.reduce((a, p) => a + p.tasksCompleted, 0) / Math.max(1, closedProduct.reduce((a, p) => a + p.casesCompleted, 0));
  const peakCasesPerSec = closedProduct.length ? (median(closedProduct.map((p) => p.tasksPerSec)) ?? 0) / closedTasksPerCase : null;
  let openPhase: Awaited<ReturnType<typeof runPhase>> | null = null;
  if (runsOpenLoop) {
    const rate = openLoopRateArg ?? Math.max(0.05, (peakCasesPerSec ?? 0) / 2);
    openPhase = await runPhase(`open loop ${round(rate, 2)}/s`, 'open', openLoopDurationSec, null, undefined, rate);
    measured.push(openPhase);
  }
  measuring = false;

  // Monitored cases may stay open (follow-up): each running workflow can sit in the worker's cache.
  const countRunning = async (queue: string) => {
    try {
      return (await temporalClient.workflow.count(`TaskQueue = "${queue}" AND ExecutionStatus = "Running"`)).count;
    } catch {
      return null;
    }
  };
  const runningWorkflowsAtEnd = { product: await countRunning(taskQueue), ceiling: await countRunning(ceilingTaskQueue) };
  const workerMemory = worker.memory();
  const apiMemory = api.memory();
  const ceilingWorkerMemory = ceilingWorker.memory();
  const loadAvgAtEnd = os.loadavg().map((x) => round(x, 2));

  // --- tear down (reverse order); stop the children first so their exits are clean ---
  log('stopping');
  const teardownStart = now();
  await stopAll();
  const teardownSec = (now() - teardownStart) / 1000;

  // --- results ---
  const product = closedProduct;
  const ceiling = measured.filter((m) => m.phase.kind === 'ceiling').map((m) => m.phase);
  const ratios = Array.from({ length: reps }, (_, i) => {
    const p = product[i]?.tasksPerSec;
    const c = ceiling[i]?.tasksPerSec;
    return p && c ? p / c : null;
  });
  const productSamples = measured.filter((m) => m.phase.kind === 'product').flatMap((m) => m.samples);
  const errors = [...warmups, ...measured].reduce((sum, m) => sum + m.phase.errors, 0);
  const open = openPhase?.phase;
  /** p50 and p99 per request kind of the open loop (login, createCase, inbox, complete, caseView; all = every kind but casePoll and login). */
  const openLatency = open && Object.fromEntries(Object.entries(open.latency).map(([kind, l]) => [kind, { count: l.count, p50Ms: l.p50Ms, p99Ms: l.p99Ms }]));
  const perUpdate = (phases: PhaseResult[], key: string) => pick(phases, (p) => p.cpuMsPerTask[key]);
  const times = (a: number | null, b: number | null) => (a !== null && b ? round(a / b, 2) : null);
  const pick = (phases: PhaseResult[], f: (p: PhaseResult) => number | null | undefined) => {
    const v = median(phases.map(f));
    return v === null ? null : round(v, 2);
  };
  const summary = {
    tasksPerSec: pick(product, (p) => p.tasksPerSec),
    ceilingTasksPerSec: pick(ceiling, (p) => p.tasksPerSec),
    ratio: (() => {
      const v = median(ratios);
      return v === null ? null : round(v, 3);
    })(),
    /** The open loop at half the peak (or --rate): API latency below saturation, the issue's p99 < 100 ms goal. */
    apiP50MsAtHalfRate: open?.latency.all.p50Ms ?? null,
    apiP99MsAtHalfRate: open?.latency.all.p99Ms ?? null,
    openLoopRate: open?.openLoop?.rate ?? null,
    peakCasesPerSec: peakCasesPerSec === null ? null : round(peakCasesPerSec, 3),
    openLoopLatency: openLatency ?? null,
    openLoopTasksPerSec: open?.tasksPerSec ?? null,
    openLoopArrivalsDropped: open?.openLoop?.arrivalsDropped ?? null,
    workerCpuMsPerTaskAtHalfRate: open?.cpuMsPerTask.worker ?? null,
    temporalCpuMsPerTaskAtHalfRate: open?.cpuMsPerTask.temporal ?? null,
    /** The ceiling's CPU per Update, and the product's per task as a multiple of it (goal: within 1.5x). */
    ceilingTemporalCpuMsPerUpdate: perUpdate(ceiling, 'temporal'),
    ceilingWorkerCpuMsPerUpdate: perUpdate(ceiling, 'ceilingWorker'),
    temporalCpuVsCeiling: times(perUpdate(product, 'temporal'), perUpdate(ceiling, 'temporal')),
    workerCpuVsCeiling: times(perUpdate(product, 'worker'), perUpdate(ceiling, 'ceilingWorker')),
    apiP50Ms: pick(product, (p) => p.latency.all.p50Ms),
    apiP95Ms: pick(product, (p) => p.latency.all.p95Ms),
    apiP99Ms: pick(product, (p) => p.latency.all.p99Ms),
    workerPeakRssMb: workerMemory ? round(workerMemory.peakRssMb, 1) : null,
    workerRssAfterStartupMb: workerMemoryAfterStart ? round(workerMemoryAfterStart.rssMb, 1) : null,
    casesStartedPerSec: pick(product, (p) => p.casesStartedPerSec),
    ceilingCasesStartedPerSec: pick(ceiling, (p) => p.casesStartedPerSec),
    ceilingUpdateP50Ms: pick(ceiling, (p) => p.latency.update?.p50Ms),
    ceilingUpdateP99Ms: pick(ceiling, (p) => p.latency.update?.p99Ms),
    completeP50Ms: pick(product, (p) => p.latency.complete?.p50Ms),
    completeP99Ms: pick(product, (p) => p.latency.complete?.p99Ms),
    createCaseP50Ms: pick(product, (p) => p.latency.createCase?.p50Ms),
    inboxP50Ms: pick(product, (p) => p.latency.inbox?.p50Ms),
    temporalCpuMsPerTask: pick(product, (p) => p.cpuMsPerTask.temporal),
    ceilingTemporalCpuMsPerTask: pick(ceiling, (p) => p.cpuMsPerTask.temporal),
    postgresCpuMsPerTask: pick(product, (p) => p.cpuMsPerTask.postgresDatabase),
    workerCpuMsPerTask: pick(product, (p) => p.cpuMsPerTask.worker),
    apiCpuMsPerTask: pick(product, (p) => p.cpuMsPerTask.api),
    errors,
    productCasesCompleted: product.reduce((a, p) => a + p.casesCompleted, 0),
    ceilingCasesCompleted: ceiling.reduce((a, p) => a + p.casesCompleted, 0),
    smoke,
    cases,
    ceilingCases,
    concurrency,
    reps: openLoopOnly ? 0 : reps,
    openLoopDurationSec: runsOpenLoop ? openLoopDurationSec : null,
    phaseBudgetSec: phaseBudgetSec ?? null,
    ceilingSteps: 0,
    tasksPerCase: 0,
    totalSec: 0,
    date: startedAt.toISOString(),
    nproc: machine.nproc,
    resultFile: '',
    chartFile: '',
  };

  const series: Bucket[] = measured.flatMap((m) =>
    buckets(m.phase.name, m.startMs, m.endMs, m.samples.filter((s) => !notInAll.includes(s.kind)), (s) => (m.phase.kind === 'ceiling' ? s.kind === 'update' : s.kind === 'complete')),
  );
  fs.mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, `${runId}.json`);
  const svgFile = path.join(outDir, `${runId}.svg`);
  summary.resultFile = path.relative(repoRoot, jsonFile);
  summary.chartFile = path.relative(repoRoot, svgFile);
  summary.totalSec = round(process.uptime(), 1);
  summary.ceilingSteps = ceilingSteps;
  summary.tasksPerCase = round(product.reduce((a, p) => a + p.tasksCompleted, 0) / Math.max(1, product.reduce((a, p) => a + p.casesCompleted, 0)), 2);
  const results = {
    summary,
    definitions: {
      tasksPerSec: 'human tasks completed (POST /api/tasks/:id/complete answered 200 with the expected stage) per second of a product phase; median over reps',
      ceilingTasksPerSec: 'Updates completed per second on the bare ceiling workflow (ceilingSteps per case, each awaiting a no-op activity); median over reps',
      ratio: 'tasksPerSec / ceilingTasksPerSec of the same rep (adjacent phases); median over reps',
      apiLatency: 'every API request of the product phases (createCase, inbox, complete, caseView; not casePoll), client-side wall time; per-phase percentiles, median over reps',
      policy: 'a policy version stored through PUT /api/policy before the load: the defaults with a 1 ms posting period (公示), so no case waits on the calendar',
      workerPeakRssMb: 'VmHWM of the worker process at the end of the run (includes startup, where the worker bundles its workflows)',
      casesStartedPerSec: 'POST /api/monitoring-cases answered 201, per second of a product phase (closed loop: about tasksPerSec / tasksPerCase)',
      openLoop: 'cases arriving at openLoopRate per second for openLoopDurationSec (by default half of peakCasesPerSec, the closed loop median tasksPerSec / tasksPerCase), each starting with a login by one demo user in turn and driven as in the closed loop; the phase ends when the last case is done. apiP99MsAtHalfRate is over every request but logins and casePoll',
      cpu: 'CPU seconds from /proc/<pid>/stat over each phase; PostgreSQL both as the sampled backends of the benchmark database and as the whole cluster',
    },
    machine: { ...machine, loadAvgAtEnd },
    timing: { stackReadySec: round(stackReadySec, 1), processesReadySec: round(processesReadySec, 1), teardownSec: round(teardownSec, 1), totalSec: summary.totalSec },
    memory: {
      worker: { peakRssMb: workerMemory && round(workerMemory.peakRssMb, 1), rssAtEndMb: workerMemory && round(workerMemory.rssMb, 1), peakRssAfterStartupMb: workerMemoryAfterStart && round(workerMemoryAfterStart.peakRssMb, 1), rssAfterStartupMb: workerMemoryAfterStart && round(workerMemoryAfterStart.rssMb, 1), maxSampledRssDuringLoadMb: round(workerRssMaxDuringLoadMb, 1) },
      api: { peakRssMb: apiMemory && round(apiMemory.peakRssMb, 1), maxSampledRssDuringLoadMb: round(apiRssMaxDuringLoadMb, 1) },
      ceilingWorker: { peakRssMb: ceilingWorkerMemory && round(ceilingWorkerMemory.peakRssMb, 1) },
      runningWorkflowsAtEnd,
    },
    setup: {
      temporal: 'temporal server start-dev (.tools/temporal/bin), SQLite file in a temp dir, free ports',
      postgres: `fresh database on ${new URL(database.url).host}, migrated, demo data seeded`,
      worker: 'node --import tsx src/worker.ts, APP_MODE=production, worker options of src/worker-runtime.ts, DATABASE_POOL_SIZE default',
      api: 'node --import tsx src/server.ts, APP_MODE=production',
      ceilingWorker: 'node --import tsx bench/ceiling-worker.ts (bench/ceiling-workflow.ts bundled on its own, SDK default worker options)',
      driver: 'this process: fetch (undici) to the API, @temporalio/client to the ceiling',
      login: latencyByKind(login.samples).all,
    },
    ratios: ratios.map((r) => (r === null ? null : round(r, 3))),
    overallProductLatency: latencyByKind(productSamples, notInAll),
    warmup: warmups.map((w) => w.phase),
    phases: measured.map((m) => m.phase),
    series,
  };
  fs.writeFileSync(`${jsonFile}.tmp`, JSON.stringify(results, null, 1) + '\n');
  fs.renameSync(`${jsonFile}.tmp`, jsonFile);
  const chartPhases = measured.map((m) => ({ ...m.phase, kind: m.phase.kind === 'ceiling' ? ('ceiling' as const) : ('product' as const) }));
  fs.writeFileSync(svgFile, renderChart({ title: `AssistFlow bench ${runId}`, summary, machine, series, phases: chartPhases }));
  log(`wrote ${summary.resultFile} and ${summary.chartFile}`);
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (errors > 0) process.exitCode = 1;
}

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const part of parts.reverse()) {
      await part.stop().catch((error: unknown) => log(`stopping ${part.name} failed: ${error instanceof Error ? error.message : error}`));
    }
    parts.length = 0;
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void stopAll().then(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  log(`failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
  await stopAll();
  process.exit(1);
});

