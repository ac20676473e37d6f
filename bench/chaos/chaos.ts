import os from 'node:os';
import { defaultPolicySettings, slaSteps, type PolicySettings } from '../../src/domain/policy';
import { createPayloadCodec } from '../../src/temporal/payload-codec';
import { loginAll } from '../drive';
import { injectFault, type FaultKind, type FaultRecord } from './faults';
import { ChaosLoad } from './load';
import { startChaosStack } from './stack';
import { verifyRun, type Verification } from './verify';

/**
 * One chaos run: the stack, a steady load of cases and decisions, the faults one after another with load between
 * them, then the load drains and everything is checked (verify.ts). The summary is what `npm run chaos` prints.
 */
export interface ChaosOptions {
  faults: FaultKind[];
  /** `private`: an own PostgreSQL cluster (needed for PostgreSQL faults); `shared`: a scratch database on the test server. */
  postgres: 'private' | 'shared';
  concurrency: number;
  /** Seconds of load before the first fault, between two faults, and after the last one. */
  warmupSec: number;
  gapSec: number;
  tailSec: number;
  /** Offset into the ID-number sequence, so runs sharing a server never report the same household. */
  firstId?: number;
  log: (message: string) => void;
}

export interface ChaosSummary extends Omit<Verification, 'examples'> {
  ok: boolean;
  /** Why not ok. */
  failedChecks: string[];
  auditChainValid: boolean;
  auditEntriesChecked: number;
  faults: FaultRecord[];
  unexpectedExits: { name: string; how: string; atSec: number }[];
  casesViaConflictOnRetry: number;
  decisionsRetried: number;
  clientRequests: number;
  clientRetries: number;
  connectionErrors: number;
  serverErrors: number;
  retryAnswerMismatches: number;
  failedCases: number;
  concurrency: number;
  totalSec: number;
  date: string;
  machine: { nproc: number; loadAvg1: number };
  examples: string[];
}

/**
 * Seconds instead of days, so the load makes reminders and escalations: every step is due after 4 s, escalates to the
 * town 4 s later and to the district 4 s after that; the whole identification is overdue after 60 s; posting lasts 1 s.
 */
export const chaosPolicy: PolicySettings = {
  ...defaultPolicySettings,
  stepDue: Object.fromEntries(slaSteps.map((s) => [s, 'PT4S'])) as PolicySettings['stepDue'],
  escalationAfter: 'PT4S',
  identificationLimit: 'PT60S',
  postingPeriod: 'PT1S',
};

