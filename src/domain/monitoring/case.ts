import type { SlaStep } from '../policy';
import { chainOutcome, type ReviewChain } from '../tasks/review-chain';
import type { Decision } from '../tasks/task';

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

/** The human steps of identification (shared/domain.md, the national 7-step template), in order. */
export const identificationSteps = ['HOME_VISIT', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'DISTRICT_APPROVAL', 'ANNOUNCEMENT'] as const satisfies readonly SlaStep[];
export type IdentificationStep = (typeof identificationSteps)[number];

/** Tasks beside the chain: data matching runs alongside steps 1–3; an objection during posting must be resolved. */
export const sideSteps = ['DATA_MATCHING', 'OBJECTION'] as const satisfies readonly SlaStep[];
export type SideStep = (typeof sideSteps)[number];
/** Steps of a monitored household: the regular visit, delivering each planned measure, the yearly sweep's review. */
export const followUpSteps = ['VISIT', 'MEASURE_DELIVERY', 'ANNUAL_REVIEW'] as const;
export type FollowUpStep = (typeof followUpSteps)[number];
/** 风险消除: the same review chain as identification, run for the exit (shared/domain.md, "Risk elimination"). */
export const exitSteps = ['EXIT_VISIT', 'EXIT_VILLAGE_REVIEW', 'EXIT_TOWN_REVIEW', 'EXIT_DISTRICT_APPROVAL'] as const;
export type ExitStep = (typeof exitSteps)[number];
export type MonitoringStep = IdentificationStep | SideStep | FollowUpStep | ExitStep;

export const stages = [
  'HOME_VISIT',
  'VILLAGE_REVIEW',
  'PUBLIC_POSTING',
  'TOWN_REVIEW',
  'DISTRICT_APPROVAL',
  'ANNOUNCEMENT',
  'MONITORED',
  'NOT_INCLUDED',
  'EXIT_VISIT',
  'EXIT_VILLAGE_REVIEW',
  'EXIT_POSTING',
  'EXIT_TOWN_REVIEW',
  'EXIT_DISTRICT_APPROVAL',
  'RISK_ELIMINATED',
] as const;
export type Stage = (typeof stages)[number];
export const stageLabels: Record<Stage, string> = {
  HOME_VISIT: '入户核实',
  VILLAGE_REVIEW: '村级民主评议',
  PUBLIC_POSTING: '公示',
  TOWN_REVIEW: '乡镇审核',
  DISTRICT_APPROVAL: '区级审定',
  ANNOUNCEMENT: '公告',
  MONITORED: '已纳入监测',
  NOT_INCLUDED: '不予纳入',
  EXIT_VISIT: '风险消除入户核实',
  EXIT_VILLAGE_REVIEW: '风险消除村级评议',
  EXIT_POSTING: '风险消除公示',
  EXIT_TOWN_REVIEW: '风险消除乡镇审核',
  EXIT_DISTRICT_APPROVAL: '风险消除区级审定',
  RISK_ELIMINATED: '已消除风险',
};
export function isIdentificationStep(stage: string): stage is IdentificationStep {
  return (identificationSteps as readonly string[]).includes(stage);
}

/** Identification's review chain: on, back to the step that produced the gap, or out (不予纳入). */
export const identificationChain: ReviewChain<IdentificationStep, Stage> = {
  steps: identificationSteps,
  approved: { HOME_VISIT: 'VILLAGE_REVIEW', VILLAGE_REVIEW: 'PUBLIC_POSTING', TOWN_REVIEW: 'DISTRICT_APPROVAL', DISTRICT_APPROVAL: 'ANNOUNCEMENT', ANNOUNCEMENT: 'MONITORED' },
  // The town finds a gap in what the village evaluated and posted: evaluate and post again.
  returned: { HOME_VISIT: 'HOME_VISIT', VILLAGE_REVIEW: 'HOME_VISIT', TOWN_REVIEW: 'VILLAGE_REVIEW', DISTRICT_APPROVAL: 'TOWN_REVIEW', ANNOUNCEMENT: 'ANNOUNCEMENT' },
  rejected: 'NOT_INCLUDED',
};

/** Where a decision on a chain step takes the case. */
export function nextStage(step: IdentificationStep, decision: Decision): Stage {
  return chainOutcome(identificationChain, step, decision);
}

/** Where a decision on a side task takes the case; null when the case stays where it is. */
export function sideStepOutcome(step: SideStep, decision: Decision): Stage | null {
  if (decision === 'reject') return 'NOT_INCLUDED';
  if (step === 'OBJECTION' && decision === 'return') return 'VILLAGE_REVIEW';
  return null;
}

/** Posting ends when its period is over, no objection is open, and the departments have matched their data. */
export function postingComplete(p: { now: number; postingEndsAt: number; openObjections: number; dataMatched: boolean }): boolean {
  return p.now >= p.postingEndsAt && p.openObjections === 0 && p.dataMatched;
}

/** One open case per household at a time: Temporal refuses a second running workflow with the same id. */
export function monitoringWorkflowId(householdId: string): string {
  return `monitoring-${householdId}`;
}

/** Stages after which the case is over. */
export const closedStages: readonly Stage[] = ['NOT_INCLUDED'];
/** Stages at which identification is finished, one way or the other. */
export const identifiedStages: readonly Stage[] = ['MONITORED', 'NOT_INCLUDED'];

export function isExitStep(step: string): step is ExitStep {
  return (exitSteps as readonly string[]).includes(step);
}
