import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { demoPassword, demoVillage } from '../src/demo/seed';
import { ceilingStepUpdate, ceilingWorkflow } from './ceiling-workflow';
import { benchIdNumber } from './ids';
import type { Sample } from './stats';

/** The load: N cases through all four human steps, `concurrency` cases at a time, each step after the last (closed loop). */

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
}

function emptyResult(): DriveResult {
  return { samples: [], casesStarted: 0, casesCompleted: 0, tasksCompleted: 0, caseDurations: [], inboxRetries: 0, errors: 0, errorExamples: [] };
}

function fail(result: DriveResult, message: string): void {
  result.errors++;
  if (result.errorExamples.length < 5) result.errorExamples.push(message.slice(0, 300));
}

/** Runs `work(i)` for i in [0, n) on `concurrency` loops. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

export interface Http {
  call(kind: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export function http(baseUrl: string, samples: () => Sample[]): Http {
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

export const benchUsers = ['village.worker', 'village.head', 'town.reviewer', 'district.approver'] as const;
export type BenchUser = (typeof benchUsers)[number];

/** Logs the four demo users in once; their tokens serve the whole run. */
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

/** Who decides each step, and the stage the case must be in after their approval. */
const steps: { user: BenchUser; after: string }[] = [
  { user: 'village.worker', after: 'VILLAGE_REVIEW' }, // 入户核实 by the reporter
  { user: 'village.head', after: 'TOWN_REVIEW' }, // 村级民主评议: not the home visitor
  { user: 'town.reviewer', after: 'DISTRICT_APPROVAL' },
  { user: 'district.approver', after: 'MONITORED' },
];

const intake = (idNumber: string) => ({
  household: { headName: '压测户主', idNumber, villageCode: demoVillage, memberCount: 4, laborCapacity: 'partial' },
  category: 'MARGINAL',
  channel: 'CADRE_VISIT',
  riskTypes: ['ILLNESS'],
  perCapitaIncome: 5600,
});

/**
 * The product over HTTP: village.worker reports (POST /api/monitoring-cases), then for each step the right user
 * reads their inbox (GET /api/tasks), finds the case's task and approves it (POST /api/tasks/:id/complete).
 */
export async function driveProduct(options: {
  baseUrl: string;
  tokens: Record<BenchUser, string>;
  cases: number;
  concurrency: number;
  /** Offset into the run's ID-number sequence, so no household is reported twice. */
  firstId: number;
}): Promise<DriveResult> {
  const result = emptyResult();
  const api = http(options.baseUrl, () => result.samples);
  await pool(options.cases, options.concurrency, async (i) => {
    const started = now();
    try {
      const created = await api.call('createCase', 'POST', '/api/monitoring-cases', options.tokens['village.worker'], intake(benchIdNumber(options.firstId + i)));
      if (created.status !== 201) return fail(result, `createCase ${created.status} ${JSON.stringify(created.body)}`);
      result.casesStarted++;
      const caseId: string = created.body.id;
      for (const { user, after } of steps) {
        const token = options.tokens[user];
        let task: { id: string } | undefined;
        for (let attempt = 0; attempt < 20 && !task; attempt++) {
          if (attempt > 0) {
            result.inboxRetries++;
            await new Promise((r) => setTimeout(r, 50));
          }
          const inbox = await api.call('inbox', 'GET', '/api/tasks', token);
          if (inbox.status !== 200) return fail(result, `inbox ${user} ${inbox.status} ${JSON.stringify(inbox.body)}`);
          task = (inbox.body.items as { id: string; caseId: string }[]).find((t) => t.caseId === caseId);
        }
        if (!task) return fail(result, `no task of case ${caseId} in ${user}'s inbox before ${after}`);
        const done = await api.call('complete', 'POST', `/api/tasks/${task.id}/complete`, token, { decision: 'approve', comment: '压测通过' });
        if (done.status !== 200 || done.body.stage !== after) return fail(result, `complete ${user} ${done.status} ${JSON.stringify(done.body)}`);
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

/** The ceiling: the same shape on a bare workflow through a plain Temporal client. Start, then four Updates in turn. */
export async function driveCeiling(options: {
  client: Client;
  taskQueue: string;
  cases: number;
  concurrency: number;
  /** Makes workflow ids unique within the run. */
  prefix: string;
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
  await pool(options.cases, options.concurrency, async (i) => {
    const started = now();
    try {
      const handle = await timed('start', () =>
        options.client.workflow.start(ceilingWorkflow, { taskQueue: options.taskQueue, workflowId: `${options.prefix}-${i}`, args: [steps.length] }),
      );
      result.casesStarted++;
      for (let step = 1; step <= steps.length; step++) {
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
