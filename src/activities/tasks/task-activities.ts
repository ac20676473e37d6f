import { log } from '@temporalio/activity';
import { createAuditLog, type AuditInput } from '../../db/audit-log';
import type { ActorAssertion } from '../../domain/tasks/actor-assertion';
import { verifyAssertion } from '../../temporal/actor-assertion';
import type { AuditAction } from '../../domain/audit';
import type { Prisma } from '../../generated/prisma/client';
import type { Actor } from '../../domain/roles';
import type { Transition } from '../../domain/tasks/messages';
import type { ProcessRegistry } from '../../domain/tasks/process';
import { decisionEventId, type EscalationTarget, type HumanTask } from '../../domain/tasks/task';
import type { ActivityDeps } from '../deps';
import { beijingTime, sendOnce } from '../mail/notifications';

export interface TaskRef {
  process: string;
  caseId: string;
}

type Tx = Prisma.TransactionClient;

/** A process's own part of recording a step: its case row (stage, ledgers), in the kit's transaction. Idempotent. */
export type CaseWriter = (tx: Tx, transition: Transition) => Promise<void>;

/** What the kit's activities know of the processes: their definitions (labels, links) and their case writers. */
export interface TaskKitDeps {
  processes: ProcessRegistry;
  caseWriters: Readonly<Record<string, CaseWriter>>;
}

/** The read-model row of an open task, as the kit writes it when a process opens a step. */
export function openTaskRow(ref: TaskRef, workflowId: string, task: HumanTask): Prisma.TaskCreateManyInput {
  return {
    id: task.id,
    process: ref.process,
    caseId: ref.caseId,
    workflowId,
    step: task.step,
    role: task.role,
    jurisdictionCode: task.jurisdictionCode,
    allowedDecisions: task.allowedDecisions,
    submitterId: task.submitterId,
    separationOfDuties: task.separationOfDuties,
    excludedActorIds: task.excludedActorIds ?? [],
    department: task.department ?? null,
    assigneeId: task.assigneeId,
    dueAt: new Date(task.dueAt),
    openedAt: new Date(task.openedAt),
  };
}

/**
 * Writes one recorded step; every write is keyed (task ids, timeline ids, audit keys), so a retry changes nothing. As
 * few statements as the step needs (one per table), and the audit entries last: appending takes the audit chain's
 * lock, which every recording transaction queues on, so it is held only for the append and the commit.
 */
async function writeTransition(tx: Tx, t: Transition, writers: TaskKitDeps['caseWriters'], audit: ReturnType<typeof createAuditLog>): Promise<void> {
  const when = new Date(t.at);
  const ref = { process: t.process, caseId: t.caseId };
  // The process's case row first: a new case's registration creates what the rows below belong to.
  const writer = writers[t.process];
  if (t.change !== undefined) {
    if (!writer) throw new Error(`no case writer registered for process ${t.process}`);
    await writer(tx, t);
  }
  const timeline: Prisma.TimelineEventCreateManyInput[] = [];
  const audits: AuditInput[] = [];
  if (t.decided) {
    const { task, request, fromStage, toStage } = t.decided;
    await tx.task.update({
      where: { id: task.id },
      data: { status: 'COMPLETED', decision: request.decision, comment: request.comment ?? null, completedById: request.actor.userId, assigneeId: request.actor.userId, completedAt: when },
    });
    // 代办: both people on the record, who acted and on whose behalf.
    const onBehalfOf = request.actor.onBehalfOf ?? null;
    const actorName = onBehalfOf ? `${request.actor.username}（代${onBehalfOf.username}办理）` : request.actor.username;
    timeline.push({ id: decisionEventId(task.id), caseId: t.caseId, at: when, kind: 'TASK_DECIDED', step: task.step, actorId: request.actor.userId, actorName, decision: request.decision, comment: request.comment ?? null, fromStage, toStage });
    // The decision's audit entry is written where the decision is recorded: none can exist without the other.
    audits.push({
      action: 'task.decide',
      actor: { userId: request.actor.userId, role: request.actor.role },
      target: { type: 'Task', id: task.id },
      before: { status: 'OPEN' },
      after: { status: 'COMPLETED', decision: request.decision, comment: request.comment ?? null, caseId: t.caseId, process: t.process, step: task.step, caseStage: toStage, ...(onBehalfOf && { onBehalfOf: onBehalfOf.userId }) },
      clientAddress: request.clientAddress ?? null,
      key: `task.decide:${task.id}:${request.actor.userId}:${request.decision}`,
    });
  }
  for (const { taskId, actorId } of t.completed ?? []) {
    await tx.task.updateMany({ where: { id: taskId, status: 'OPEN' }, data: { status: 'COMPLETED', completedById: actorId, assigneeId: actorId, completedAt: when } });
  }
  if (t.cancelled?.length) {
    await tx.task.updateMany({ where: { id: { in: t.cancelled }, status: 'OPEN' }, data: { status: 'CANCELLED', completedAt: when } });
  }
  if (t.opened?.length) {
    await tx.task.createMany({ data: t.opened.map((task) => openTaskRow(ref, t.workflowId, task)), skipDuplicates: true });
  }
  timeline.push(...(t.timeline ?? []).map((e) => ({ ...e, caseId: t.caseId, at: new Date(e.at) })));
  if (timeline.length) await tx.timelineEvent.createMany({ data: timeline, skipDuplicates: true });
  audits.push(...(t.audit ?? []).map((entry) => ({ ...entry, action: entry.action as AuditAction })));
  for (const entry of audits) await audit.record(entry, tx);
}

