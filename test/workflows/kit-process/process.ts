import {
  acceptanceVocabulary,
  gradeVocabulary,
  reviewVocabulary,
  type DecisionVocabulary,
  type ProcessDefinition,
  type StepDefinition,
} from '../../../src/domain/tasks/process';

/**
 * `kit-test`: a process that exists only to test the task kit on its own. One step per thing the kit offers: the three
 * decision vocabularies, separation of duties, a reminder ahead of a due time, a calendar deadline, and each
 * escalation path (up the tree from a village, by role at the district, a district task of a non-approver role).
 */

/**
 * A process declares one vocabulary, so a process that reviews, accepts and grades declares their union. `return` is in
 * both the review and the acceptance vocabulary: the union keeps the acceptance label (退回修改) for both.
 */
export const kitVocabulary: DecisionVocabulary = {
  labels: { ...reviewVocabulary.labels, ...acceptanceVocabulary.labels, ...gradeVocabulary.labels },
  reasonRequired: [...new Set([...reviewVocabulary.reasonRequired, ...acceptanceVocabulary.reasonRequired, ...gradeVocabulary.reasonRequired])],
};

const steps: Record<string, StepDefinition> = {
  // The village evaluates what a caseworker submitted: not the submitter.
  REVIEW: { label: '村级评议', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: { due: { setting: 'stepDue.REVIEW' } } },
  ACCEPTANCE: { label: '乡镇验收', role: 'TOWN_REVIEWER', level: 'TOWN', decisions: ['accept', 'return'], separationOfDuties: false, sla: { due: { duration: 'P5D' } } },
  GRADE: { label: '年度评定', role: 'DISTRICT_APPROVER', level: 'DISTRICT', decisions: ['GOOD', 'FAIRLY_GOOD', 'AVERAGE', 'POOR'], separationOfDuties: false, sla: { due: { duration: 'P10D' } } },
  // A village step: reminded a day ahead, at the due time, then up the tree every two days (its own period).
  VILLAGE_VISIT: {
    label: '入户走访',
    role: 'VILLAGE_CASEWORKER',
    level: 'VILLAGE',
    decisions: ['approve'],
    separationOfDuties: false,
    sla: { due: { setting: 'stepDue.VILLAGE_VISIT' }, remindBefore: { setting: 'remindBefore' }, escalationAfter: { duration: 'P2D' } },
  },
  // Due at the end of the Beijing quarter it opens in, reminded a day ahead; escalates up the tree at the case's period.
  QUARTER_REPORT: {
    label: '季度报告',
    role: 'VILLAGE_CASEWORKER',
    level: 'VILLAGE',
    decisions: ['accept', 'return'],
    separationOfDuties: false,
    sla: { deadline: { kind: 'QUARTER_END' }, remindBefore: { duration: 'P1D' } },
  },
  // A district task escalates by role: the coordinator first, then the district approver.
  DISTRICT_MEASURE: {
    label: '区级措施落实',
    role: 'DEPARTMENT_OFFICER',
    level: 'DISTRICT',
    decisions: ['approve', 'reject'],
    separationOfDuties: false,
    sla: { due: { duration: 'P3D' }, escalation: { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] }, escalationAfter: { duration: 'P1D' } },
  },
  // A district task of a role below the approver, up the tree (the default path): the tree ends here, the approver hears once.
  COORDINATION: { label: '协作对接', role: 'COOPERATION_COORDINATOR', level: 'DISTRICT', decisions: ['approve'], separationOfDuties: false, sla: { due: { duration: 'P3D' } } },
};

export const kitProcess: ProcessDefinition = {
  process: 'kit-test',
  label: '任务组件测试',
  vocabulary: kitVocabulary,
  steps,
  stageLabels: { OPEN: '办理中' },
  casePath: (caseId) => `/kit-test/${caseId}`,
};

export type KitStep = keyof typeof steps;
