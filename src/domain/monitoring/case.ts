import type { PolicySettings, SlaStep } from '../policy';
import { durationMs } from '../duration';
import type { Role } from '../roles';
import type { Decision, TaskSpec } from '../tasks/task';

/** 防止返贫动态监测: the identification chain of a monitoring case (shared/domain.md, process 1). */

export const categories = ['UNSTABLE_ESCAPED', 'MARGINAL', 'SUDDEN_HARDSHIP'] as const;
export type Category = (typeof categories)[number];
export const categoryLabels: Record<Category, string> = {
  UNSTABLE_ESCAPED: '脱贫不稳定户',
  MARGINAL: '边缘易致贫户',
  SUDDEN_HARDSHIP: '突发严重困难户',
};

export const channels = ['SELF_REPORT', 'CADRE_VISIT', 'DEPARTMENT_ALERT'] as const;
export type Channel = (typeof channels)[number];
export const channelLabels: Record<Channel, string> = {
  SELF_REPORT: '农户自主申报',
  CADRE_VISIT: '干部走访排查',
  DEPARTMENT_ALERT: '部门筛查预警',
};

export const riskTypes = [
  'ILLNESS',
  'DISABILITY',
  'SCHOOLING',
  'DISASTER',
  'ACCIDENT',
  'INDUSTRY_FAILURE',
  'UNSTABLE_EMPLOYMENT',
  'HOUSING_SAFETY',
  'DRINKING_WATER',
  'OTHER',
] as const;
export type RiskType = (typeof riskTypes)[number];
export const riskTypeLabels: Record<RiskType, string> = {
  ILLNESS: '因病',
  DISABILITY: '因残',
  SCHOOLING: '因学',
  DISASTER: '因灾',
  ACCIDENT: '因意外',
  INDUSTRY_FAILURE: '产业失败',
  UNSTABLE_EMPLOYMENT: '务工就业不稳',
  HOUSING_SAFETY: '住房安全',
  DRINKING_WATER: '饮水安全',
  OTHER: '其他',
};

export const laborCapacities = ['full', 'partial', 'none'] as const;
export type LaborCapacity = (typeof laborCapacities)[number];
export const laborCapacityLabels: Record<LaborCapacity, string> = {
  full: '有劳动能力',
  partial: '弱劳动能力',
  none: '无劳动能力',
};

export const identificationSteps = ['HOME_VISIT', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'DISTRICT_APPROVAL'] as const satisfies readonly SlaStep[];
export type IdentificationStep = (typeof identificationSteps)[number];

export const stages = [...identificationSteps, 'MONITORED', 'NOT_INCLUDED'] as const;
export type Stage = (typeof stages)[number];
export const stageLabels: Record<Stage, string> = {
  HOME_VISIT: '入户核实',
  VILLAGE_REVIEW: '村级民主评议',
  TOWN_REVIEW: '乡镇审核',
  DISTRICT_APPROVAL: '区级审定',
  MONITORED: '已纳入监测',
  NOT_INCLUDED: '不予纳入',
};

/** One open case per household at a time: Temporal refuses a second running workflow with the same id. */
export function monitoringWorkflowId(householdId: string): string {
  return `monitoring-${householdId}`;
}

/** Stages after which the case is over. */
export const closedStages: readonly Stage[] = ['NOT_INCLUDED'];

interface StepRule {
  role: Role;
  level: 'VILLAGE' | 'TOWN' | 'DISTRICT';
  allowedDecisions: Decision[];
  /** A review step: whoever submitted the work it reviews may not decide it. */
  review: boolean;
}

const stepRules: Record<IdentificationStep, StepRule> = {
  // The visit itself has nothing before it to return to.
  HOME_VISIT: { role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', allowedDecisions: ['approve', 'reject'], review: false },
  VILLAGE_REVIEW: { role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', allowedDecisions: ['approve', 'return', 'reject'], review: true },
  TOWN_REVIEW: { role: 'TOWN_REVIEWER', level: 'TOWN', allowedDecisions: ['approve', 'return', 'reject'], review: true },
  DISTRICT_APPROVAL: { role: 'DISTRICT_APPROVER', level: 'DISTRICT', allowedDecisions: ['approve', 'return', 'reject'], review: true },
};

export function isIdentificationStep(stage: string): stage is IdentificationStep {
  return (identificationSteps as readonly string[]).includes(stage);
}

/** Where a decision on a step takes the case: on, back one step (退回补充), or out (不予纳入). */
export function nextStage(step: IdentificationStep, decision: Decision): Stage {
  const i = identificationSteps.indexOf(step);
  if (decision === 'reject') return 'NOT_INCLUDED';
  if (decision === 'return') return identificationSteps[Math.max(0, i - 1)];
  return identificationSteps[i + 1] ?? 'MONITORED';
}

/** The task for a step of a case in `villageCode`, due per the pinned policy. */
export function stepTaskSpec(
  step: IdentificationStep,
  villageCode: string,
  submitterId: string | null,
  policy: PolicySettings,
): TaskSpec {
  const rule = stepRules[step];
  const jurisdictionCode =
    rule.level === 'VILLAGE' ? villageCode : rule.level === 'TOWN' ? villageCode.slice(0, 9) : villageCode.slice(0, 6);
  return {
    step,
    role: rule.role,
    jurisdictionCode,
    allowedDecisions: rule.allowedDecisions,
    submitterId,
    separationOfDuties: rule.review,
    dueInMs: durationMs(policy.stepDue[step]),
  };
}
