import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../roles';
import type { LaborCapacity, RiskType } from '../monitoring/case';
import type { HumanTask } from '../tasks/task';
import type { RelocationSettings, RelocationStage } from './case';
import type { Baseline, EmploymentEntry, ProjectEntry, RelocationVisit } from './schemas';
import type { EmploymentSpan, ProjectSpan } from './targets';

/**
 * The relocation case workflow's messages and the change it records, as types and plain definitions: the API and the
 * activities use these, never the workflow file.
 */

/** Start input: ids and codes; the household's name and ID number stay in PostgreSQL. */
export interface RelocationCaseInput {
  caseId: string;
  householdId: string;
  villageCode: string;
  siteCode: string;
  /** YYYY-MM-DD */
  relocatedAt: string;
  laborCapacity: LaborCapacity;
  createdBy: Actor;
  openedAt: string;
  /** Pinned at start. */
  settings: RelocationSettings;
  /** Set by continue-as-new. */
  resume?: RelocationMemory;
  /** Continue as new past this many history events, if Temporal has not suggested it before (default 10,000). */
  historyEventsLimit?: number;
}

/** What a case carries into the next run. */
export interface RelocationMemory {
  stage: RelocationStage;
  board: { sequence: number; tasks: HumanTask[] };
  laborCapacity: LaborCapacity;
  employment: EmploymentSpan[];
  projects: ProjectSpan[];
  entries: number;
  visits: number;
  metSince: number | null;
  targetsDueAt: number | null;
  lastVisitAtRisk: boolean;
  monitoringCaseId: string | null;
}

export interface RelocationCaseState {
  caseId: string;
  stage: RelocationStage;
  atRisk: boolean;
  laborCapacity: LaborCapacity;
  employment: EmploymentSpan[];
  projects: ProjectSpan[];
  metSince: number | null;
  /** When unmet targets open the next 目标未达标督办; null when none is pending. */
  targetsDueAt: number | null;
  monitoringCaseId: string | null;
  openTasks: HumanTask[];
}

/** What a relocation step changes in its own rows, written by the relocation case writer in the kit's transaction. */
export interface RelocationChange {
  register?: { input: RelocationCaseInput; stage: RelocationStage };
  /** The case row's state after the step. */
  state?: { stage: RelocationStage; atRisk: boolean; metSince: number | null; laborCapacity: LaborCapacity; monitoringCaseId: string | null };
  baseline?: Baseline;
  employment?: { entryId: string; entry: EmploymentEntry; actorId: string };
  employmentEnded?: { entryId: string; endDate: string };
  project?: { entryId: string; entry: ProjectEntry; actorId: string };
  visit?: { visitId: string; visit: RelocationVisit; actorId: string; monitoringCaseId: string | null; referred: boolean };
  /** The visit's finding added to the household's open monitoring case, as a timeline entry there. */
  evidence?: { monitoringCaseId: string; visitId: string; riskTypes: RiskType[]; actorId: string; actorName: string; note: string | null };
}

/** The relocation activity that refers a household into monitoring (or finds its open monitoring case). */
export interface ReferralRequest {
  householdId: string;
  actor: Actor;
  riskTypes: RiskType[];
  perCapitaIncome: number;
  note?: string;
  /** The workflow id and visit id: a retried activity opens one case. */
  intakeKey: string;
  discoveredAt: string;
  relocationCaseId: string;
}

/** A new monitoring case (`referred`), or the household's open one to add the evidence to. */
export type ReferralResult = { monitoringCaseId: string; referred: boolean } | { refusal: { code: string; reason: string } };

const update = <R, A extends unknown[], N extends string>(name: N) => ({ type: 'update', name }) as UpdateDefinition<R, A, N>;

/** Answers once the case is in the read model, so a POST can answer with it (read-your-writes). */
export const relocationRegisteredUpdate = update<{ caseId: string; stage: RelocationStage }, [], 'relocationRegistered'>('relocationRegistered');
/** 基线调查: records the baseline, completes the survey task, opens follow-up. */
export const recordBaselineUpdate = update<{ stage: RelocationStage }, [{ baseline: Baseline; actor: Actor }], 'recordBaseline'>('recordBaseline');
export const addEmploymentUpdate = update<{ entryId: string }, [{ entry: EmploymentEntry; actor: Actor }], 'addEmployment'>('addEmployment');
/** A job ended: after closing, it reopens follow-up when the employment target is no longer met. */
export const endEmploymentUpdate = update<{ entryId: string }, [{ entryId: string; endDate: string; actor: Actor }], 'endEmployment'>('endEmployment');
export const addProjectUpdate = update<{ entryId: string }, [{ entry: ProjectEntry; actor: Actor }], 'addProject'>('addProject');
/** 后续扶持走访: completes the due visit and opens the next; at risk refers the household into monitoring. */
export const recordRelocationVisitUpdate = update<{ visitId: string; monitoringCaseId: string | null; nextVisitTaskId: string }, [{ visit: RelocationVisit; actor: Actor }], 'recordRelocationVisit'>(
  'recordRelocationVisit',
);
export const relocationStateQuery = { type: 'query', name: 'relocationState' } as QueryDefinition<RelocationCaseState, [], 'relocationState'>;

/** The workflow type, by name (the API starts it without importing the workflow). */
export const relocationCaseWorkflowType = 'relocationCaseWorkflow';
