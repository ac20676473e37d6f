import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../roles';
import type { DecisionResult } from '../tasks/messages';
import type { HumanTask } from '../tasks/task';
import type { CooperationSettings, IndicatorRollUp, PlanStage, ReportStatus, Target, TaskStage } from './plan';

/**
 * The cooperation workflows' messages (inputs, Updates, Queries, Signals, results) and the change their case writer
 * applies, as types and plain definitions: the API and the activities use these, never a workflow file.
 */

/** A task of a plan: what is to be done, by which unit, moving which indicators. */
export interface CooperationTaskDef {
  id: string;
  title: string;
  category: string;
  responsibleUnit: string;
  /** YYYY-MM-DD */
  dueDate: string;
  indicators: string[];
  /** The task of last year's plan this one carries on. */
  carriedFromTaskId?: string | null;
}

export interface CooperationPlanInput {
  planId: string;
  partnerCode: string;
  year: number;
  /** YYYY-MM-DD */
  agreedAt: string;
  targets: Target[];
  tasks: CooperationTaskDef[];
  /** The district the plan belongs to (its tasks open there). */
  district: string;
  createdBy: Actor;
  settings: CooperationSettings;
  carryOverFrom?: string | null;
  /** The creating request's Idempotency-Key with its user id, for a retry's answer. */
  requestKey?: string | null;
}

export interface CooperationTaskInput {
  planId: string;
  planWorkflowId: string;
  year: number;
  district: string;
  settings: CooperationSettings;
  task: CooperationTaskDef;
}

/** What a task's workflow answers when it ends: graded (finished or not), or dropped by an amendment. */
export interface CooperationTaskResult {
  taskId: string;
  stage: 'GRADED' | 'DROPPED';
  grade: string | null;
  finished: boolean | null;
}

export interface CooperationTaskState {
  taskId: string;
  stage: TaskStage;
  responsibleUnit: string;
  reports: { id: string; period: string; status: ReportStatus; actuals: Record<string, number> }[];
  openTasks: HumanTask[];
}

export interface CooperationPlanState {
  planId: string;
  stage: PlanStage;
  targets: Target[];
  indicators: IndicatorRollUp[];
  tasks: { id: string; stage: TaskStage; grade: string | null; finished: boolean | null; responsibleUnit: string }[];
  openTasks: HumanTask[];
  grade: string | null;
}

/** The plan as it closed: targets against actuals, and the tasks not finished (to carry into next year's plan). */
export interface PlanClosing {
  indicators: IndicatorRollUp[];
  grade: string | null;
  unfinishedTaskIds: string[];
}

export interface ReportRequest {
  period: string;
  actuals: Record<string, number>;
  note?: string;
  /** References to the evidence: file names or links in the district's document system. */
  evidence?: string[];
  actor: Actor;
}

export type Amendment =
  | { kind: 'ADD_TASK'; task: CooperationTaskDef }
  | { kind: 'DROP_TASK'; taskId: string }
  | { kind: 'REASSIGN_TASK'; taskId: string; responsibleUnit: string }
  | { kind: 'CHANGE_TARGET'; indicator: string; target: number };

export interface AmendmentRequest {
  amendment: Amendment;
  reason: string;
  actor: Actor;
}

export type CooperationDecisionResult = DecisionResult<PlanStage | TaskStage>;

/** What a cooperation step changes in its own rows, applied by the cooperation case writer in the kit's transaction. */
export interface CooperationChange {
  /** A new plan with its targets and tasks. */
  registerPlan?: { input: CooperationPlanInput; stage: PlanStage };
  planStage?: { planId: string; stage: PlanStage };
  taskStage?: { taskId: string; stage: TaskStage };
  addTask?: { planId: string; task: CooperationTaskDef };
  reassignTask?: { taskId: string; responsibleUnit: string };
  target?: { planId: string; indicator: string; target: number };
  report?: { id: string; planId: string; taskId: string; period: string; actuals: Record<string, number>; note: string | null; evidence?: string[]; submittedById: string };
  reportReview?: { id: string; status: Exclude<ReportStatus, 'SUBMITTED'>; reviewedById: string; comment: string | null };
  selfAssessment?: { taskId: string; finished: boolean; comment: string | null };
  taskGrade?: { taskId: string; grade: string };
  planGrade?: { planId: string; grade: string };
  closing?: { planId: string; closing: PlanClosing };
}

const update = <R, A extends unknown[], N extends string>(name: N) => ({ type: 'update', name }) as UpdateDefinition<R, A, N>;
const signal = <A extends unknown[], N extends string>(name: N) => ({ type: 'signal', name }) as SignalDefinition<A, N>;

/** Answers once the plan is in the read model (read-your-writes for POST /api/cooperation/plans). */
export const planRegisteredUpdate = update<{ planId: string; stage: PlanStage }, [], 'planRegistered'>('planRegistered');
/** 季度报告: the responsible unit files a quarter's actuals; it opens the coordinator's review. */
export const submitReportUpdate = update<{ reportId: string; reviewTaskId: string; period: string }, [ReportRequest], 'submitReport'>('submitReport');
/** 计划调整: add, drop or re-assign a task, or change a target, with a reason. */
export const amendPlanUpdate = update<{ amendmentId: string; taskId: string | null }, [AmendmentRequest], 'amendPlan'>('amendPlan');
export const planStateQuery = { type: 'query', name: 'planState' } as QueryDefinition<CooperationPlanState, [], 'planState'>;
export const taskStateQuery = { type: 'query', name: 'cooperationTaskState' } as QueryDefinition<CooperationTaskState, [], 'cooperationTaskState'>;
/** A task tells its plan: a report accepted (its actuals roll up), or the task graded. */
export const taskProgressSignal = signal<
  [{ taskId: string; kind: 'ACCEPTED'; reportId: string; period: string; actuals: Record<string, number> } | { taskId: string; kind: 'SELF_ASSESSED'; finished: boolean }],
  'cooperationTaskProgress'
>('cooperationTaskProgress');
/** The plan tells a task: dropped, or handed to another unit, by an amendment. */
export const dropTaskSignal = signal<[{ amendmentId: string }], 'dropCooperationTask'>('dropCooperationTask');
export const reassignTaskSignal = signal<[{ amendmentId: string; responsibleUnit: string }], 'reassignCooperationTask'>('reassignCooperationTask');

export const cooperationPlanWorkflowType = 'cooperationPlanWorkflow';
