import type { PolicySettings } from '../policy';
import { reviewVocabulary, taskSpecFor, type ProcessDefinition, type StepDefinition } from '../tasks/process';
import type { TaskSpec } from '../tasks/task';
import { stageLabels, type MonitoringStep } from './case';

/** 防止返贫动态监测 as the task kit sees it: its steps, who acts on each, their clocks, and where a case's page is. */

const stepDue = (step: string) => ({ due: { setting: `stepDue.${step}` } });

const steps: Record<MonitoringStep, StepDefinition> = {
  // The visit has nothing before it to return to.
  HOME_VISIT: { label: '入户核实', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'reject'], separationOfDuties: false, sla: stepDue('HOME_VISIT') },
  VILLAGE_REVIEW: { label: '村级民主评议', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('VILLAGE_REVIEW') },
  TOWN_REVIEW: { label: '乡镇审核', role: 'TOWN_REVIEWER', level: 'TOWN', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('TOWN_REVIEW') },
  DISTRICT_APPROVAL: { label: '区级审定', role: 'DISTRICT_APPROVER', level: 'DISTRICT', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('DISTRICT_APPROVAL') },
  // Publishing the approved list is a confirmation, not a judgement.
  ANNOUNCEMENT: { label: '公告', role: 'DISTRICT_APPROVER', level: 'DISTRICT', decisions: ['approve'], separationOfDuties: false, sla: stepDue('ANNOUNCEMENT') },
  // Departments compare their records; a finding that rules the household out ends the case.
  DATA_MATCHING: { label: '信息比对', role: 'DEPARTMENT_OFFICER', level: 'DISTRICT', decisions: ['approve', 'reject'], separationOfDuties: false, sla: stepDue('DATA_MATCHING') },
  // approve: objection not upheld; return: upheld, evaluate again; reject: upheld, not included. Neither the filer nor
  // the evaluator whose evaluation it contests decides it.
  OBJECTION: { label: '公示异议处理', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('OBJECTION') },
  // Done by recording the visit (POST …/visits), not by a decision.
  VISIT: { label: '定期走访', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: [], separationOfDuties: false, sla: { due: { setting: 'followUpVisitInterval' } } },
  // approve: delivered; reject: could not be delivered (with the reason). A department's measure goes to its officers instead.
  // Whoever planned the measure does not confirm its delivery.
  MEASURE_DELIVERY: { label: '落实帮扶措施', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'reject'], separationOfDuties: true, sla: { due: { setting: 'measureDeliveryDue' } } },
  // approve with the finding as comment: the household was re-examined.
  ANNUAL_REVIEW: { label: '年度集中排查', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve'], separationOfDuties: false, sla: { due: { setting: 'annualReviewDue' } } },
  // The exit's chain keeps the identification's clocks.
  EXIT_VISIT: { label: '风险消除入户核实', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'reject'], separationOfDuties: false, sla: stepDue('HOME_VISIT') },
  EXIT_VILLAGE_REVIEW: { label: '风险消除村级评议', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('VILLAGE_REVIEW') },
  EXIT_TOWN_REVIEW: { label: '风险消除乡镇审核', role: 'TOWN_REVIEWER', level: 'TOWN', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('TOWN_REVIEW') },
  EXIT_DISTRICT_APPROVAL: { label: '风险消除区级审定', role: 'DISTRICT_APPROVER', level: 'DISTRICT', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: stepDue('DISTRICT_APPROVAL') },
};

export const monitoringProcess: ProcessDefinition = {
  process: 'monitoring',
  label: '防止返贫监测',
  vocabulary: reviewVocabulary,
  steps,
  stageLabels,
  casePath: (caseId) => `/cases/${caseId}`,
};

export const stepLabels = Object.fromEntries(Object.entries(steps).map(([step, s]) => [step, s.label])) as Record<MonitoringStep, string>;

/**
 * The task for a step of a case in `villageCode`, due per the pinned policy. `excludedActorIds`: who else produced or
 * raised what the step decides (the reporter, earlier deciders on the chain, an objection's filer), for the steps
 * that separate duties.
 */
export function stepTaskSpec(step: MonitoringStep, villageCode: string, submitterId: string | null, policy: PolicySettings, now = 0, excludedActorIds?: string[]): TaskSpec {
  return taskSpecFor(monitoringProcess, step, { caseJurisdiction: villageCode, submitterId, excludedActorIds, settings: policy as unknown as Record<string, unknown>, now });
}

/** The delivery task of a measure: its department's officers at the district, or the village when no department is responsible. */
export function measureTaskSpec(department: string | null, villageCode: string, submitterId: string, policy: PolicySettings): TaskSpec {
  const spec = stepTaskSpec('MEASURE_DELIVERY', villageCode, submitterId, policy);
  return department ? { ...spec, role: 'DEPARTMENT_OFFICER', jurisdictionCode: villageCode.slice(0, 6), department } : spec;
}
