import { taskSpecFor, type DecisionVocabulary, type ProcessDefinition, type StepDefinition } from '../tasks/process';
import type { TaskSpec } from '../tasks/task';
import { relocationStageLabels, type RelocationSettings } from './case';

/** 易地扶贫搬迁后续扶持 as the task kit sees it: its steps, who acts on each, their clocks, and where a case's page is. */

export const relocationSteps = ['BASELINE_SURVEY', 'FOLLOW_UP_VISIT', 'TARGET_SUPERVISION'] as const;
export type RelocationStep = (typeof relocationSteps)[number];

/** The one decision of the process: the town records what it did about unmet targets (督办), with what was done. */
export const supervisionVocabulary: DecisionVocabulary = { labels: { approve: '已督办' }, reasonRequired: ['approve'] };

const steps: Record<RelocationStep, StepDefinition> = {
  // Done by recording the baseline (POST /api/relocations/:id/baseline), not by a decision.
  BASELINE_SURVEY: { label: '基线调查', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: [], separationOfDuties: false, sla: { due: { setting: 'baselineDue' } } },
  // Done by recording the visit (POST /api/relocations/:id/visits); quarterly by default.
  FOLLOW_UP_VISIT: { label: '后续扶持走访', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: [], separationOfDuties: false, sla: { due: { setting: 'followUpInterval' } } },
  // The town supervises; overdue, it escalates up the tree to the district.
  TARGET_SUPERVISION: {
    label: '目标未达标督办',
    role: 'TOWN_REVIEWER',
    level: 'TOWN',
    decisions: ['approve'],
    separationOfDuties: false,
    sla: { due: { setting: 'supervisionDue' }, escalation: { path: 'TREE' }, escalationAfter: { setting: 'escalationAfter' } },
  },
};

export const relocationProcess: ProcessDefinition = {
  process: 'relocation',
  label: '易地扶贫搬迁后续扶持',
  vocabulary: supervisionVocabulary,
  steps,
  stageLabels: relocationStageLabels,
  casePath: (caseId) => `/relocations/${caseId}`,
};

export const relocationStepLabels = Object.fromEntries(Object.entries(steps).map(([step, s]) => [step, s.label])) as Record<RelocationStep, string>;

/** The task for a step of a case in `villageCode`, due per the case's pinned settings, opened at `now`. */
export function relocationTaskSpec(step: RelocationStep, villageCode: string, submitterId: string | null, settings: RelocationSettings, now: number): TaskSpec {
  return taskSpecFor(relocationProcess, step, { caseJurisdiction: villageCode, submitterId, settings: settings as unknown as Record<string, unknown>, now });
}
