import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { demoPassword, demoVillage } from '../src/demo/seed';
import { ceilingStepUpdate, ceilingWorkflow } from './ceiling-workflow';
import { benchIdNumber } from './ids';
import type { Sample } from './stats';

/**
 * The load: cases from report to monitored, each step after the last; closed loop (N cases, `concurrency` at a time)
 * or open loop (cases arriving at a fixed rate).
 */

let t0 = performance.now();
/** Milliseconds since the run's clock was reset. */
export const now = () => performance.now() - t0;
export const resetClock = () => {
  t0 = performance.now();
};

export interface DriveResult {
  samples: Sample[];
  casesStarted: number;
  casesCompleted: number;
  tasksCompleted: number;
  /** End-to-end durations of completed cases (first request to last answer), ms. */
  caseDurations: number[];
  /** Inbox reads that did not yet show the case's task and were repeated. */
  inboxRetries: number;
  errors: number;
  /** The first few failures, for the results file. */
  errorExamples: string[];
  /** Human tasks completed, per step. */
  tasksPerStep: Record<string, number>;
}

function emptyResult(): DriveResult {
  return { samples: [], casesStarted: 0, casesCompleted: 0, tasksCompleted: 0, caseDurations: [], inboxRetries: 0, errors: 0, errorExamples: [], tasksPerStep: {} };
}

function fail(result: DriveResult, message: string): void {
  result.errors++;
  if (result.errorExamples.length < 5) result.errorExamples.push(message.slice(0, 300));
}

/** Runs `work(i)` for i in [0, n) on `concurrency` loops; after `deadlineMs` (run clock) no new i starts, running ones finish. */
export async function pool(n: number, concurrency: number, deadlineMs: number | undefined, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, async () => {
      while (next < n && (deadlineMs === undefined || now() < deadlineMs)) await work(next++);
    }),
  );
}

