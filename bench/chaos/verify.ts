import { createHash } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { createPrisma } from '../../src/db/client';
import type { CaughtMessage } from '../../src/embedded/smtp-catcher';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { caseStateQuery } from '../../src/domain/monitoring/messages';
import type { AcceptedDecision, StartedCase } from './load';

/**
 * After the load drained: what the client was told against what PostgreSQL (read model, audit log, notifications),
 * Temporal (histories) and the SMTP catcher hold.
 *
 * - A decision the client got a 2xx for is lost when the task row, its timeline entry, its `task.decide` audit entry
 *   or the accepted Update in the workflow's history is missing; duplicated when a task has more than one audit
 *   entry or accepted `completeTask` Update, or a case has more than one decision of one step (the load approves all).
 * - The emails that must exist are the notify activities Temporal saw complete (decoded from the histories): each one
 *   whose Notification row has recipients must have reached the catcher exactly once, by Message-ID (derived from the
 *   idempotency key). A caught message no completed activity accounts for is unexpected; identical subject,
 *   recipients and text twice count as a duplicate too, whatever the Message-ID. (An activity that mails and is not
 *   listed in readHistory shows up as unexpected emails: add it there.)
 */
export interface Verification {
  casesStarted: number;
  casesCompleted: number;
  decisionsAccepted: number;
  lostDecisions: number;
  duplicateDecisions: number;
  /** Decisions recorded that the client never got a 2xx for (it gave up on them). */
  unacknowledgedDecisions: number;
  /** `case.start` audit entries missing (or more than one) for a started case. */
  caseStartAuditMissing: number;
  caseStartAuditDuplicates: number;
  emailsExpected: number;
  emailsCaught: number;
  lostEmails: number;
  duplicateEmails: number;
  unexpectedEmails: number;
  /** Cases in the read model that the client never heard of. */
  unknownCases: number;
  /** Activities still pending in some workflow when checked (after waiting for quiet). */
  pendingActivities: number;
  examples: string[];
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const messageIdOf = (idempotencyKey: string) => `${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@assistflow`;
const bare = (messageId: string | undefined) => (messageId ?? '').replace(/^<|>$/g, '');

async function decodeArgs(codec: PayloadCodec, payloads: Payload[] | null | undefined): Promise<any[]> {
  const decoded = await codec.decode(payloads ?? []);
  return decoded.map((p) => defaultPayloadConverter.fromPayload(p));
}

/** What one workflow history says: accepted completeTask Updates by id, and the idempotency keys of the notify activities that completed. */
async function readHistory(events: HistoryEvent[], codec: PayloadCodec, workflowId: string): Promise<{ acceptedUpdates: string[]; notified: string[]; pendingNotify: number }> {
  const acceptedUpdates: string[] = [];
  const scheduled = new Map<string, HistoryEvent>();
  const completed = new Set<string>();
  for (const event of events) {
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted?.acceptedRequest?.input?.name === 'completeTask') acceptedUpdates.push(accepted.acceptedRequest.meta?.updateId ?? '');
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type === 'notifyOverdueTask' || type === 'notifyIdentificationOverdue') scheduled.set(String(event.eventId), event);
    const done = event.activityTaskCompletedEventAttributes;
    if (done) completed.add(String(done.scheduledEventId));
  }
  const notified: string[] = [];
  for (const [id, event] of scheduled) {
    if (!completed.has(id)) continue;
    const attributes = event.activityTaskScheduledEventAttributes!;
    const [input] = await decodeArgs(codec, attributes.input?.payloads as Payload[]);
    // The keys the activities give sendOnce (src/activities/tasks/task-activities.ts, monitoring-activities.ts).
    if (attributes.activityType?.name === 'notifyOverdueTask') notified.push(`${input.workflowId}:${input.task.id}:overdue:${input.escalation?.level ?? 0}`);
    else notified.push(`${workflowId}:${input.caseId}:identification-overdue`);
  }
  return { acceptedUpdates, notified, pendingNotify: scheduled.size - [...scheduled.keys()].filter((k) => completed.has(k)).length };
}

