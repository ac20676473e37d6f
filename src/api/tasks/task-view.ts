import { departmentLabel } from '../../domain/departments';
import { vocabularyOf, type ProcessRegistry } from '../../domain/tasks/process';
import type { Role } from '../../domain/roles';
import { isOverdue, type Decision, type HumanTask } from '../../domain/tasks/task';
import type { Task } from '../../generated/prisma/client';

/** The read model's row in the shape the domain rules check, so the API refuses what the workflow would. */
export function asHumanTask(t: Task, processes?: ProcessRegistry): HumanTask {
  const vocabulary = vocabularyOf(processes?.get(t.process), t.step);
  return {
    ...(vocabulary && {
      reasonRequired: [...vocabulary.reasonRequired],
      decisionLabels: vocabulary.labels,
    }),
    id: t.id,
    step: t.step,
    role: t.role as Role,
    jurisdictionCode: t.jurisdictionCode,
    allowedDecisions: t.allowedDecisions as Decision[],
    submitterId: t.submitterId,
    separationOfDuties: t.separationOfDuties,
    excludedActorIds: t.excludedActorIds,
    assigneeId: t.assigneeId,
    department: t.department,
    status: t.status,
    openedAt: t.openedAt.getTime(),
    dueAt: t.dueAt.getTime(),
    reminded: false,
    escalationLevel: t.escalationLevel,
    escalatedToCode: t.escalatedToCode,
  };
}

/** A task as inboxes and case views show it. */
export function taskView(t: Task, now: Date, processes: ProcessRegistry) {
  return {
    id: t.id,
    caseId: t.caseId,
    process: t.process,
    processLabel: processes.processLabel(t.process),
    step: t.step,
    stepLabel: processes.stepLabel(t.process, t.step),
    department: t.department,
    departmentLabel: t.department ? departmentLabel(t.department) : null,
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
    decisionLabels: Object.fromEntries(t.allowedDecisions.map((d) => [d, processes.decisionLabel(t.process, d, t.step)])),
    /** The case's page in the web app. */
    casePath: processes.casePath(t.process, t.caseId),
  };
}

/** An inbox page (GET /api/tasks): a page of each list, with the list's total. */
export function inboxView(
  lists: {
    mine: Task[];
    total: number;
    escalated: Task[];
    escalatedTotal: number;
    /** 代办: absent colleagues' tasks, by colleague. */
    delegated: { onBehalfOf: { userId: string; username: string; displayName: string }; tasks: Task[] }[];
    delegatedTotal: number;
  },
  paging: { page: number; pageSize: number },
  now: Date,
  processes: ProcessRegistry,
) {
  return {
    items: lists.mine.map((t) => taskView(t, now, processes)),
    escalated: lists.escalated.map((t) => taskView(t, now, processes)),
    delegated: lists.delegated.flatMap(({ onBehalfOf, tasks }) =>
      tasks.map((t) => ({ ...taskView(t, now, processes), onBehalfOf, delegatedLabel: `代办（${onBehalfOf.displayName}）` })),
    ),
    delegatedTotal: lists.delegatedTotal,
    page: paging.page,
    pageSize: paging.pageSize,
    total: lists.total,
    escalatedTotal: lists.escalatedTotal,
  };
}
