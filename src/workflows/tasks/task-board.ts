import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Refusal } from '../../domain/errors';
import type { Actor } from '../../domain/roles';
import { claimTaskUpdate, completeTaskUpdate, openTasksQuery, reassignTaskUpdate, releaseTaskUpdate, type DecisionResult, type Transition } from '../../domain/tasks/messages';
import {
  nextClockEvent,
  openTask,
  refuseActor,
  refuseDecision,
  refuseReassign,
  refuseRelease,
  type ClockEvent,
  type DecisionRequest,
  type HumanTask,
  type TaskSpec,
} from '../../domain/tasks/task';
import type { createTaskActivities } from '../../activities/tasks/task-activities';
import { overdueKey } from '../../temporal/search-attributes';

/** The shared human-task primitive inside a workflow: task state, decision Updates, SLA clocks, recording. */

export { claimTaskUpdate, completeTaskUpdate, openTasksQuery, reassignTaskUpdate, releaseTaskUpdate } from '../../domain/tasks/messages';
export type { DecisionResult } from '../../domain/tasks/messages';

type TaskActivities = ReturnType<typeof createTaskActivities>;
const retry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['VALIDATION'] };
const taskActivities = proxyActivities<TaskActivities>({ startToCloseTimeout: '30 seconds', retry });
const localTaskActivities = proxyLocalActivities<TaskActivities>({ startToCloseTimeout: '30 seconds', retry });
/**
 * The activities a process recorded its steps with before the kit, by name: histories written then replay only
 * against the same activity types, so a board of such a case records through them (registered as aliases of
 * `recordTransition`, see src/activities/index.ts).
 */
const legacyRecorders = proxyActivities<Record<string, (t: Transition) => Promise<void>>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const legacyLocalRecorders = proxyLocalActivities<Record<string, (t: Transition) => Promise<void>>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function failure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ type: refusal.code, message: refusal.reason, nonRetryable: true });
}

export interface CaseRef {
  process: string;
  caseId: string;
}

export interface BoardOptions {
  /** The case's escalation period (its pinned policy's); a step may declare its own. */
  escalationAfterMs: number;
  /**
   * A case started before the kit (its history has no `task-kit` patch marker): the board writes the overdue flag and
   * records its steps exactly where that code did, so the history replays.
   */
  legacy?: boolean;
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

/** How a process records a step: what it adds to the task changes the board has collected since the last record. */
export type StepRecord<Change> = Omit<Transition<Change>, 'process' | 'caseId' | 'workflowId' | 'opened' | 'cancelled' | 'completed'> & {
  /** Cases started before the kit recorded this step with this activity (see BoardOptions.legacy). */
  legacyActivity?: string;
  /** Record in the workflow task itself (a local activity) also for cases that record the rest through activities, e.g. a new case's registration. */
  local?: boolean;
};

/** Which event of which task a clock waits for, and when. */
const clockKey = (next: { task: HumanTask; event: ClockEvent } | null): string | null => (next ? `${next.task.id}:${next.event.kind}:${next.event.at}` : null);

export class TaskBoard<R extends DecisionResult = DecisionResult> {
  private readonly tasks = new Map<string, HumanTask>();
  private readonly pending: Pending[] = [];
  private readonly results = new Map<string, R>();
  /** Task rows to write with the next record: opened, cancelled, completed by a result. */
  private opened: HumanTask[] = [];
  private cancelled: string[] = [];
  private completed: { taskId: string; actorId: string }[] = [];
  private sequence = 0;
  /** Bumped on every change the clock loop must notice. */
  private version = 0;
  /** A reminder or escalation is being sent. */
  private firing = false;
  /** The overdue flag as last written to the search attribute. */
  private overdueFlag = false;
  private escalationAfterMs: number;
  private readonly legacy: boolean;
  /**
   * Every step is recorded in the workflow task that takes it (a local activity): the decision's Update is answered
   * in that one workflow task, with no activity task through the server. Cases that recorded through ordinary
   * activities before keep doing so (their histories name them).
   */
  private readonly recordLocally: boolean;

