import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Refusal } from '../../domain/errors';
import type { Actor } from '../../domain/roles';
import {
  nextClockEvent,
  openTask,
  refuseActor,
  refuseDecision,
  type ClockEvent,
  type DecisionRequest,
  type HumanTask,
  type TaskSpec,
} from '../../domain/tasks/task';
import type { createTaskActivities } from '../../activities/tasks/task-activities';
import { overdueKey } from '../search-attributes';

/** The shared human-task primitive inside a workflow: task state, decision Updates, SLA clocks. */

export interface DecisionResult {
  caseId: string;
  stage: string;
}
export interface ClaimRequest {
  taskId: string;
  actor: Actor;
}

export const completeTaskUpdate = defineUpdate<DecisionResult, [DecisionRequest]>('completeTask');
export const claimTaskUpdate = defineUpdate<HumanTask, [ClaimRequest]>('claimTask');
export const openTasksQuery = defineQuery<HumanTask[]>('openTasks');

const taskActivities = proxyActivities<ReturnType<typeof createTaskActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['VALIDATION'] },
});

function failure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ type: refusal.code, message: refusal.reason, nonRetryable: true });
}

export interface CaseRef {
  process: string;
  caseId: string;
}

interface Pending {
  task: HumanTask;
  request: DecisionRequest;
  at: number;
}

/** What a board carries into the next run of a continued-as-new workflow: its open tasks, with their clocks' state. */
export interface BoardSnapshot {
  sequence: number;
  tasks: HumanTask[];
}

export class TaskBoard {
  private readonly tasks = new Map<string, HumanTask>();
  private readonly pending: Pending[] = [];
  private readonly results = new Map<string, DecisionResult>();
  private sequence = 0;
  /** Bumped on every change the clock loop must notice. */
  private version = 0;
  /** A reminder or escalation is being sent. */
  private firing = false;

  constructor(
    private readonly ref: CaseRef,
    private escalationAfterMs: number,
  ) {
    setHandler(openTasksQuery, () => this.openTasks());
    setHandler(
      completeTaskUpdate,
      async (request) => {
        // Another Update may have closed or claimed the task since validation; the rules themselves were checked
        // by the validator, which replay does not run, so a later rule change cannot break accepted decisions.
        const task = this.tasks.get(request.taskId);
        const refusal = this.raceRefusal(request.taskId, request.actor);
        if (refusal || !task) throw failure(refusal!);
        task.status = 'COMPLETED';
        task.assigneeId = request.actor.userId;
        this.pending.push({ task, request, at: Date.now() });
        this.version++;
        await condition(() => this.results.has(task.id));
        const result = this.results.get(task.id)!;
        this.results.delete(task.id);
        return result;
      },
      { validator: (request) => this.validate(this.refusal(request.taskId) ?? refuseDecision(this.tasks.get(request.taskId), request)) },
    );
    setHandler(
      claimTaskUpdate,
      async ({ taskId, actor }) => {
        const task = this.tasks.get(taskId);
        const refusal = this.raceRefusal(taskId, actor);
        if (refusal || !task) throw failure(refusal!);
        task.assigneeId = actor.userId;
        await taskActivities.recordTaskClaim({ ...this.ref, taskId, actor, at: Date.now() });
        return { ...task };
      },
      { validator: ({ taskId, actor }) => this.validate(this.refusal(taskId) ?? refuseActor(this.tasks.get(taskId), actor)) },
    );
  }

  private refusal(taskId: string): Refusal | null {
    return this.isClosed(taskId) ? { code: 'CONFLICT', reason: '该任务已办结，不能再次处理' } : null;
  }

  /**
   * The task was opened by this case and is no longer on the board: a late decision is told "already done" rather
   * than "no such task", also for a task closed in a run before continue-as-new (ids count on across runs).
   */
  private isClosed(taskId: string): boolean {
    const prefix = `${this.ref.caseId}.`;
    if (!taskId.startsWith(prefix) || this.tasks.has(taskId)) return false;
    const n = Number(taskId.slice(prefix.length));
    return Number.isInteger(n) && n >= 1 && n <= this.sequence;
  }

  /** What another Update can have changed between validation and handling: the task closed, or claimed by someone else. */
  private raceRefusal(taskId: string, actor: Actor): Refusal | null {
    const task = this.tasks.get(taskId);
    if (!task || task.status !== 'OPEN') return { code: 'CONFLICT', reason: '该任务已办结，不能再次处理' };
    if (task.assigneeId && task.assigneeId !== actor.userId) return { code: 'FORBIDDEN', reason: '该任务已由其他人员认领' };
    return null;
  }

  /** Synchronous, so a refused Update leaves no trace in history. */
  private validate(refusal: Refusal | null): void {
    if (refusal) throw failure(refusal);
  }

