import { durationMs } from '../duration';
import type { Role } from '../roles';
import { deadlineAt, type CalendarDeadline } from './calendar';
import { decisionLabels as reviewLabels, reviewReasonRequired, type EscalationPath, type TaskSpec } from './task';

/**
 * What a process declares about its human steps, in its own folder (src/domain/<process>/process.ts), so that the task
 * kit (inbox, decisions, clocks, emails) serves it without knowing it. The kit imports no process: the composition
 * (src/processes.ts) hands it the registry built from every process's definition.
 */

/** A set of decisions with their Chinese labels, and which of them need a reason. */
export interface DecisionVocabulary {
  labels: Record<string, string>;
  reasonRequired: readonly string[];
}

/** 通过 / 退回补充 / 不予通过: the review vocabulary. */
export const reviewVocabulary: DecisionVocabulary = { labels: { ...reviewLabels }, reasonRequired: reviewReasonRequired };
/** 采纳 / 退回修改: accepting a report or a piece of work. */
export const acceptanceVocabulary: DecisionVocabulary = { labels: { accept: '采纳', return: '退回修改' }, reasonRequired: ['return'] };
/** 好 / 较好 / 一般 / 差: a year-end grade. */
export const gradeVocabulary: DecisionVocabulary = {
  labels: { GOOD: '好', FAIRLY_GOOD: '较好', AVERAGE: '一般', POOR: '差' },
  reasonRequired: ['POOR'],
};

export type JurisdictionLevelName = 'VILLAGE' | 'TOWN' | 'DISTRICT';

/** A step's clock: a due period (a policy setting's name or a fixed ISO duration) or a calendar deadline, a reminder lead, escalation. */
export interface StepSla {
  /** The policy setting that holds the due period (read from the case's pinned settings), or a fixed ISO 8601 duration. */
  due?: { setting: string } | { duration: string };
  /** A calendar deadline in Beijing time; with `due` too, the earlier of the two. */
  deadline?: CalendarDeadline;
  /** The policy setting (or fixed duration) of a reminder ahead of the due time. */
  remindBefore?: { setting: string } | { duration: string };
  /** Up the tree (default) or by role; the period between escalations is the case's unless `escalationAfter` names one. */
  escalation?: EscalationPath;
  escalationAfter?: { setting: string } | { duration: string };
}

export interface StepDefinition {
  label: string;
  /** Who acts, and at which level of the case's jurisdiction. */
  role: Role;
  level: JurisdictionLevelName;
  /** The decisions the step offers (codes of the process vocabulary); empty when the step is done by recording a result. */
  decisions: readonly string[];
  /** Separation of duties: whoever produced or raised the step's subject may not decide it. */
  separationOfDuties: boolean;
  sla: StepSla;
  /** This step's decisions' vocabulary, when it is not its process's (a grading step in a process of reviews). */
  vocabulary?: DecisionVocabulary;
}

export interface ProcessDefinition {
  /** The code tasks and the read model carry (`monitoring`, `relocation`, `cooperation`). */
  process: string;
  label: string;
  vocabulary: DecisionVocabulary;
  steps: Record<string, StepDefinition>;
  stageLabels: Record<string, string>;
  /** The app's page of a case, a path below the public URL (emails and inbox links). */
  casePath(caseId: string): string;
}

export interface ProcessRegistry {
  processes: readonly ProcessDefinition[];
  get(process: string): ProcessDefinition | undefined;
  processLabel(process: string): string;
  stepLabel(process: string, step: string): string;
  stageLabel(process: string, stage: string): string;
  decisionLabel(process: string, decision: string, step?: string): string;
  reasonRequired(process: string, step?: string): readonly string[];
  casePath(process: string, caseId: string): string;
}

/** The vocabulary a step's decisions come from: its own, or its process's. */
export function vocabularyOf(definition: ProcessDefinition | undefined, step?: string): DecisionVocabulary | undefined {
  return (step ? definition?.steps[step]?.vocabulary : undefined) ?? definition?.vocabulary;
}

/** The registry of every process, refusing two processes with one code. */
export function createProcessRegistry(definitions: readonly ProcessDefinition[]): ProcessRegistry {
  const byCode = new Map<string, ProcessDefinition>();
  for (const d of definitions) {
    if (byCode.has(d.process)) throw new Error(`process "${d.process}" is registered twice`);
    byCode.set(d.process, d);
  }
  const get = (process: string) => byCode.get(process);
  return {
    processes: definitions,
    get,
    processLabel: (process) => get(process)?.label ?? process,
    stepLabel: (process, step) => get(process)?.steps[step]?.label ?? step,
    stageLabel: (process, stage) => get(process)?.stageLabels[stage] ?? stage,
    decisionLabel: (process, decision, step) => vocabularyOf(get(process), step)?.labels[decision] ?? decision,
    reasonRequired: (process, step) => vocabularyOf(get(process), step)?.reasonRequired ?? reviewReasonRequired,
    casePath: (process, caseId) => get(process)?.casePath(caseId) ?? `/cases/${caseId}`,
  };
}

function settingMs(ref: { setting: string } | { duration: string }, settings: Record<string, unknown>): number {
  if ('duration' in ref) return durationMs(ref.duration);
  const value = ref.setting.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), settings);
  if (typeof value !== 'string') throw new Error(`policy setting ${ref.setting} is not a duration`);
  return durationMs(value);
}

function jurisdictionAt(level: JurisdictionLevelName, caseJurisdiction: string): string {
  return level === 'VILLAGE' ? caseJurisdiction : level === 'TOWN' ? caseJurisdiction.slice(0, 9) : caseJurisdiction.slice(0, 6);
}

/**
 * The task a process opens for `step` of a case in `caseJurisdiction` (a village code, or the district's for a
 * district-wide case), due per its declared SLA under the case's pinned settings, opened at `now`.
 */
export function taskSpecFor(
  definition: ProcessDefinition,
  step: string,
  p: { caseJurisdiction: string; submitterId: string | null; excludedActorIds?: string[]; settings: Record<string, unknown>; now: number },
): TaskSpec {
  const rule = definition.steps[step];
  if (!rule) throw new Error(`process ${definition.process} has no step ${step}`);
  const dueInMs = rule.sla.due ? settingMs(rule.sla.due, p.settings) : 0;
  const deadline = rule.sla.deadline ? deadlineAt(rule.sla.deadline, p.now) : undefined;
  const dueAt = deadline === undefined ? undefined : rule.sla.due ? Math.min(deadline, p.now + dueInMs) : deadline;
  const vocabulary = rule.vocabulary ?? definition.vocabulary;
  return {
    step,
    role: rule.role,
    jurisdictionCode: jurisdictionAt(rule.level, p.caseJurisdiction),
    allowedDecisions: [...rule.decisions],
    submitterId: p.submitterId,
    separationOfDuties: rule.separationOfDuties,
    ...(rule.separationOfDuties && p.excludedActorIds?.length && { excludedActorIds: p.excludedActorIds }),
    dueInMs,
    ...(dueAt !== undefined && { dueAt }),
    ...(rule.sla.remindBefore && { remindBeforeMs: settingMs(rule.sla.remindBefore, p.settings) }),
    escalation: rule.sla.escalation ?? { path: 'TREE' },
    ...(rule.sla.escalationAfter && { escalationAfterMs: settingMs(rule.sla.escalationAfter, p.settings) }),
    ...(vocabulary !== reviewVocabulary && {
      reasonRequired: [...vocabulary.reasonRequired],
      decisionLabels: Object.fromEntries(rule.decisions.map((d) => [d, vocabulary.labels[d] ?? d])),
    }),
  };
}