  constructor(
    private readonly ref: CaseRef,
    options: BoardOptions,
  ) {
    this.escalationAfterMs = options.escalationAfterMs;
    this.legacy = options.legacy ?? false;
    this.recordLocally = !this.legacy && patched('record-steps-locally');
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
    setHandler(
      releaseTaskUpdate,
      async ({ taskId, actor }) => {
        const task = this.tasks.get(taskId);
        const refusal = this.refusal(taskId) ?? refuseRelease(task, actor);
        if (refusal || !task) throw failure(refusal!);
        const from = task.assigneeId;
        task.assigneeId = null;
        await taskActivities.recordTaskAssignment({ ...this.ref, taskId, from, to: null, actor, at: Date.now() });
        return { ...task };
      },
      { validator: ({ taskId, actor }) => this.validate(this.refusal(taskId) ?? refuseRelease(this.tasks.get(taskId), actor)) },
    );
    setHandler(
      reassignTaskUpdate,
      async ({ taskId, actor, to }) => {
        const task = this.tasks.get(taskId);
        const refusal = this.refusal(taskId) ?? refuseReassign(task, actor, to);
        if (refusal || !task) throw failure(refusal!);
        const from = task.assigneeId;
        task.assigneeId = to.userId;
        await taskActivities.recordTaskAssignment({ ...this.ref, taskId, from, to, actor, at: Date.now() });
        return { ...task };
      },
      { validator: ({ taskId, actor, to }) => this.validate(this.refusal(taskId) ?? refuseReassign(this.tasks.get(taskId), actor, to)) },
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
    if (task.assigneeId && task.assigneeId !== actor.userId && task.assigneeId !== actor.onBehalfOf?.userId) return { code: 'FORBIDDEN', reason: '该任务已由其他人员认领' };
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
    // The previous run wrote the flag; this run's attributes carry it over.
    this.overdueFlag = snapshot.tasks.some((t) => t.reminded);
    this.version++;
  }

  snapshot(): BoardSnapshot {
    return { sequence: this.sequence, tasks: this.openTasks().map((t) => ({ ...t })) };
  }

  /** Nothing in flight: no decision waiting to be processed and no notice being sent, so the board can be snapshotted. */
  quiet(): boolean {
    return this.pending.length === 0 && !this.firing;
  }

  /** Opens a step in workflow state; its row is written with the next record(). */
  open(spec: TaskSpec): HumanTask {
    this.sequence++;
    const task = openTask(`${this.ref.caseId}.${this.sequence}`, spec, Date.now());
    this.tasks.set(task.id, task);
    this.opened.push(task);
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
    this.completed.push({ taskId, actorId });
    this.version++;
    if (!this.legacy) this.syncOverdueFlag();
  }

  /** Closes a task nobody needs to decide any more (the case ended or moved past it); its clock stops. */
  cancel(taskId: string): void {
    const task = this.tasks.get(taskId);
    // A decided task waiting to be settled is voided: its row is cancelled too.
    if (!task) return;
    task.status = 'CANCELLED';
    this.tasks.delete(taskId);
    this.cancelled.push(taskId);
    this.version++;
    if (!this.legacy) this.syncOverdueFlag();
  }

  /**
   * Records a step in the read model: the task rows opened, cancelled and completed since the last record, with what
   * the process adds (the decision, timeline, audit, its case change), in one activity and one transaction.
   */
  async record<Change>(step: StepRecord<Change>): Promise<void> {
    const { legacyActivity, local, ...rest } = step;
    const transition: Transition<Change> = {
      ...rest,
      process: this.ref.process,
      caseId: this.ref.caseId,
      workflowId: workflowInfo().workflowId,
      opened: this.opened.map((t) => ({ ...t })),
      cancelled: this.cancelled,
      completed: this.completed,
    };
    this.opened = [];
    this.cancelled = [];
    this.completed = [];
    if (this.legacy && legacyActivity) {
      await (local ? legacyLocalRecorders : legacyRecorders)[legacyActivity](transition);
    } else {
      await (local || this.recordLocally ? localTaskActivities : taskActivities).recordTransition(transition);
    }
  }

  /** The decision is persisted: answer the Update that made it and drop the closed task from state. */
  settle(taskId: string, result: R): void {
    this.results.set(taskId, result);
    this.tasks.delete(taskId);
    this.version++;
    if (!this.legacy) this.syncOverdueFlag();
  }

  /** Reminder(s) and escalation along each open task's path; runs for the workflow's life. */
  async runClocks(): Promise<void> {
    // The clock's timer runs on while its event stays the earliest: a decision that leaves it so (most do) no longer
    // cancels and restarts it, two timer events fewer in history and two timer tasks fewer in Temporal each time.
    // Cases whose histories restarted it on every change keep doing so.
    const keepTimer = patched('clock-keeps-timer');
    for (;;) {
      const seen = this.version;
      const next = this.earliestClockEvent();
      if (!next) {
        await condition(() => this.version !== seen);
        continue;
      }
      const wait = next.event.at - Date.now();
      const key = clockKey(next);
      const moved = keepTimer ? () => this.version !== seen && clockKey(this.earliestClockEvent()) !== key : () => this.version !== seen;
      if (wait > 0 && (await condition(moved, wait))) continue;
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
    const notice = { ...this.ref, workflowId: workflowInfo().workflowId, at: Date.now() };
    if (event.kind === 'REMIND_BEFORE') {
      task.preReminded = true;
      await taskActivities.notifyOverdueTask({ ...notice, task: { ...task }, escalation: null, ahead: true });
    } else if (event.kind === 'REMIND') {
      task.reminded = true;
      if (this.legacy) upsertSearchAttributes([{ key: overdueKey, value: true }]);
      else this.syncOverdueFlag();
      await taskActivities.notifyOverdueTask({ ...notice, task: { ...task }, escalation: null });
    } else {
      task.escalationLevel = event.target.level;
      task.escalatedToCode = event.target.jurisdictionCode;
      await taskActivities.notifyOverdueTask({ ...notice, task: { ...task }, escalation: event.target });
    }
  }

  /** Writes the workflow's overdue flag when it changed: some open task is past due and reminded. */
  private syncOverdueFlag(): void {
    const overdue = this.openTasks().some((t) => t.reminded);
    if (overdue === this.overdueFlag) return;
    this.overdueFlag = overdue;
    upsertSearchAttributes([{ key: overdueKey, value: overdue }]);
  }

  /**
   * Where cases started before the kit wrote the overdue flag after a step (their histories expect the upsert there,
   * changed or not); the kit keeps the flag itself for the others, so this does nothing for them.
   */
  legacyOverdueCheckpoint(): void {
    if (!this.legacy) {
      this.syncOverdueFlag();
      return;
    }
    const overdue = this.openTasks().some((t) => t.reminded);
    upsertSearchAttributes([{ key: overdueKey, value: overdue }]);
  }
}