/** Waits until no workflow has a pending activity, no notification waits to be sent and the catcher got nothing new for 3 s. */
export async function waitForQuiet(o: { db: PrismaClient; client: Client; workflowIds: string[]; messages: () => CaughtMessage[]; timeoutMs: number }): Promise<number> {
  const deadline = Date.now() + o.timeoutMs;
  let lastCount = -1;
  let stableSince = Date.now();
  for (;;) {
    let pending = 0;
    for (const id of o.workflowIds) pending += (await o.client.workflow.getHandle(id).describe()).raw.pendingActivities?.length ?? 0;
    const unsent = await o.db.notification.count({ where: { sentAt: null, NOT: { recipients: { isEmpty: true } } } });
    const count = o.messages().length;
    if (count !== lastCount) {
      lastCount = count;
      stableSince = Date.now();
    }
    if (pending === 0 && unsent === 0 && Date.now() - stableSince >= 3000) return 0;
    if (Date.now() > deadline) return pending + unsent;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function verifyRun(o: {
  databaseUrl: string;
  temporalAddress: string;
  payloadCodec: PayloadCodec;
  messages: () => CaughtMessage[];
  cases: StartedCase[];
  decisions: AcceptedDecision[];
  quietTimeoutMs: number;
  /** The run's start (ms since the epoch): examples give times in seconds since then, as the faults do. */
  t0: number;
}): Promise<Verification> {
  const db = createPrisma(o.databaseUrl, 2);
  const connection = await Connection.connect({ address: o.temporalAddress });
  const client = new Client({ connection, namespace: 'default', dataConverter: { payloadCodecs: [o.payloadCodec] } });
  const examples: string[] = [];
  const note = (message: string) => {
    if (examples.length < 12) examples.push(message);
  };
  try {
    const caseRows = await db.monitoringCase.findMany({ select: { id: true, workflowId: true, stage: true } });
    const rowOf = new Map(caseRows.map((r) => [r.id, r]));
    const known = new Set(o.cases.map((c) => c.caseId));
    const workflowIds = caseRows.map((r) => r.workflowId);
    const pendingActivities = await waitForQuiet({ db, client, workflowIds, messages: o.messages, timeoutMs: o.quietTimeoutMs });
    if (pendingActivities) note(`still ${pendingActivities} pending activities or unsent notifications after ${o.quietTimeoutMs} ms`);

    // --- cases ---
    let casesCompleted = 0;
    const acceptedUpdates = new Map<string, number>();
    const notifiedKeys: string[] = [];
    for (const c of o.cases) {
      const row = rowOf.get(c.caseId);
      if (!row) {
        note(`case ${c.caseId}: not in the read model`);
        continue;
      }
      const handle = client.workflow.getHandle(row.workflowId);
      const status = (await handle.describe()).status.name;
      const state = await handle.query(caseStateQuery);
      if (row.stage === 'MONITORED' && state.stage === 'MONITORED' && status === 'RUNNING') casesCompleted++;
      else note(`case ${c.caseId}: read model ${row.stage}, workflow ${status} in ${state.stage}`);
    }
    for (const row of caseRows) {
      const history = await client.workflow.getHandle(row.workflowId).fetchHistory();
      const read = await readHistory(history.events ?? [], o.payloadCodec, row.workflowId);
      for (const id of read.acceptedUpdates) acceptedUpdates.set(id, (acceptedUpdates.get(id) ?? 0) + 1);
      notifiedKeys.push(...read.notified);
    }
    const unknownCases = caseRows.filter((r) => !known.has(r.id)).length;
    if (unknownCases) note(`${unknownCases} cases in the read model the client never heard of`);

    // --- decisions ---
    const users = new Map((await db.user.findMany({ select: { id: true, username: true } })).map((u) => [u.username, u.id]));
    const caseIds = [...known];
    const [tasks, decidedEvents, decideAudits, startAudits] = await Promise.all([
      db.task.findMany({ where: { caseId: { in: caseIds } } }),
      db.timelineEvent.findMany({ where: { caseId: { in: caseIds }, kind: 'TASK_DECIDED' }, select: { id: true, caseId: true, step: true } }),
      db.auditEntry.findMany({ where: { action: 'task.decide' }, select: { targetId: true } }),
      db.auditEntry.findMany({ where: { action: 'case.start' }, select: { targetId: true } }),
    ]);
    const taskOf = new Map(tasks.map((t) => [t.id, t]));
    const decidedIds = new Set(decidedEvents.map((e) => e.id));
    const count = (ids: (string | null)[]) => ids.reduce((m, id) => m.set(id ?? '', (m.get(id ?? '') ?? 0) + 1), new Map<string, number>());
    const auditsPerTask = count(decideAudits.map((a) => a.targetId));
    const acceptedPerTask = count([...acceptedUpdates].flatMap(([id, n]) => Array<string>(n).fill(id.split(':')[0])));

    let lostDecisions = 0;
    for (const d of o.decisions) {
      const row = taskOf.get(d.taskId);
      const updateId = `${d.taskId}:${users.get(d.user)}:${d.decision}`;
      const missing = [
        !(row?.status === 'COMPLETED' && row.decision === d.decision && row.completedById === users.get(d.user)) && 'task row',
        !decidedIds.has(`${d.taskId}:decided`) && 'timeline',
        !auditsPerTask.get(d.taskId) && 'audit',
        !acceptedUpdates.get(updateId) && 'Temporal Update',
      ].filter(Boolean);
      if (missing.length) {
        lostDecisions++;
        note(`decision ${d.step} ${d.taskId} (accepted after ${d.attempts} attempts): missing ${missing.join(', ')}`);
      }
    }
    let duplicateDecisions = 0;
    const extra = (what: string, counts: Map<string, number>) => {
      for (const [id, n] of counts) {
        if (n <= 1) continue;
        duplicateDecisions += n - 1;
        note(`${what} ${id}: ${n} times`);
      }
    };
    extra('task.decide audit entries of task', auditsPerTask);
    extra('accepted completeTask Updates of task', acceptedPerTask);
    // The load approves every task, so each step of a case is decided once.
    const perCaseStep = count(decidedEvents.map((e) => `${e.caseId}/${e.step}`));
    extra('decisions of case/step', perCaseStep);
    const acknowledged = new Set(o.decisions.map((d) => d.taskId));
    const unacknowledgedDecisions = tasks.filter((t) => t.status === 'COMPLETED' && t.decision && !acknowledged.has(t.id)).length;

    const startsPerCase = count(startAudits.map((a) => a.targetId));
    const caseStartAuditMissing = o.cases.filter((c) => !startsPerCase.get(c.caseId)).length;
    const caseStartAuditDuplicates = o.cases.reduce((sum, c) => sum + Math.max(0, (startsPerCase.get(c.caseId) ?? 0) - 1), 0);
    if (caseStartAuditMissing) note(`${caseStartAuditMissing} started cases without a case.start audit entry (${o.cases.filter((c) => !startsPerCase.get(c.caseId)).map((c) => c.via).join(', ')})`);

    // --- emails ---
    const notifications = new Map((await db.notification.findMany()).map((n) => [n.id, n]));
    const messages = o.messages();
    const caughtById = count(messages.map((m) => bare(m.messageId)));
    const expectedIds = new Set<string>();
    let emailsExpected = 0;
    let lostEmails = 0;
    let duplicateEmails = 0;
    for (const key of new Set(notifiedKeys)) {
      const row = notifications.get(key);
      if (row && row.recipients.length === 0) continue;
      emailsExpected++;
      const id = messageIdOf(key);
      expectedIds.add(id);
      const caught = caughtById.get(id) ?? 0;
      if (!row?.sentAt || caught === 0) {
        lostEmails++;
        note(`email ${key}: ${row ? (row.sentAt ? 'sent' : 'not marked sent') : 'no Notification row'}, caught ${caught}`);
      } else if (caught > 1) {
        duplicateEmails += caught - 1;
        const at = messages.filter((m) => bare(m.messageId) === id).map((m) => ((m.receivedAt.getTime() - o.t0) / 1000).toFixed(1));
        note(`email ${key}: caught ${caught} times, at ${at.join(', ')} s`);
      }
    }
    const unexpected = messages.filter((m) => !expectedIds.has(bare(m.messageId)));
    for (const m of unexpected.slice(0, 3)) note(`unexpected email ${m.messageId} "${m.subject}"`);
    const sameContent = count(messages.map((m) => JSON.stringify([m.subject, [...m.to].sort(), m.text])));
    for (const [content, n] of sameContent) {
      // Already counted when the Message-ID repeats too.
      if (n > 1 && !messages.some((m) => JSON.stringify([m.subject, [...m.to].sort(), m.text]) === content && (caughtById.get(bare(m.messageId)) ?? 0) > 1)) {
        duplicateEmails += n - 1;
        note(`the same email (subject, recipients, text) ${n} times under different Message-IDs: ${content.slice(0, 120)}`);
      }
    }

    return {
      casesStarted: o.cases.length,
      casesCompleted,
      decisionsAccepted: o.decisions.length,
      lostDecisions,
      duplicateDecisions,
      unacknowledgedDecisions,
      caseStartAuditMissing,
      caseStartAuditDuplicates,
      emailsExpected,
      emailsCaught: messages.length,
      lostEmails,
      duplicateEmails,
      unexpectedEmails: unexpected.length,
      unknownCases,
      pendingActivities,
      examples,
    };
  } finally {
    await connection.close();
    await db.$disconnect();
  }
}
