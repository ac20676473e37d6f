import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { Actor, Role } from '../roles';
import type { DecisionRequest, HumanTask } from './task';

/**
 * The task kit's messages, as every process's workflow handles them and the API sends them: names and types only
 * (a definition is a plain `{type, name}` object), so the API and activities never import a workflow file.
 */

/** What a decision answers: the case, and the stage the process moved it to (its own stage codes). */
export interface DecisionResult<Stage extends string = string> {
  caseId: string;
  stage: Stage;
}

export interface ClaimRequest {
  taskId: string;
  actor: Actor;
}

export interface ReleaseRequest {
  taskId: string;
  actor: Actor;
}
export interface ReassignRequest {
  taskId: string;
  actor: Actor;
  /** Who takes the task over: the API has checked the account is active. */
  to: Actor;
}

export const completeTaskUpdate = { type: 'update', name: 'completeTask' } as UpdateDefinition<DecisionResult, [DecisionRequest], 'completeTask'>;
export const claimTaskUpdate = { type: 'update', name: 'claimTask' } as UpdateDefinition<HumanTask, [ClaimRequest], 'claimTask'>;
/** 释放认领: the claimer, or a supervisor, frees a claimed task for everyone who may act on it. */
export const releaseTaskUpdate = { type: 'update', name: 'releaseTask' } as UpdateDefinition<HumanTask, [ReleaseRequest], 'releaseTask'>;
/** 改派: a supervisor hands a task to someone who may act on it. */
export const reassignTaskUpdate = { type: 'update', name: 'reassignTask' } as UpdateDefinition<HumanTask, [ReassignRequest], 'reassignTask'>;
export const openTasksQuery = { type: 'query', name: 'openTasks' } as QueryDefinition<HumanTask[], [], 'openTasks'>;

/** A timeline entry of the read model: who did what, when. The id is its idempotency key. */
export interface TimelineEntry {
  id: string;
  at: number;
  kind: string;
  step?: string | null;
  actorId?: string | null;
  actorName?: string | null;
  decision?: string | null;
  comment?: string | null;
  fromStage?: string | null;
  toStage?: string | null;
}

/** An audit entry the recording activity appends in the same transaction (src/db/audit-log.ts masks personal data). */
export interface AuditRecord {
  action: string;
  actor: { userId: string; role: Role } | null;
  target: { type: string; id: string };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  clientAddress?: string | null;
  key: string;
}

/**
 * One step of a case as the read model records it, in one PostgreSQL transaction (`tasks.recordTransition`): the
 * decision on a task, the tasks completed by a recorded result, cancelled and opened, the timeline, the audit entries,
 * and the process's own change to its case (applied by the writer the process registers). Idempotent: a retry writes
 * nothing twice.
 */
export interface Transition<Change = unknown> {
  process: string;
  caseId: string;
  workflowId: string;
  at: number;
  decided?: { task: HumanTask; request: DecisionRequest; fromStage: string; toStage: string };
  completed?: { taskId: string; actorId: string }[];
  cancelled?: string[];
  opened?: HumanTask[];
  timeline?: TimelineEntry[];
  audit?: AuditRecord[];
  change?: Change;
}
