import type { Prisma } from '../../generated/prisma/client';
import { stepLabel } from '../../domain/steps';
import type { Actor } from '../../domain/roles';
import type { EscalationTarget, HumanTask } from '../../domain/tasks/task';
import type { ActivityDeps } from '../deps';
import { caseLines } from '../mail/case-link';
import { beijingTime, sendOnce } from '../mail/notifications';

export interface TaskRef {
  process: string;
  caseId: string;
}

/** The read-model row of an open task, as every process writes it when it opens a step. */
export function openTaskRow(ref: TaskRef, workflowId: string, task: HumanTask): Prisma.TaskCreateInput {
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
    department: task.department ?? null,
    assigneeId: task.assigneeId,
    dueAt: new Date(task.dueAt),
    openedAt: new Date(task.openedAt),
  };
}

export function createTaskActivities({ db, mailer, publicUrl }: ActivityDeps) {
  const jurisdictionName = async (code: string) =>
    (await db.jurisdiction.findUnique({ where: { code }, select: { name: true } }))?.name ?? code;

  return {
    async recordTaskClaim({ caseId, taskId, actor, at }: TaskRef & { taskId: string; actor: Actor; at: number }) {
      await db.$transaction([
        db.task.update({ where: { id: taskId }, data: { assigneeId: actor.userId } }),
        db.timelineEvent.createMany({
          data: [{ id: `${taskId}:claim:${actor.userId}`, caseId, at: new Date(at), kind: 'TASK_CLAIMED', actorId: actor.userId, actorName: actor.username }],
          skipDuplicates: true,
        }),
      ]);
    },

    /** Reminder (no escalation) or escalation one level up: marks the task, writes the timeline, mails once. */
    async notifyOverdueTask({
      process,
      caseId,
      workflowId,
      task,
      escalation,
      at,
    }: TaskRef & { workflowId: string; task: HumanTask; escalation: EscalationTarget | null; at: number }) {
      const level = escalation?.level ?? 0;
      const who = escalation
        ? { role: escalation.role, jurisdictionCode: escalation.jurisdictionCode }
        : task.assigneeId
          ? { id: task.assigneeId }
          : { role: task.role, jurisdictionCode: task.jurisdictionCode };
      // Whoever may act: the submitter of reviewed work may not, so is not reminded.
      const excluded = !escalation && task.separationOfDuties && task.submitterId ? { NOT: { id: task.submitterId } } : {};
      const recipients = await db.user.findMany({ where: { ...who, ...excluded, active: true }, select: { email: true } });
      const step = stepLabel(process, task.step);
      const place = await jurisdictionName(task.jurisdictionCode);
      const kind = escalation ? 'TASK_ESCALATED' : 'TASK_OVERDUE';

      await db.$transaction([
        db.task.update({
          where: { id: task.id },
          data: { escalationLevel: level, escalatedToCode: escalation?.jurisdictionCode ?? null },
        }),
        db.timelineEvent.createMany({
          data: [{ id: `${task.id}:overdue:${level}`, caseId, at: new Date(at), kind, step: task.step, comment: escalation ? `已上报至${await jurisdictionName(escalation.jurisdictionCode)}督办` : '已到期，已提醒办理人' }],
          skipDuplicates: true,
        }),
      ]);

      const subject = escalation
        ? `【AssistFlow 督办】${place}“${step}”逾期未办（第${level}级上报）`
        : `【AssistFlow 待办提醒】${place}“${step}”已到期`;
      const text = [
        escalation ? `以下事项逾期未办，现上报督办：` : `您有一项待办已到办理期限，请尽快处理：`,
        `事项：${step}`,
        `辖区：${place}`,
        `办理期限：${beijingTime(task.dueAt)}（北京时间）`,
        ...(await caseLines(db, publicUrl, caseId)),
      ].join('\n');
      await sendOnce(
        { db, mailer },
        { idempotencyKey: `${workflowId}:${task.id}:overdue:${level}`, kind, caseId, taskId: task.id, to: recipients.map((r) => r.email), subject, text },
      );
    },
  };
}