/** Half the tasks are decided at once, half after 2 to 13 s: some before their reminder, some after one or two escalations. */
export const chaosThinkMs = () => (Math.random() < 0.5 ? Math.random() * 300 : 2000 + Math.random() * 11_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function putPolicy(baseUrl: string, token: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/policy`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ settings: chaosPolicy }),
  });
  if (res.status !== 201) throw new Error(`PUT /api/policy: ${res.status} ${await res.text()}`);
}

/** GET /api/audit/verify, retried while the API answers with a connection error or a 5xx. */
async function verifyAuditChain(baseUrl: string, token: string): Promise<{ valid: boolean; checked: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${baseUrl}/api/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status === 200) return (await res.json()) as { valid: boolean; checked: number };
      if (res.status < 500 || attempt >= 10) throw new Error(`GET /api/audit/verify: ${res.status} ${await res.text()}`);
    } catch (error) {
      if (attempt >= 10) throw error;
    }
    await sleep(1000);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  const clockSec = () => Math.round((Date.now() - started) / 100) / 10;
  const { log } = options;
  const stack = await startChaosStack({ postgres: options.postgres, log });
  let load: ChaosLoad | undefined;
  try {
    log(`stack up in ${clockSec()} s: API ${stack.baseUrl}, Temporal ${stack.temporalAddress}, PostgreSQL ${stack.privatePostgres ? 'private cluster' : 'shared server'}`);
    const { tokens } = await loginAll(stack.baseUrl);
    await putPolicy(stack.baseUrl, tokens['district.approver']);
    load = new ChaosLoad({ baseUrl: stack.baseUrl, tokens, concurrency: options.concurrency, firstId: options.firstId ?? 0, thinkMs: chaosThinkMs, log });
    load.start();

    const faults: FaultRecord[] = [];
    await sleep(options.warmupSec * 1000);
    for (const [i, kind] of options.faults.entries()) {
      log(`fault ${i + 1}/${options.faults.length}: ${kind} (${load.cases.length} cases started, ${load.decisions.length} decisions so far)`);
      const fault = await injectFault(kind, stack, load, clockSec);
      faults.push(fault);
      log(`  ${fault.detail}; back after ${fault.recoverySec} s`);
      await sleep((i === options.faults.length - 1 ? options.tailSec : options.gapSec) * 1000);
    }

    log(`stopping intake at ${load.cases.length} cases; letting the running ones finish`);
    load.stopIntake();
    await load.finished();
    log(`load drained at ${clockSec()} s: ${load.decisions.length} decisions accepted, ${load.counts.retries} retries; checking`);
    const verification = await verifyRun({
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
      payloadCodec: createPayloadCodec(stack.payloadKeys),
      messages: () => stack.mail.messages(),
      cases: load.cases,
      decisions: load.decisions,
      quietTimeoutMs: 120_000,
      t0: started,
    });
    const audit = await verifyAuditChain(stack.baseUrl, tokens['district.approver']);

    const { examples, ...counts } = verification;
    const summary: ChaosSummary = {
      ok: false,
      failedChecks: [],
      ...counts,
      auditChainValid: audit.valid,
      auditEntriesChecked: audit.checked,
      faults,
      unexpectedExits: stack.unexpectedExits,
      casesViaConflictOnRetry: load.cases.filter((c) => c.via === 'conflict-on-retry').length,
      decisionsRetried: load.decisions.filter((d) => d.attempts > 1).length,
      clientRequests: load.counts.requests,
      clientRetries: load.counts.retries,
      connectionErrors: load.counts.connectionErrors,
      serverErrors: load.counts.serverErrors,
      retryAnswerMismatches: load.counts.retryAnswerMismatches,
      failedCases: load.counts.failedCases,
      concurrency: options.concurrency,
      totalSec: 0,
      date: new Date(started).toISOString(),
      machine: { nproc: os.availableParallelism(), loadAvg1: Math.round(os.loadavg()[0] * 100) / 100 },
      examples: [...load.failures, ...examples],
    };
    const checks: [string, boolean][] = [
      ['casesCompleted < casesStarted', summary.casesCompleted < summary.casesStarted],
      ['casesStarted = 0', summary.casesStarted === 0],
      ['lostDecisions', summary.lostDecisions > 0],
      ['duplicateDecisions', summary.duplicateDecisions > 0],
      ['caseStartAuditMissing', summary.caseStartAuditMissing > 0],
      ['caseStartAuditDuplicates', summary.caseStartAuditDuplicates > 0],
      ['lostEmails', summary.lostEmails > 0],
      ['duplicateEmails', summary.duplicateEmails > 0],
      ['unexpectedEmails', summary.unexpectedEmails > 0],
      ['auditChainValid = false', !summary.auditChainValid],
      ['retryAnswerMismatches', summary.retryAnswerMismatches > 0],
      ['failedCases', summary.failedCases > 0],
      ['unknownCases', summary.unknownCases > 0],
      ['pendingActivities', summary.pendingActivities > 0],
    ];
    summary.failedChecks = checks.filter(([, failed]) => failed).map(([name]) => name);
    summary.ok = summary.failedChecks.length === 0;
    summary.totalSec = clockSec();
    if (!summary.ok) log(`failed checks: ${summary.failedChecks.join(', ')}\n${summary.examples.join('\n')}\n${stack.outputTails()}`);
    return summary;
  } finally {
    load?.abort();
    log('stopping the stack');
    await stack.stop();
  }
}
