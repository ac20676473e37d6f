import { runChaos, type ChaosSummary } from '../../bench/chaos/chaos';

/**
 * The chaos harness (`npm run chaos`, bench/chaos) in small: a few cases in flight over HTTP while the worker is
 * killed with SIGKILL and restarted, then the API is killed with decisions in flight and restarted. Nothing the
 * client was told is lost or done twice, every reminder and escalation reaches the SMTP server once, the audit chain
 * holds. PostgreSQL and Temporal restarts are in the full harness (it needs a private PostgreSQL cluster).
 */
let summary: ChaosSummary;
const log: string[] = [];

beforeAll(async () => {
  summary = await runChaos({
    faults: ['worker', 'api'],
    postgres: 'shared',
    concurrency: 4,
    warmupSec: 4,
    gapSec: 6,
    tailSec: 2,
    // Households of their own on the shared server (ID numbers are unique per database, but keep runs apart anyway).
    firstId: 1_000_000 + Math.floor(Math.random() * 1_000_000),
    log: (message) => log.push(message),
  });
}, 240_000);

test('the faults struck under load', () => {
  expect(summary.faults.map((f) => f.kind)).toEqual(['worker', 'api']);
  expect(summary.casesStarted).toBeGreaterThan(0);
  expect(summary.decisionsAccepted).toBeGreaterThan(summary.casesStarted);
  expect(summary.emailsExpected).toBeGreaterThan(0);
});

test('every case reached MONITORED and every accepted decision is recorded exactly once', () => {
  expect({ ...summary, log }).toMatchObject({ examples: [], failedCases: 0, lostDecisions: 0, duplicateDecisions: 0, caseStartAuditMissing: 0, caseStartAuditDuplicates: 0, retryAnswerMismatches: 0 });
  expect(summary.casesCompleted).toBe(summary.casesStarted);
});

test('every notification reached the SMTP server exactly once, and the audit chain verifies', () => {
  expect({ ...summary, log }).toMatchObject({ examples: [], lostEmails: 0, duplicateEmails: 0, unexpectedEmails: 0, pendingActivities: 0, auditChainValid: true });
});