  /** A new policy version applies: escalations from now on follow its period. */
  setEscalationAfter(ms: number): void {
    this.escalationAfterMs = ms;
    this.version++;
  }

  /** Picks up where the previous run stopped: the same open tasks and clocks, and task ids that go on counting. */
  restore(snapshot: BoardSnapshot): void {
    this.sequence = snapshot.sequence;
    for (const task of snapshot.tasks) this.tasks.set(task.id, { ...task });
    this.version++;
  }

  snapshot(): BoardSnapshot {
    return { sequence: this.sequence, tasks: this.openTasks().map((t) => ({ ...t })) };
  }

  /** Nothing in flight: no decision waiting to be processed and no notice being sent, so the board can be snapshotted. */
  quiet(): boolean {
    return this.pending.length === 0 && !this.firing;
  }

  /** Opens a step in workflow state; the process persists it with its own transition. */
  open(spec: TaskSpec): HumanTask {
    this.sequence++;
    const task = openTask(`${this.ref.caseId}.${this.sequence}`, spec, Date.now());
    this.tasks.set(task.id, task);
    this.version++;
    return task;
  }

  openTasks(): HumanTask[] {
    return [...this.tasks.values()].filter((t) => t.status === 'OPEN');
  }

  /** Open tasks of a step. */
  openOf(step: string): HumanTask[] {
    return this.openTasks().filter((t) => t.step === step);
  }

  hasPendingDecision(): boolean {
    return this.pending.length > 0;
  }

  /** The next decision a caseworker made, in arrival order; call when hasPendingDecision(). */
  takeDecision(): Pending {
    const next = this.pending.shift();
    if (!next) throw new Error('no pending decision');
    return next;
  }

  /** Takes out the waiting decisions on tasks that no longer matter (their stage is over), to void them. */
  takeDecisionsWhere(matches: (task: HumanTask) => boolean): Pending[] {
    const taken = this.pending.filter((p) => matches(p.task));
    for (const p of taken) this.pending.splice(this.pending.indexOf(p), 1);
    return taken;
  }

  /** Closes a task that is done by recording its result (a visit), not by a decision. */
  complete(taskId: string, actorId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    task.status = 'COMPLETED';
    task.assigneeId = actorId;
    this.tasks.delete(taskId);
    this.version++;
  }

  /** Closes a task nobody needs to decide any more (the case ended or moved past it); its clock stops. */
  cancel(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    task.status = 'CANCELLED';
    this.tasks.delete(taskId);
    this.version++;
  }

  /** The decision is persisted: answer the Update that made it and drop the closed task from state. */
  settle(taskId: string, result: DecisionResult): void {
    this.results.set(taskId, result);
    this.tasks.delete(taskId);
    this.version++;
  }

  /** Reminder at the due time, then escalation up the jurisdiction tree; runs for the workflow's life. */
  async runClocks(): Promise<void> {
    for (;;) {
      const seen = this.version;
      const next = this.earliestClockEvent();
      if (!next) {
        await condition(() => this.version !== seen);
        continue;
      }
      const wait = next.event.at - Date.now();
      if (wait > 0 && (await condition(() => this.version !== seen, wait))) continue;
      await this.fire(next.task, next.event);
    }
  }

  private earliestClockEvent(): { task: HumanTask; event: ClockEvent } | null {
    let best: { task: HumanTask; event: ClockEvent } | null = null;
    for (const task of this.openTasks()) {
      const event = nextClockEvent(task, this.escalationAfterMs);
      if (event && (!best || event.at < best.event.at)) best = { task, event };
    }
    return best;
  }

  private async fire(task: HumanTask, event: ClockEvent): Promise<void> {
    this.firing = true;
    try {
      await this.notify(task, event);
    } finally {
      this.firing = false;
    }
    this.version++;
  }

  private async notify(task: HumanTask, event: ClockEvent): Promise<void> {
    if (event.kind === 'REMIND') {
      task.reminded = true;
      upsertSearchAttributes([{ key: overdueKey, value: true }]);
      await taskActivities.notifyOverdueTask({ ...this.ref, workflowId: workflowInfo().workflowId, task: { ...task }, escalation: null, at: Date.now() });
    } else {
      task.escalationLevel = event.target.level;
      task.escalatedToCode = event.target.jurisdictionCode;
      await taskActivities.notifyOverdueTask({
        ...this.ref,
        workflowId: workflowInfo().workflowId,
        task: { ...task },
        escalation: event.target,
        at: Date.now(),
      });
    }
  }

  /** Clears the workflow's overdue flag once no open task is past due. */
  refreshOverdueFlag(): void {
    const overdue = this.openTasks().some((t) => t.reminded);
    upsertSearchAttributes([{ key: overdueKey, value: overdue }]);
  }
}
