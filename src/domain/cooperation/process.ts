import { acceptanceVocabulary, gradeVocabulary, reviewVocabulary, taskSpecFor, type DecisionVocabulary, type ProcessDefinition, type StepDefinition } from '../tasks/process';
import type { TaskSpec } from '../tasks/task';
import { cooperationStageLabels, type CooperationSettings } from './plan';
import { cooperationOffice } from './reference';

/** 协作帮扶 as the task kit sees it: the steps of a plan's year, who acts on each, their clocks. */

export const cooperationSteps = ['QUARTERLY_REPORT', 'REPORT_REVIEW', 'SELF_ASSESSMENT', 'GRADING', 'SIGN_OFF'] as const;
export type CooperationStep = (typeof cooperationSteps)[number];

/** Defaults of a plan's settings; a plan may override them when it is created. */
export const defaultCooperationSettings: CooperationSettings = {
  reportRemindBefore: 'P10D',
  escalationAfter: 'P7D',
  reviewDue: 'P10D',
  yearEnd: { month: 1, day: 31 },
};

/** 自评: the unit says whether the task is done; an unfinished task can be carried into next year's plan. */
export const selfAssessmentLabels = { DONE: '已完成', NOT_DONE: '未完成' } as const;
const selfAssessmentVocabulary: DecisionVocabulary = { labels: { ...selfAssessmentLabels }, reasonRequired: ['NOT_DONE'] };

const grades = Object.keys(gradeVocabulary.labels);
const unitEscalation = { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] } as const;
const coordinatorEscalation = { path: 'ROLES', roles: ['DISTRICT_APPROVER'] } as const;
/** The year-end evaluation must be finished by the end of February of the year it opens in (the plan year's next). */
const endOfFebruary = { kind: 'MONTH_END', month: 2, yearOffset: 0 } as const;
const escalationAfter = { setting: 'escalationAfter' };

const steps: Record<CooperationStep, StepDefinition> = {
  // Done by filing the report (POST …/reports); the responsible unit's officer, or a coordinator for the office.
  QUARTERLY_REPORT: {
    label: '季度进展报告',
    role: 'DEPARTMENT_OFFICER',
    level: 'DISTRICT',
    decisions: [],
    separationOfDuties: false,
    sla: { deadline: { kind: 'QUARTER_END' }, remindBefore: { setting: 'reportRemindBefore' }, escalation: { ...unitEscalation, roles: [...unitEscalation.roles] }, escalationAfter },
  },
  REPORT_REVIEW: {
    label: '季度报告审核',
    role: 'COOPERATION_COORDINATOR',
    level: 'DISTRICT',
    decisions: Object.keys(acceptanceVocabulary.labels),
    vocabulary: acceptanceVocabulary,
    separationOfDuties: true,
    sla: { due: { setting: 'reviewDue' }, escalation: { ...coordinatorEscalation, roles: [...coordinatorEscalation.roles] }, escalationAfter },
  },
  SELF_ASSESSMENT: {
    label: '年度自评',
    role: 'DEPARTMENT_OFFICER',
    level: 'DISTRICT',
    decisions: Object.keys(selfAssessmentLabels),
    vocabulary: selfAssessmentVocabulary,
    separationOfDuties: false,
    sla: { deadline: endOfFebruary, escalation: { ...unitEscalation, roles: [...unitEscalation.roles] }, escalationAfter },
  },
  // A task's grade, and the plan's; not by the coordinator who self-assessed an office task.
  GRADING: {
    label: '年度评定等次',
    role: 'COOPERATION_COORDINATOR',
    level: 'DISTRICT',
    decisions: grades,
    vocabulary: gradeVocabulary,
    separationOfDuties: true,
    sla: { deadline: endOfFebruary, escalation: { ...coordinatorEscalation, roles: [...coordinatorEscalation.roles] }, escalationAfter },
  },
  // approve: the year's evaluation stands and the plan closes; return: grade the plan again.
  SIGN_OFF: {
    label: '年度考核审定',
    role: 'DISTRICT_APPROVER',
    level: 'DISTRICT',
    decisions: ['approve', 'return'],
    separationOfDuties: true,
    sla: { deadline: endOfFebruary, escalationAfter },
  },
};

export const cooperationProcess: ProcessDefinition = {
  process: 'cooperation',
  label: '协作帮扶',
  // The sign-off's; the other steps have their own (acceptance, self-assessment, grades).
  vocabulary: reviewVocabulary,
  steps,
  stageLabels: cooperationStageLabels,
  casePath: (caseId) => `/cooperation/${caseId}`,
};

export const cooperationStepLabels = Object.fromEntries(Object.entries(steps).map(([s, d]) => [s, d.label])) as Record<CooperationStep, string>;

/**
 * The task of a step of a plan (or one of its tasks) in `district`: a unit's step goes to its department's officers,
 * or to the coordinators for the cooperation office.
 */
export function cooperationTaskSpec(
  step: CooperationStep,
  p: { district: string; submitterId: string | null; settings: CooperationSettings; now: number; unit?: string },
): TaskSpec {
  const spec = taskSpecFor(cooperationProcess, step, { caseJurisdiction: p.district, submitterId: p.submitterId, settings: p.settings as unknown as Record<string, unknown>, now: p.now });
  if (!p.unit || spec.role !== 'DEPARTMENT_OFFICER') return spec;
  return p.unit === cooperationOffice ? { ...spec, role: 'COOPERATION_COORDINATOR', department: null } : { ...spec, department: p.unit };
}
