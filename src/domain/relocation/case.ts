import { durationMs } from '../duration';
import type { LaborCapacity } from '../monitoring/case';

/** 易地扶贫搬迁后续扶持 (shared/domain.md, process 2; policy section 六): one case per relocated household. */

/** 安置点 kinds: 集中安置 (a built site) or 分散安置 (households placed among existing villages). */
export const siteKinds = ['CENTRALISED', 'SCATTERED'] as const;
export type SiteKind = (typeof siteKinds)[number];
export const siteKindLabels: Record<SiteKind, string> = { CENTRALISED: '集中安置', SCATTERED: '分散安置' };

/** A resettlement site (安置点), reference data kept by admins. */
export interface ResettlementSite {
  code: string;
  name: string;
  townCode: string;
  kind: SiteKind;
  households: number;
}

/**
 * BASELINE_SURVEY until the village records the baseline, FOLLOW_UP while targets are worked on and visited, CLOSED
 * once both targets stayed met for the stable period (a job ended afterwards reopens FOLLOW_UP).
 */
export const relocationStages = ['BASELINE_SURVEY', 'FOLLOW_UP', 'CLOSED'] as const;
export type RelocationStage = (typeof relocationStages)[number];
export const relocationStageLabels: Record<RelocationStage, string> = {
  BASELINE_SURVEY: '基线调查',
  FOLLOW_UP: '后续扶持',
  CLOSED: '稳定达标已结案',
};

/** 健康状况 as far as work is concerned: no diagnosis is recorded (health details are personal data). */
export const healthStatuses = ['GOOD', 'LIMITED', 'UNABLE'] as const;
export type HealthStatus = (typeof healthStatuses)[number];
export const healthStatusLabels: Record<HealthStatus, string> = { GOOD: '健康', LIMITED: '健康状况影响部分劳动', UNABLE: '健康状况无法劳动' };

/** 产业项目 types (income-generating projects). */
export const projectTypes = ['PLANTING', 'BREEDING', 'PROCESSING', 'TOURISM', 'ECOMMERCE', 'DIVIDEND', 'SMALL_BUSINESS', 'OTHER'] as const;
export type ProjectType = (typeof projectTypes)[number];
export const projectTypeLabels: Record<ProjectType, string> = {
  PLANTING: '种植业',
  BREEDING: '养殖业',
  PROCESSING: '加工业',
  TOURISM: '乡村旅游',
  ECOMMERCE: '电商',
  DIVIDEND: '资产收益分红',
  SMALL_BUSINESS: '个体经营',
  OTHER: '其他',
};

/** The relocation case settings, pinned in the case at its start (*precedent* defaults, configurable per case start). */
export interface RelocationSettings {
  /** 基线调查 due after the case opens. */
  baselineDue: string;
  /** 后续扶持走访: quarterly by default. */
  followUpInterval: string;
  /** Targets unmet this long after the baseline open a 目标未达标督办 task. */
  targetDeadline: string;
  /** 目标未达标督办 due after it opens. */
  supervisionDue: string;
  /** Both targets met continuously this long closes the case (12 months by default). */
  stablePeriod: string;
  /** Between escalations of an overdue task. */
  escalationAfter: string;
}

export const defaultRelocationSettings: RelocationSettings = {
  baselineDue: 'P15D',
  followUpInterval: 'P91D',
  targetDeadline: 'P90D',
  supervisionDue: 'P15D',
  stablePeriod: 'P365D',
  escalationAfter: 'P7D',
};

/** The problems of a settings object: each must be an ISO 8601 duration of days or less. */
export function relocationSettingsProblems(settings: RelocationSettings): string[] {
  return Object.entries(settings).flatMap(([key, value]) => {
    try {
      return durationMs(value) > 0 ? [] : [`${key} 应大于0`];
    } catch {
      return [`${key} 应为 ISO 8601 时长（例如 P90D）`];
    }
  });
}

/** One workflow per household: a repeated start is refused, so a household has one relocation case. */
export function relocationWorkflowId(householdId: string): string {
  return `relocation-${householdId}`;
}

/** Households with some labour capacity have the employment and project targets; the others are tracked on the safety net. */
export function hasLabour(laborCapacity: LaborCapacity): boolean {
  return laborCapacity !== 'none';
}
