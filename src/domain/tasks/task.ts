import { ErrorCode, type Refusal } from '../errors';
import { isWithin, jurisdictionLevel, parentJurisdiction } from '../jurisdictions';
import { roleLabels, supervisorRoleAt, type Actor, type Role } from '../roles';

/** The human-task primitive every process uses for its steps: pure rules, no I/O, no Temporal. */

export const decisions = ['approve', 'return', 'reject'] as const;
export type Decision = (typeof decisions)[number];

export const decisionLabels: Record<Decision, string> = {
  approve: '通过',
  return: '退回补充',
  reject: '不予通过',
};

export type TaskStatus = 'OPEN' | 'COMPLETED' | 'CANCELLED';

/** What a process asks for when it opens a step. */
export interface TaskSpec {
  step: string;
  role: Role;
  jurisdictionCode: string;
  allowedDecisions: Decision[];
  /** Who produced the work this step reviews; with separationOfDuties they may not decide it. */
  submitterId: string | null;
  separationOfDuties: boolean;
  dueInMs: number;
  /** Only officers of this department may act (a department's measure). */
  department?: string | null;
}

export interface HumanTask {
  id: string;
  step: string;
  role: Role;
  jurisdictionCode: string;
  allowedDecisions: Decision[];
  submitterId: string | null;
  separationOfDuties: boolean;
  assigneeId: string | null;
  department: string | null;
  status: TaskStatus;
  openedAt: number;
  dueAt: number;
  reminded: boolean;
  /** 0 until escalated; then how many levels up the jurisdiction tree it has gone. */
  escalationLevel: number;
  escalatedToCode: string | null;
}

export interface DecisionRequest {
  taskId: string;
  decision: Decision;
  comment?: string;
  actor: Actor;
}

export function openTask(id: string, spec: TaskSpec, now: number): HumanTask {
  return {
    id,
    step: spec.step,
    role: spec.role,
    jurisdictionCode: spec.jurisdictionCode,
    allowedDecisions: spec.allowedDecisions,
    submitterId: spec.submitterId,
    separationOfDuties: spec.separationOfDuties,
    assigneeId: null,
    department: spec.department ?? null,
    status: 'OPEN',
    openedAt: now,
    dueAt: now + spec.dueInMs,
    reminded: false,
    escalationLevel: 0,
    escalatedToCode: null,
  };
}

/** Why this actor may not act on this task at all (claim or decide); null when they may. */
export function refuseActor(task: HumanTask | undefined, actor: Actor): Refusal | null {
  if (!task) return { code: ErrorCode.NOT_FOUND, reason: '任务不存在' };
  if (task.status !== 'OPEN') return { code: ErrorCode.CONFLICT, reason: '该任务已办结，不能再次处理' };
  if (actor.role !== task.role) {
    return { code: ErrorCode.FORBIDDEN, reason: `此步骤须由${roleLabels[task.role]}办理` };
  }
  if (!isWithin(task.jurisdictionCode, actor.jurisdictionCode)) {
    return { code: ErrorCode.FORBIDDEN, reason: '该任务不在您的辖区内' };
  }
  // `?? null` keeps tasks opened before departments were recorded open to every officer, as they were.
  if ((task.department ?? null) !== null && task.department !== actor.department) {
    return { code: ErrorCode.FORBIDDEN, reason: '该任务由其他部门办理' };
  }
  if (task.separationOfDuties && task.submitterId === actor.userId) {
    return { code: ErrorCode.FORBIDDEN, reason: '不能审核自己提交的步骤：审核须由提交人以外的人员办理' };
  }
  if (task.assigneeId && task.assigneeId !== actor.userId) {
    return { code: ErrorCode.FORBIDDEN, reason: '该任务已由其他人员认领' };
  }
  return null;
}

/** Why this decision may not be taken; null when it may. The workflow's Update validator runs exactly this. */
export function refuseDecision(task: HumanTask | undefined, request: DecisionRequest): Refusal | null {
  const refusal = refuseActor(task, request.actor);
  if (refusal || !task) return refusal;
  if (task.allowedDecisions.length === 0) {
    return { code: ErrorCode.VALIDATION, path: 'decision', reason: '此任务通过登记办理结果完成（例如登记走访），不需要审批' };
  }
  if (!task.allowedDecisions.includes(request.decision)) {
    return { code: ErrorCode.VALIDATION, path: 'decision', reason: `此步骤不能选择“${decisionLabels[request.decision]}”` };
  }
  if (request.decision !== 'approve' && !request.comment?.trim()) {
    return { code: ErrorCode.VALIDATION, path: 'comment', reason: `选择“${decisionLabels[request.decision]}”时必须填写原因` };
  }
  return null;
}

export interface EscalationTarget {
  level: number;
  jurisdictionCode: string;
  role: Role;
}

/** Who a task escalates to at `level` (1 = one level up from the task's jurisdiction); null above the district. */
export function escalationTarget(taskJurisdiction: string, level: number): EscalationTarget | null {
  let code: string | null = taskJurisdiction;
  for (let i = 0; i < level && code; i++) code = parentJurisdiction(code);
  const at = code ? jurisdictionLevel(code) : null;
  if (!code || (at !== 'TOWN' && at !== 'DISTRICT')) return null;
  return { level, jurisdictionCode: code, role: supervisorRoleAt[at] };
}

export type ClockEvent = { at: number; kind: 'REMIND' } | { at: number; kind: 'ESCALATE'; target: EscalationTarget };

/** The task's next SLA event: a reminder at the due time, then one escalation per further period, up to the district. */
export function nextClockEvent(task: HumanTask, escalationAfterMs: number): ClockEvent | null {
  if (task.status !== 'OPEN') return null;
  if (!task.reminded) return { at: task.dueAt, kind: 'REMIND' };
  const level = task.escalationLevel + 1;
  const target = escalationTarget(task.jurisdictionCode, level);
  if (!target) return null;
  return { at: task.dueAt + level * escalationAfterMs, kind: 'ESCALATE', target };
}

export function isOverdue(task: Pick<HumanTask, 'status' | 'dueAt'>, now: number): boolean {
  return task.status === 'OPEN' && now >= task.dueAt;
}

/** The read model's timeline entry of a task's decision: the activity writes it once, the API finds a retried decision's first answer in it. */
export function decisionEventId(taskId: string): string {
  return `${taskId}:decided`;
}