export interface Http {
  call(kind: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export function http(baseUrl: string, samples: () => Sample[], timeoutMs = 60_000): Http {
  return {
    async call(kind, method, path, token, body) {
      const start = now();
      try {
        const res = await fetch(baseUrl + path, {
          method,
          headers: {
            ...(body !== undefined && { 'content-type': 'application/json' }),
            ...(token && { authorization: `Bearer ${token}` }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          // A hung request fails the case instead of the whole run.
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        samples().push({ kind, start, end: now(), ok: res.ok });
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { status: res.status, body: parsed };
      } catch (error) {
        samples().push({ kind, start, end: now(), ok: false });
        throw error;
      }
    },
  };
}

export const benchUsers = ['village.worker', 'village.head', 'town.reviewer', 'district.approver', 'dept.officer', 'dept.medical'] as const;
export type BenchUser = (typeof benchUsers)[number];

/** Logs the demo users in once; their tokens serve the whole run. */
export async function loginAll(baseUrl: string): Promise<{ tokens: Record<BenchUser, string>; samples: Sample[] }> {
  const samples: Sample[] = [];
  const client = http(baseUrl, () => samples);
  const tokens = {} as Record<BenchUser, string>;
  for (const username of benchUsers) {
    const res = await client.call('login', 'POST', '/api/auth/login', undefined, { username, password: demoPassword });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[username] = res.body.token;
  }
  return { tokens, samples };
}

export interface OpenTask {
  id: string;
  step: string;
  role: string;
  department?: string | null;
}

/**
 * The demo user who decides a task: the home visit by the reporter (village.worker), every other village step by
 * village.head (separation of duties: not the visitor), 医保's data matching (the bench's households are 因病) by
 * dept.medical, the rest by the one demo user of the task's role.
 */
export function deciderOf(task: OpenTask): BenchUser | null {
  if (task.step === 'HOME_VISIT') return 'village.worker';
  if (task.department === 'MEDICAL_INSURANCE') return 'dept.medical';
  const byRole: Record<string, BenchUser> = {
    VILLAGE_CASEWORKER: 'village.head',
    TOWN_REVIEWER: 'town.reviewer',
    DISTRICT_APPROVER: 'district.approver',
    DEPARTMENT_OFFICER: 'dept.officer',
  };
  return byRole[task.role] ?? null;
}

export const finalStages = ['MONITORED', 'NOT_INCLUDED'];
/** Side tasks first: data matching must be done before posting can end. */
export const sideFirst = (a: OpenTask, b: OpenTask) => Number(a.step !== 'DATA_MATCHING') - Number(b.step !== 'DATA_MATCHING');

export const intake = (idNumber: string) => ({
  household: { headName: '压测户主', idNumber, villageCode: demoVillage, memberCount: 4, laborCapacity: 'partial' },
  category: 'MARGINAL',
  channel: 'CADRE_VISIT',
  riskTypes: ['ILLNESS'],
  perCapitaIncome: 5600,
});

/**
 * One case over HTTP. village.worker reports the household (POST /api/monitoring-cases); then, until the case is
 * monitored, each open task of the case (from the case view) is decided by its demo user: they read their inbox
 * (GET /api/tasks), find the task and approve it (POST /api/tasks/:id/complete); after each decision the case is read
 * again (GET /api/monitoring-cases/:id) for what opened next. While the workflow itself moves the case on (the end
 * of 公示 posting) and nothing is open yet, the case is re-read every 20 ms ('casePoll').
 */
async function driveCase(api: Http, tokens: Record<BenchUser, string>, idNumber: string, result: DriveResult): Promise<void> {
  const started = now();
  try {
    const created = await api.call('createCase', 'POST', '/api/monitoring-cases', tokens['village.worker'], intake(idNumber));
    if (created.status !== 201) return fail(result, `createCase ${created.status} ${JSON.stringify(created.body)}`);
    result.casesStarted++;
    const caseId: string = created.body.id;
    let view: { stage: string; openTasks: OpenTask[] } = created.body;
    const viewAs: BenchUser = 'district.approver';
    for (let polls = 0; !finalStages.includes(view.stage); ) {
      if (view.openTasks.length === 0) {
        // The workflow moves the case on by itself (a timer): wait for the next task to appear.
        if (++polls > 1500) return fail(result, `case ${caseId} stuck in ${view.stage} with no open task`);
        await new Promise((r) => setTimeout(r, 20));
        const again = await api.call('casePoll', 'GET', `/api/monitoring-cases/${caseId}`, tokens[viewAs]);
        if (again.status !== 200) return fail(result, `casePoll ${again.status} ${JSON.stringify(again.body)}`);
        view = again.body;
        continue;
      }
      let stage = view.stage;
      for (const task of [...view.openTasks].sort(sideFirst)) {
        const user = deciderOf(task);
        if (!user) return fail(result, `no demo user decides ${task.step} (${task.role})`);
        const token = tokens[user];
        let found = false;
        for (let attempt = 0; attempt < 20 && !found; attempt++) {
          if (attempt > 0) {
            result.inboxRetries++;
            await new Promise((r) => setTimeout(r, 50));
          }
          const inbox = await api.call('inbox', 'GET', `/api/tasks?caseId=${caseId}`, token);
          if (inbox.status !== 200) return fail(result, `inbox ${user} ${inbox.status} ${JSON.stringify(inbox.body)}`);
          found = (inbox.body.items as { id: string }[]).some((t) => t.id === task.id);
        }
        if (!found) return fail(result, `task ${task.step} of case ${caseId} not in ${user}'s inbox`);
        const done = await api.call('complete', 'POST', `/api/tasks/${task.id}/complete`, token, { decision: 'approve', comment: '压测通过' });
        if (done.status !== 200) return fail(result, `complete ${task.step} as ${user}: ${done.status} ${JSON.stringify(done.body)}`);
        result.tasksCompleted++;
        result.tasksPerStep[task.step] = (result.tasksPerStep[task.step] ?? 0) + 1;
        stage = done.body.stage;
      }
      if (finalStages.includes(stage)) {
        view = { stage, openTasks: [] };
        break;
      }
      const next = await api.call('caseView', 'GET', `/api/monitoring-cases/${caseId}`, tokens[viewAs]);
      if (next.status !== 200) return fail(result, `caseView ${next.status} ${JSON.stringify(next.body)}`);
      view = next.body;
    }
    if (view.stage !== 'MONITORED') return fail(result, `case ${caseId} ended ${view.stage}, not MONITORED`);
    result.casesCompleted++;
    result.caseDurations.push(now() - started);
  } catch (error) {
    fail(result, error instanceof Error ? error.message : String(error));
  }
}

/** The product, closed loop: `concurrency` cases in flight, each loop starting the next case when its last is done. */
export async function driveProduct(options: {
  baseUrl: string;
  tokens: Record<BenchUser, string>;
  cases: number;
  concurrency: number;
  /** Offset into the run's ID-number sequence, so no household is reported twice. */
  firstId: number;
  deadlineMs?: number;
}): Promise<DriveResult> {
  const result = emptyResult();
  const api = http(options.baseUrl, () => result.samples);
  await pool(options.cases, options.concurrency, options.deadlineMs, (i) => driveCase(api, options.tokens, benchIdNumber(options.firstId + i), result));
  return result;
}

export interface OpenLoopResult extends DriveResult {
  /** Cases due to arrive in the window, and those not started because `maxInFlight` cases were still running. */
  arrivals: number;
  arrivalsDropped: number;
  /** How late the driver started cases against their schedule (its own lag on a busy machine), ms. */
  startLagP99Ms: number | null;
  maxInFlight: number;
}

/**
 * The product, open loop: a case arrives every 1/rate seconds for `durationSec`, whether or not earlier ones are done
 * (as reports arrive in a district), and each runs as in the closed loop. Every arrival begins with a login by one of
 * the demo users in turn (a caseworker starting a session), whose new token that user uses from then on. Arrivals
 * stop after `durationSec`; the run ends when the cases in flight are done.
 */
export async function driveOpenLoop(options: {
  baseUrl: string;
  tokens: Record<BenchUser, string>;
  /** Cases per second. */
  rate: number;
  durationSec: number;
  firstId: number;
  /** Arrivals beyond this many cases in flight are dropped (counted), so an overload cannot grow without bound. */
  maxInFlight?: number;
}): Promise<OpenLoopResult> {
  const result: OpenLoopResult = { ...emptyResult(), arrivals: 0, arrivalsDropped: 0, startLagP99Ms: null, maxInFlight: options.maxInFlight ?? 200 };
  const api = http(options.baseUrl, () => result.samples);
  const tokens = { ...options.tokens };
  const intervalMs = 1000 / options.rate;
  const startMs = now();
  const endMs = startMs + options.durationSec * 1000;
  const running = new Set<Promise<void>>();
  const lags: number[] = [];
  for (let i = 0; ; i++) {
    const dueMs = startMs + i * intervalMs;
    if (dueMs >= endMs) break;
    if (dueMs > now()) await new Promise((r) => setTimeout(r, dueMs - now()));
    lags.push(now() - dueMs);
    result.arrivals++;
    if (running.size >= result.maxInFlight) {
      result.arrivalsDropped++;
      continue;
    }
    const user = benchUsers[i % benchUsers.length];
    const arrival = (async () => {
      try {
        const login = await api.call('login', 'POST', '/api/auth/login', undefined, { username: user, password: demoPassword });
        if (login.status !== 200) return fail(result, `login ${user} ${login.status} ${JSON.stringify(login.body)}`);
        tokens[user] = login.body.token;
      } catch (error) {
        return fail(result, `login ${user}: ${error instanceof Error ? error.message : String(error)}`);
      }
      await driveCase(api, tokens, benchIdNumber(options.firstId + i), result);
    })();
    running.add(arrival);
    void arrival.finally(() => running.delete(arrival));
  }
  await Promise.all(running);
  // The phase lasts at least its arrival window, so its rates are per second of the window.
  if (now() < endMs) await new Promise((r) => setTimeout(r, endMs - now()));
  const sorted = lags.sort((a, b) => a - b);
  result.startLagP99Ms = sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]) : null;
  return result;
}

/** The ceiling: the same shape on a bare workflow through a plain Temporal client. Start, then `steps` Updates in turn. */
export async function driveCeiling(options: {
  client: Client;
  taskQueue: string;
  cases: number;
  concurrency: number;
  /** Updates per case: as many as the product's human tasks per case. */
  steps: number;
  /** Makes workflow ids unique within the run. */
  prefix: string;
  deadlineMs?: number;
}): Promise<DriveResult> {
  const result = emptyResult();
  const timed = async <T>(kind: string, call: () => Promise<T>): Promise<T> => {
    const start = now();
    try {
      const value = await call();
      result.samples.push({ kind, start, end: now(), ok: true });
      return value;
    } catch (error) {
      result.samples.push({ kind, start, end: now(), ok: false });
      throw error;
    }
  };
  await pool(options.cases, options.concurrency, options.deadlineMs, async (i) => {
    const started = now();
    try {
      const handle = await timed('start', () =>
        options.client.workflow.start(ceilingWorkflow, { taskQueue: options.taskQueue, workflowId: `${options.prefix}-${i}`, args: [options.steps] }),
      );
      result.casesStarted++;
      for (let step = 1; step <= options.steps; step++) {
        await timed('update', () => handle.executeUpdate(ceilingStepUpdate, { args: [step], updateId: `step-${step}` }));
        result.tasksCompleted++;
      }
      result.casesCompleted++;
      result.caseDurations.push(now() - started);
    } catch (error) {
      fail(result, error instanceof Error ? error.message : String(error));
    }
  });
  return result;
}
