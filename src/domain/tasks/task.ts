import { ErrorCode, type Refusal } from '../errors';
import type { ActorAssertion } from './actor-assertion';
import { isWithin, jurisdictionLevel, parentJurisdiction } from '../jurisdictions';
import { roleLabels, supervisorRoleAt, type Actor, type Role } from '../roles';

/** The human-task primitive every process uses for its steps: pure rules, no I/O, no Temporal. */

/** The review vocabulary (approve / return for more information / reject), the default of every step. */
export const decisions = ['approve', 'return', 'reject'] as const;
export type ReviewDecision = (typeof decisions)[number];
/** A decision code: one of the vocabulary its process declares for the step (see ./process.ts). */
export type Decision = string;

export const decisionLabels: Record<ReviewDecision, string> = {
  approve: '通过',
  return: '退回补充',
  reject: '不予通过',
};
/** Review decisions that need a reason. */
export const reviewReasonRequired: readonly string[] = ['return', 'reject'];

/** Who an overdue task escalates to: up the jurisdiction tree (village → town → district), or a list of roles in turn. */
export type EscalationPath = { path: 'TREE' } | { path: 'ROLES'; roles: Role[] };

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
  /** Others who produced or raised the step's subject along its chain (the reporter, an objection's filer): with separationOfDuties they may not decide it either. */
  excludedActorIds?: string[];
  dueInMs: number;
  /** Only officers of this department may act (a department's measure). */
  department?: string | null;
  /** A calendar deadline's instant (./calendar.ts); when set it is the due time and dueInMs is ignored. */
  dueAt?: number;
  /** A reminder this long before the due time, besides the one at the due time. */
  remindBeforeMs?: number;
  /** Absent in tasks opened before the kit: up the tree, stopping at the district. */
  escalation?: EscalationPath;
  /** This step's escalation period, instead of its case's. */
  escalationAfterMs?: number;
  /** Decisions that need a reason (comment); the review vocabulary's return and reject when absent. */
  reasonRequired?: string[];
  /** Labels of the step's decisions, for refusals; the review vocabulary's when absent. */
  decisionLabels?: Record<string, string>;
}

export interface HumanTask {
  id: string;
  step: string;
  role: Role;
  jurisdictionCode: string;
  allowedDecisions: Decision[];
  submitterId: string | null;
  separationOfDuties: boolean;
  excludedActorIds?: string[];
  assigneeId: string | null;
  department: string | null;
  status: TaskStatus;
  openedAt: number;
  dueAt: number;
  reminded: boolean;
  /** 0 until escalated; then how many levels up the jurisdiction tree it has gone. */
  escalationLevel: number;
  escalatedToCode: string | null;
  remindBeforeMs?: number;
  /** The reminder before the due time has been sent. */
  preReminded?: boolean;
  escalation?: EscalationPath;
  escalationAfterMs?: number;
  reasonRequired?: string[];
  decisionLabels?: Record<string, string>;
}

export interface DecisionRequest {
  taskId: string;
  decision: Decision;
  comment?: string;
  actor: Actor;
  /** Where the request came from, for the audit entry the recording activity writes. */
  clientAddress?: string | null;
  /** The API's signed word for `actor`, added by its Temporal client (./actor-assertion.ts). */
  assertion?: ActorAssertion;
}

export function openTask(id: string, spec: TaskSpec, now: number): HumanTask {
  const task: HumanTask = {
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
    dueAt: spec.dueAt ?? now + spec.dueInMs,
    reminded: false,
    escalationLevel: 0,
    escalatedToCode: null,
  };
  // Only what a step declares: tasks of processes that use none of it stay as small as before the kit.
  if (spec.excludedActorIds?.length) task.excludedActorIds = [...new Set(spec.excludedActorIds)].filter((id) => id !== spec.submitterId);
  if (spec.remindBeforeMs) Object.assign(task, { remindBeforeMs: spec.remindBeforeMs, preReminded: false });
  if (spec.escalation) task.escalation = spec.escalation;
  if (spec.escalationAfterMs !== undefined) task.escalationAfterMs = spec.escalationAfterMs;
  if (spec.reasonRequired) task.reasonRequired = spec.reasonRequired;
  if (spec.decisionLabels) task.decisionLabels = spec.decisionLabels;
  return task;
}

