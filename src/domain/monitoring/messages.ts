import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { PinnedPolicy } from '../policy';
import type { Actor } from '../roles';
import type { DecisionResult } from '../tasks/messages';
import type { HumanTask } from '../tasks/task';
import type { Measure } from './assistance';
import type { Category, Channel, LaborCapacity, MonitoringStep, RiskType, Stage } from './case';
import type { VisitFinding } from './elimination';
import type { CreateMonitoringCase, Visit } from './schemas';
import type { Refusal } from '../errors';

/**
 * The monitoring case workflow's messages (start input, Updates, Queries, Signals) and the change it records, as
 * types and plain definitions: the API and the activities use these, never the workflow file.
 */

/** Start input. Name, ID number and income stay in PostgreSQL; the workflow holds ids, codes and the caseworker's note. */
export interface MonitoringCaseInput {
  caseId: string;
  householdId: string;
  villageCode: string;
  category: Category;
  channel: Channel;
  riskTypes: RiskType[];
  /** Decides which assistance measures a plan may hold (absent in cases started before it was passed). */
  laborCapacity?: LaborCapacity;
  /** The caseworker's note. Free text, so it is encrypted in history with every other payload. */
  note?: string;
  discoveredAt: string;
  createdBy: Actor;
  /**
   * The policy version in force at `discoveredAt`, pinned by whoever starts the case, which saves the case a round
   * trip at its start. Cases started before it was passed load it themselves.
   */
  policy?: PinnedPolicy;
  /** Set by continue-as-new: the follow-up goes on from here, with no identification and no new registration. */
  resume?: FollowUpMemory;
  /** Continue as new past this many history events, if Temporal has not suggested it before (default 10,000). */
  historyEventsLimit?: number;
}

/** A planned measure as the workflow tracks it. */
export interface MeasureRecord extends Measure {
  id: string;
  department: string | null;
  taskId: string;
  status: 'PLANNED' | 'DELIVERED' | 'NOT_DELIVERED';
}

/** Everything the follow-up needs to go on in a new run: open tasks with their clocks, the plan, the visits' findings. */
export interface FollowUpMemory {
  stage: Stage;
  policy: PinnedPolicy;
  board: { sequence: number; tasks: HumanTask[] };
  completedBy: Partial<Record<MonitoringStep, string>>;
  measures: MeasureRecord[];
  visits: number;
  findings: VisitFinding[];
  monitoredSince: number;
  postingEndsAt: number | null;
  reviewedYears: number[];
}

export interface MonitoringCaseState {
  caseId: string;
  stage: Stage;
  policyVersion: number | null;
  postingEndsAt: number | null;
  dataMatched: boolean;
  openTasks: HumanTask[];
  /** When the household became monitored (again, after a rollback); null before. */
  monitoredSince: number | null;
  measures: MeasureRecord[];
}

export interface ObjectionRequest {
  content: string;
  actor: Actor;
}

export type MonitoringDecisionResult = DecisionResult<Stage>;

/** What a monitoring step changes in its case's own rows, written by the monitoring case writer in the kit's transaction. */
export interface MonitoringChange {
  /** A new case: its row. */
  register?: { input: MonitoringCaseInput; stage: Stage; policyVersion: number; identificationDueAt: number };
  /** The case's stage from now (closed when it is a closing stage). */
  stage?: Stage;
  postingEndsAt?: number;
  policyVersion?: number;
  /** New measures of the plan. */
  measures?: { records: MeasureRecord[]; createdById: string };
  /** A delivery decision settles its measure. */
  measureStatus?: { id: string; status: MeasureRecord['status'] };
  /** A follow-up visit's findings. */
  visit?: { visitId: string; visit: Visit; actorId: string };
}

const update = <R, A extends unknown[], N extends string>(name: N) => ({ type: 'update', name }) as UpdateDefinition<R, A, N>;

/** Answers once the case is in the read model, so a POST can answer with it (read-your-writes). */
export const caseRegisteredUpdate = update<{ caseId: string; stage: Stage }, [], 'caseRegistered'>('caseRegistered');
/** 公示异议: an objection raised while the evaluation is posted; it opens a task that must be resolved. */
export const fileObjectionUpdate = update<{ taskId: string }, [ObjectionRequest], 'fileObjection'>('fileObjection');
export const caseStateQuery = { type: 'query', name: 'caseState' } as QueryDefinition<MonitoringCaseState, [], 'caseState'>;
/** 走访: records a follow-up visit of a monitored household and schedules the next. */
export const recordVisitUpdate = update<{ visitId: string; nextVisitTaskId: string }, [{ visit: Visit; actor: Actor }], 'recordVisit'>('recordVisit');
/** 帮扶措施: adds measures to a monitored household's plan; each becomes a delivery task. */
export const addMeasuresUpdate = update<{ measureIds: string[] }, [{ measures: Measure[]; actor: Actor }], 'addMeasures'>('addMeasures');
/** 风险消除: the caseworker proposes the exit; refused with the reasons while the preconditions fail, else the review chain opens. */
export const proposeExitUpdate = update<{ taskId: string; stage: Stage }, [{ reason: string; actor: Actor }], 'proposeExit'>('proposeExit');
/** 回退: an eliminated household found unstable at a recheck is monitored again and assistance resumes. */
export const rollBackUpdate = update<{ stage: Stage; visitTaskId: string }, [{ reason: string; actor: Actor }], 'rollBack'>('rollBack');
/** A district approver moves the case onto another policy version (a case keeps the version it started with unless told so). */
export const applyPolicyUpdate = update<{ policyVersion: number }, [{ version: number; actor: Actor }], 'applyPolicy'>('applyPolicy');
/** 集中排查: the yearly sweep asks every monitored household to be re-examined; once per year, however often it is sent. */
export const annualReviewSignal = { type: 'signal', name: 'annualReview' } as SignalDefinition<[{ year: number }], 'annualReview'>;

/**
 * What an intake answers: the case opened (or, for the same intake retried, the one it opened), or why not.
 * `householdNotHere`: refused with the answer that says nothing about the household (registered elsewhere, or with a
 * case outside the caller's sight); the caller audits the attempt.
 */
export type OpenCaseResult =
  | { caseId: string }
  | { refusal: Refusal; caseId?: string; householdNotHere?: { householdId: string; why: 'registered_elsewhere' | 'open_case_outside_scope' } };

/** The `openMonitoringCase` activity's input: who reports, the validated intake, and the key that makes it idempotent. */
export interface OpenCaseRequest {
  actor: Actor;
  body: CreateMonitoringCase;
  /** ISO time the risk was found; now when absent. */
  discoveredAt?: string;
  /** A workflow's own key for this intake (its workflow id and step), so a retried activity opens one case. */
  intakeKey: string;
}

/** The workflow type of a monitoring case, by name (the API starts it without importing the workflow). */
export const monitoringCaseWorkflowType = 'monitoringCaseWorkflow';