export function createTaskActivities({ db, mailer, publicUrl, assertionKey, processes, caseWriters }: ActivityDeps & TaskKitDeps) {
  const audit = createAuditLog(db);
  const placeName = async (code: string) => (await db.jurisdiction.findUnique({ where: { code }, select: { name: true } }))?.name ?? code;
  /** 大进镇大进演示一村: the town's and the village's names, as a caseworker says where a task is. */
  const placeOf = async (code: string) => {
    const names = await Promise.all([code.slice(0, 9), ...(code.length > 9 ? [code] : [])].map(placeName));
    return code.length <= 6 ? await placeName(code) : names.join('');
  };

  return {
    /**
     * Checks an Update's actor assertion: signed with our key and within its time window. A refusal is a security
     * event: logged, and written to the audit log once per Update.
     */
    async verifyActorAssertion({ workflowId, updateId, update, assertion }: { workflowId: string; updateId: string; update: string; assertion: ActorAssertion }): Promise<{ ok: boolean }> {
      const verdict = verifyAssertion(assertionKey, assertion, Date.now());
      if (verdict.ok) return { ok: true };
      log.warn('security event: update refused, actor assertion invalid', { workflowId, updateId, update, reason: verdict.reason });
      await audit.record({
        action: 'security.assertion_refused',
        actor: null,
        target: { type: 'Workflow', id: workflowId },
        after: { updateId, update, reason: verdict.reason, claimedUserId: assertion.claims?.sub ?? null },
        key: `security.assertion_refused:${workflowId}:${updateId}`,
      });
      return { ok: false };
    },

    /**
     * 记录办理: one step of any process in the read model, in one transaction: the decision with its timeline and audit
     * entry, the task rows completed, cancelled and opened, the timeline, the audit, the process's case change.
     */
    async recordTransition(transition: Transition): Promise<void> {
      await db.$transaction((tx) => writeTransition(tx, transition, caseWriters, audit), { maxWait: 10_000, timeout: 20_000 });
    },

    async recordTaskClaim({ caseId, taskId, actor, at }: TaskRef & { taskId: string; actor: Actor; at: number }) {
      await db.$transaction([
        db.task.update({ where: { id: taskId }, data: { assigneeId: actor.userId } }),
        db.timelineEvent.createMany({
          data: [{ id: `${taskId}:claim:${actor.userId}`, caseId, at: new Date(at), kind: 'TASK_CLAIMED', actorId: actor.userId, actorName: actor.username }],
          skipDuplicates: true,
        }),
      ]);
    },

    /** 释放 / 改派: the task's claim freed (`to` null) or handed to `to`, with its timeline entry and audit entry. Idempotent. */
    async recordTaskAssignment({ caseId, taskId, from, to, actor, at }: TaskRef & { taskId: string; from: string | null; to: Actor | null; actor: Actor; at: number }) {
      const kind = to ? 'TASK_REASSIGNED' : 'TASK_RELEASED';
      const key = `${taskId}:${kind === 'TASK_REASSIGNED' ? 'reassign' : 'release'}:${at}`;
      await db.$transaction(async (tx) => {
        await tx.task.update({ where: { id: taskId }, data: { assigneeId: to?.userId ?? null } });
        await tx.timelineEvent.createMany({
          data: [{ id: key, caseId, at: new Date(at), kind, actorId: actor.userId, actorName: actor.username, comment: to ? `改派给${to.username}` : '已释放认领' }],
          skipDuplicates: true,
        });
        await audit.record(
          { action: to ? 'task.reassign' : 'task.release', actor: { userId: actor.userId, role: actor.role }, target: { type: 'Task', id: taskId }, before: { assigneeId: from }, after: { assigneeId: to?.userId ?? null, caseId }, key: `task.assign:${key}` },
          tx,
        );
      });
    },

    /**
     * A reminder ahead of the due time (`ahead`), at it, or an escalation one level up its path: marks the task, writes
     * the timeline, mails once.
     */
    async notifyOverdueTask({
      process,
      caseId,
      workflowId,
      task,
      escalation,
      ahead = false,
      at,
    }: TaskRef & { workflowId: string; task: HumanTask; escalation: EscalationTarget | null; ahead?: boolean; at: number }) {
      const level = escalation?.level ?? 0;
      const who = escalation
        ? { role: escalation.role, jurisdictionCode: escalation.jurisdictionCode }
        : task.assigneeId
          ? { id: task.assigneeId }
          : { role: task.role, jurisdictionCode: task.jurisdictionCode, ...(task.department ? { department: task.department } : {}) };
      // Whoever may act: the submitter of reviewed work may not, so is not reminded.
      const notDeciders = task.separationOfDuties ? [task.submitterId, ...(task.excludedActorIds ?? [])].filter((id): id is string => !!id) : [];
      const excluded = !escalation && notDeciders.length ? { id: { notIn: notDeciders } } : {};
      const recipients = await db.user.findMany({ where: { ...who, ...excluded, active: true }, select: { email: true } });
      const step = processes.stepLabel(process, task.step);
      const place = await placeOf(task.jurisdictionCode);
      const kind = ahead ? 'TASK_DUE_SOON' : escalation ? 'TASK_ESCALATED' : 'TASK_OVERDUE';
      const key = ahead ? `${task.id}:due-soon` : `${task.id}:overdue:${level}`;

      await db.$transaction([
        ...(ahead ? [] : [db.task.update({ where: { id: task.id }, data: { escalationLevel: level, escalatedToCode: escalation?.jurisdictionCode ?? null } })]),
        db.timelineEvent.createMany({
          data: [
            {
              id: key,
              caseId,
              at: new Date(at),
              kind,
              step: task.step,
              comment: ahead ? '即将到期，已提醒办理人' : escalation ? `已上报至${await placeOf(escalation.jurisdictionCode)}督办` : '已到期，已提醒办理人',
            },
          ],
          skipDuplicates: true,
        }),
      ]);

      const link = `${publicUrl}${processes.casePath(process, caseId)}`;
      const subject = ahead
        ? `【AssistFlow 待办提醒】${place}“${step}”即将到期`
        : escalation
          ? `【AssistFlow 督办】${place}“${step}”逾期未办（第${level}级上报）`
          : `【AssistFlow 待办提醒】${place}“${step}”已到期`;
      const text = [
        ahead ? '您有一项待办即将到期，请按时办理：' : escalation ? `以下事项逾期未办，现上报督办：` : `您有一项待办已到办理期限，请尽快处理：`,
        `业务：${processes.processLabel(process)}`,
        `事项：${step}`,
        `辖区：${place}`,
        `办理期限：${beijingTime(task.dueAt)}（北京时间）`,
        `案件编号：${caseId}`,
        `查看（请先登录）：${link}`,
      ].join('\n');
      await sendOnce(
        { db, mailer },
        { idempotencyKey: `${workflowId}:${key}`, kind, caseId, taskId: task.id, to: recipients.map((r) => r.email), subject, text },
      );
    },
  };
}