/** A decision's label as the task's process names it. */
export function decisionLabelOf(task: Pick<HumanTask, 'decisionLabels'>, decision: string): string {
  return task.decisionLabels?.[decision] ?? (decisionLabels as Record<string, string>)[decision] ?? decision;
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
  // Separation of duties holds for both people when one stands in for another.
  const people = [actor.userId, ...(actor.onBehalfOf ? [actor.onBehalfOf.userId] : [])];
  if (task.separationOfDuties && task.submitterId && people.includes(task.submitterId)) {
    return { code: ErrorCode.FORBIDDEN, reason: '不能审核自己提交的步骤：审核须由提交人以外的人员办理' };
  }
  if (task.separationOfDuties && task.excludedActorIds?.some((id) => people.includes(id))) {
    return { code: ErrorCode.FORBIDDEN, reason: '不能办理自己经手的事项：您曾登记、提出或办理过本步骤所审核的内容，须由其他人员办理' };
  }
  if (task.assigneeId && !people.includes(task.assigneeId)) {
    return { code: ErrorCode.FORBIDDEN, reason: '该任务已由其他人员认领' };
  }
  return null;
}

/**
 * Whether `actor` supervises the task's work: the town reviewer over its villages' tasks, the district approver over
 * every task of the district, and admins (who manage the accounts whose claims may need releasing).
 */
export function supervisesTask(actor: Actor, task: Pick<HumanTask, 'jurisdictionCode'>): boolean {
  if (actor.role === 'ADMIN') return true;
  if (actor.role === 'DISTRICT_APPROVER') return isWithin(task.jurisdictionCode, actor.jurisdictionCode);
  return actor.role === 'TOWN_REVIEWER' && jurisdictionLevel(task.jurisdictionCode) === 'VILLAGE' && isWithin(task.jurisdictionCode, actor.jurisdictionCode);
}

/** Why this actor may not release the task's claim; null when they may: the claimer, or whoever supervises the task. */
export function refuseRelease(task: HumanTask | undefined, actor: Actor): Refusal | null {
  if (!task) return { code: ErrorCode.NOT_FOUND, reason: '任务不存在' };
  if (task.status !== 'OPEN') return { code: ErrorCode.CONFLICT, reason: '该任务已办结，不能再次处理' };
  if (!task.assigneeId) return { code: ErrorCode.CONFLICT, reason: '该任务未被认领，无需释放' };
  if (task.assigneeId === actor.userId || supervisesTask(actor, task)) return null;
  return { code: ErrorCode.FORBIDDEN, reason: '只有认领人本人或上级督办人员（乡镇审核、区级审批、系统管理员）可以释放该任务' };
}

/** Why the task may not be handed to `to` by `actor`; null when it may: a supervisor hands it to someone who may act on it. */
export function refuseReassign(task: HumanTask | undefined, actor: Actor, to: Actor): Refusal | null {
  if (!task) return { code: ErrorCode.NOT_FOUND, reason: '任务不存在' };
  if (task.status !== 'OPEN') return { code: ErrorCode.CONFLICT, reason: '该任务已办结，不能再次处理' };
  if (!supervisesTask(actor, task)) return { code: ErrorCode.FORBIDDEN, reason: '只有上级督办人员（乡镇审核、区级审批、系统管理员）可以改派任务' };
  if (task.assigneeId === to.userId) return { code: ErrorCode.CONFLICT, reason: '该任务已由此人办理' };
  const cannot = refuseActor({ ...task, assigneeId: null }, to);
  return cannot ? { code: ErrorCode.VALIDATION, path: 'username', reason: `不能改派给该人员：${cannot.reason}` } : null;
}

