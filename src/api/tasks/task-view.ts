import { processLabels, stepLabel } from '../../domain/steps';
import { decisionLabels, isOverdue, type Decision } from '../../domain/tasks/task';
import type { Task } from '../../generated/prisma/client';

/** A task as inboxes and case views show it. */
export function taskView(t: Task, now: Date) {
  return {
    id: t.id,
    caseId: t.caseId,
    process: t.process,
    processLabel: processLabels[t.process] ?? t.process,
    step: t.step,
    stepLabel: stepLabel(t.process, t.step),
    role: t.role,
    jurisdictionCode: t.jurisdictionCode,
    assigneeId: t.assigneeId,
    openedAt: t.openedAt.toISOString(),
    dueAt: t.dueAt.toISOString(),
    overdue: isOverdue({ status: t.status, dueAt: t.dueAt.getTime() }, now.getTime()),
    escalated: t.escalationLevel > 0,
    escalationLevel: t.escalationLevel,
    escalatedToCode: t.escalatedToCode,
    allowedDecisions: t.allowedDecisions,
    decisionLabels: Object.fromEntries(t.allowedDecisions.map((d) => [d, decisionLabels[d as Decision]])),
  };
}