/** Why this decision may not be taken; null when it may. The workflow's Update validator runs exactly this. */
export function refuseDecision(task: HumanTask | undefined, request: DecisionRequest): Refusal | null {
  const refusal = refuseActor(task, request.actor);
  if (refusal || !task) return refusal;
  if (task.allowedDecisions.length === 0) {
    return { code: ErrorCode.VALIDATION, path: 'decision', reason: '此任务通过登记办理结果完成（例如登记走访），不需要审批' };
  }
  if (!task.allowedDecisions.includes(request.decision)) {
    const allowed = task.allowedDecisions.map((d) => `${d}（${decisionLabelOf(task, d)}）`).join('、');
    return { code: ErrorCode.VALIDATION, path: 'decision', reason: `此步骤不能选择“${decisionLabelOf(task, request.decision)}”，可选：${allowed}` };
  }
  const needsReason = (task.reasonRequired ?? reviewReasonRequired).includes(request.decision);
  if (needsReason && !request.comment?.trim()) {
    return { code: ErrorCode.VALIDATION, path: 'comment', reason: `选择“${decisionLabelOf(task, request.decision)}”时必须填写原因` };
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

/** The district a jurisdiction code lies in (its first six digits). */
const districtOf = (code: string) => code.slice(0, 6);

/**
 * Who this task escalates to at `level`, by its path: up the tree, or the path's roles in turn at the district. A task
 * of the kit (one that names its path) at the district whose role is not the district approver's escalates to the
 * district approver once the tree has nowhere further to go; tasks opened before the kit stop at the district.
 */
export function escalationTargetOf(task: Pick<HumanTask, 'jurisdictionCode' | 'role' | 'escalation'>, level: number): EscalationTarget | null {
  const path = task.escalation;
  if (path?.path === 'ROLES') {
    const role = path.roles[level - 1];
    return role ? { level, jurisdictionCode: districtOf(task.jurisdictionCode), role } : null;
  }
  const up = escalationTarget(task.jurisdictionCode, level);
  if (up || !path) return up;
  const levelsInTree = jurisdictionLevel(task.jurisdictionCode) === 'VILLAGE' ? 2 : jurisdictionLevel(task.jurisdictionCode) === 'TOWN' ? 1 : 0;
  const ownRoleIsApprover = levelsInTree === 0 && task.role === 'DISTRICT_APPROVER';
  if (level === levelsInTree + 1 && levelsInTree === 0 && !ownRoleIsApprover) {
    return { level, jurisdictionCode: districtOf(task.jurisdictionCode), role: 'DISTRICT_APPROVER' };
  }
  return null;
}

export type ClockEvent =
  | { at: number; kind: 'REMIND_BEFORE' }
  | { at: number; kind: 'REMIND' }
  | { at: number; kind: 'ESCALATE'; target: EscalationTarget };

/**
 * The task's next SLA event: a reminder ahead of the due time when the step asks for one, a reminder at the due time,
 * then one escalation per further period along its escalation path.
 */
export function nextClockEvent(task: HumanTask, escalationAfterMs: number): ClockEvent | null {
  if (task.status !== 'OPEN') return null;
  if (task.remindBeforeMs && !task.preReminded && !task.reminded) {
    const at = task.dueAt - task.remindBeforeMs;
    if (at > task.openedAt) return { at, kind: 'REMIND_BEFORE' };
  }
  if (!task.reminded) return { at: task.dueAt, kind: 'REMIND' };
  const level = task.escalationLevel + 1;
  const target = escalationTargetOf(task, level);
  if (!target) return null;
  return { at: task.dueAt + level * (task.escalationAfterMs ?? escalationAfterMs), kind: 'ESCALATE', target };
}

export function isOverdue(task: Pick<HumanTask, 'status' | 'dueAt'>, now: number): boolean {
  return task.status === 'OPEN' && now >= task.dueAt;
}

/** The read model's timeline entry of a task's decision: the activity writes it once, the API finds a retried decision's first answer in it. */
export function decisionEventId(taskId: string): string {
  return `${taskId}:decided`;
}
