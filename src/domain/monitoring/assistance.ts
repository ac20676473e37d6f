import type { Department } from '../departments';
import type { LaborCapacity } from './case';
import type { Measure } from './schemas';

export type { Measure, MeasurePlan } from './schemas';

/** 分层分类帮扶: assistance measures for a monitored household and the rules they obey (policy sections 十五 to 十七). */

export const measureTiers = ['DEVELOPMENT', 'SAFETY_NET'] as const;
export type MeasureTier = (typeof measureTiers)[number];
export const measureTierLabels: Record<MeasureTier, string> = {
  /** 开发式帮扶: for households with labour capacity. */
  DEVELOPMENT: '开发式帮扶',
  /** 兜底保障: the social-security floor, for those without it. */
  SAFETY_NET: '兜底保障',
};

export const developmentMeasures = ['INDUSTRY', 'EMPLOYMENT', 'TRAINING', 'MICROCREDIT', 'PUBLIC_WELFARE_JOB', 'WORK_FOR_RELIEF'] as const;
export const safetyNetMeasures = [
  'MINIMUM_LIVING',
  'EXTREME_POVERTY_SUPPORT',
  'TEMPORARY_ASSISTANCE',
  'MEDICAL_ASSISTANCE',
  'PENSION_PREMIUM',
  'EDUCATION_AID',
] as const;
export const measureTypes = [...developmentMeasures, ...safetyNetMeasures] as const;
export type MeasureType = (typeof measureTypes)[number];
export const measureTypeLabels: Record<MeasureType, string> = {
  INDUSTRY: '产业帮扶',
  EMPLOYMENT: '就业帮扶',
  TRAINING: '技能培训',
  MICROCREDIT: '小额信贷',
  PUBLIC_WELFARE_JOB: '公益岗位',
  WORK_FOR_RELIEF: '以工代赈',
  MINIMUM_LIVING: '低保',
  EXTREME_POVERTY_SUPPORT: '特困供养',
  TEMPORARY_ASSISTANCE: '临时救助',
  MEDICAL_ASSISTANCE: '医疗救助',
  PENSION_PREMIUM: '养老保险代缴',
  EDUCATION_AID: '教育资助',
};

export function measureTier(type: MeasureType): MeasureTier {
  return (developmentMeasures as readonly string[]).includes(type) ? 'DEVELOPMENT' : 'SAFETY_NET';
}

/**
 * Who delivers each measure. null: no line department; the village (帮扶责任人, 驻村工作队) arranges it with
 * the household, as it does industry projects and small loans with the bank. 医疗救助 has sat with 医保 since 2018,
 * 以工代赈 with 发改, 公益岗位 and the residents' pension with 人社.
 */
export const measureDepartments: Record<MeasureType, Department | null> = {
  INDUSTRY: null,
  EMPLOYMENT: 'HUMAN_RESOURCES',
  TRAINING: 'HUMAN_RESOURCES',
  MICROCREDIT: null,
  PUBLIC_WELFARE_JOB: 'HUMAN_RESOURCES',
  WORK_FOR_RELIEF: 'DEVELOPMENT_REFORM',
  MINIMUM_LIVING: 'CIVIL_AFFAIRS',
  EXTREME_POVERTY_SUPPORT: 'CIVIL_AFFAIRS',
  TEMPORARY_ASSISTANCE: 'CIVIL_AFFAIRS',
  MEDICAL_ASSISTANCE: 'MEDICAL_INSURANCE',
  PENSION_PREMIUM: 'HUMAN_RESOURCES',
  EDUCATION_AID: 'EDUCATION',
};

/** 养老保险代缴 groups; section 十七 names all but OTHER. */
export const pensionBeneficiaryGroups = ['MINIMUM_LIVING', 'EXTREME_POVERTY', 'RETURNED_TO_POVERTY', 'SEVERE_DISABILITY', 'OTHER'] as const;
export type PensionBeneficiaryGroup = (typeof pensionBeneficiaryGroups)[number];
export const pensionBeneficiaryGroupLabels: Record<PensionBeneficiaryGroup, string> = {
  MINIMUM_LIVING: '低保对象',
  EXTREME_POVERTY: '特困人员',
  RETURNED_TO_POVERTY: '返贫致贫人口',
  SEVERE_DISABILITY: '重度残疾人',
  OTHER: '其他',
};
const eligiblePensionGroups: readonly PensionBeneficiaryGroup[] = ['MINIMUM_LIVING', 'EXTREME_POVERTY', 'RETURNED_TO_POVERTY', 'SEVERE_DISABILITY'];

/** Measures paid as a monthly allowance, whose amount the plan must state. */
export const monthlyAllowances: readonly MeasureType[] = ['MINIMUM_LIVING', 'EXTREME_POVERTY_SUPPORT'];

/** 特困供养标准不低于低保标准的1.3倍 (section 十五), as 13/10 so the check is exact in 分. */
const extremePovertyFactor = { numerator: 13, denominator: 10 };


/** Why part of a plan breaks policy: `path` as zod writes it (measures.2.monthlyAmount), the message for the caseworker. */
export interface PlanProblem {
  path: string;
  message: string;
}

const toFen = (yuan: number) => Math.round(yuan * 100);
const fenText = (fen: number) => `${fen / 100}`;

/** The least 特困供养 amount the 低保 standard allows, in 分: 1.3 × the standard, rounded up to the 分. */
export function extremePovertyMinimumFen(standards: { minimumLivingMonthly: number }): number {
  return Math.ceil((toFen(standards.minimumLivingMonthly) * extremePovertyFactor.numerator) / extremePovertyFactor.denominator);
}

/** Whether a 特困供养 monthly amount (元) falls under 1.3 × the 低保 standard: the rule plans are refused by, and the what-if applies. */
export function isBelowExtremePovertyMinimum(monthlyAmount: number, standards: { minimumLivingMonthly: number }): boolean {
  return toFen(monthlyAmount) * extremePovertyFactor.denominator < toFen(standards.minimumLivingMonthly) * extremePovertyFactor.numerator;
}

/** Whether a household's income (元/人/年) clears the monitoring line: strictly above it, as 风险消除 requires. */
export function isAboveMonitoringLine(perCapitaIncome: number, line: number): boolean {
  return perCapitaIncome > line;
}

/**
 * What policy forbids in a plan that passed `measurePlanSchema`; empty when it is allowed.
 * `standards.minimumLivingMonthly`: the 低保 standard in force, 元/人/月 (policy settings).
 */
export function refuseMeasurePlan(input: {
  laborCapacity: LaborCapacity;
  measures: readonly Measure[];
  standards: { minimumLivingMonthly: number };
  /** Measures the case already has that still stand (planned or delivered): a new one may not overlap them either. */
  existing?: readonly Pick<Measure, 'type' | 'startDate' | 'endDate'>[];
}): PlanProblem[] {
  const { laborCapacity, measures, standards, existing = [] } = input;
  const problems: PlanProblem[] = [];
  const item = (i: number) => `第${i + 1}项（${measureTypeLabels[measures[i].type]}）`;

  if (laborCapacity === 'none' && measures.length > 0 && measures.every((m) => measureTier(m.type) === 'DEVELOPMENT')) {
    problems.push({
      path: 'measures',
      message: `该户无劳动能力，不能只安排开发式帮扶（${developmentMeasures.map((t) => measureTypeLabels[t]).join('、')}）：请至少安排一项兜底保障措施（${safetyNetMeasures.map((t) => measureTypeLabels[t]).join('、')}）`,
    });
  }

  const standardFen = toFen(standards.minimumLivingMonthly);
  const minimumFen = extremePovertyMinimumFen(standards);
  measures.forEach((m, i) => {
    if (m.type === 'EXTREME_POVERTY_SUPPORT') {
      const rule = `特困供养标准不得低于低保标准的1.3倍：低保标准为${fenText(standardFen)}元/月，特困供养至少${fenText(minimumFen)}元/月`;
      if (m.monthlyAmount === undefined) {
        problems.push({ path: `measures.${i}.monthlyAmount`, message: `${item(i)}未填写月发放金额。${rule}` });
      } else if (isBelowExtremePovertyMinimum(m.monthlyAmount, standards)) {
        problems.push({ path: `measures.${i}.monthlyAmount`, message: `${item(i)}为${fenText(toFen(m.monthlyAmount))}元/月，低于规定。${rule}` });
      }
    }
    if (m.type === 'PENSION_PREMIUM' && !(m.beneficiaryGroup && eligiblePensionGroups.includes(m.beneficiaryGroup))) {
      const who = m.beneficiaryGroup ? `代缴对象为“${pensionBeneficiaryGroupLabels[m.beneficiaryGroup]}”` : '未填写代缴对象类别';
      problems.push({
        path: `measures.${i}.beneficiaryGroup`,
        message: `${item(i)}${who}：城乡居民养老保险保费代缴仅限低保对象、特困人员、返贫致贫人口和重度残疾人`,
      });
    }
    if (m.endDate !== undefined && m.endDate < m.startDate) {
      problems.push({ path: `measures.${i}.endDate`, message: `${item(i)}结束日期（${m.endDate}）早于开始日期（${m.startDate}）` });
    }
  });

  // Same type twice at once: dates are inclusive, no end date means still running. YYYY-MM-DD compares as text.
  const span = (m: Measure) => (m.endDate ? `${m.startDate}至${m.endDate}` : `${m.startDate}起`);
  measures.forEach((later, j) => {
    if (later.endDate !== undefined && later.endDate < later.startDate) return;
    const i = measures.findIndex(
      (earlier, k) =>
        k < j &&
        earlier.type === later.type &&
        !(earlier.endDate !== undefined && earlier.endDate < earlier.startDate) &&
        earlier.startDate <= (later.endDate ?? '9999-12-31') &&
        later.startDate <= (earlier.endDate ?? '9999-12-31'),
    );
    if (i >= 0) {
      problems.push({
        path: `measures.${j}.startDate`,
        message: `${item(j)}（${span(later)}）与${item(i)}（${span(measures[i])}）时间重叠：同一类措施不能同时重复安排`,
      });
      return;
    }
    const planned = existing.find(
      (earlier) =>
        earlier.type === later.type && earlier.startDate <= (later.endDate ?? '9999-12-31') && later.startDate <= (earlier.endDate ?? '9999-12-31'),
    );
    if (planned) {
      problems.push({
        path: `measures.${j}.startDate`,
        message: `${item(j)}（${span(later)}）与该户已安排的${measureTypeLabels[planned.type]}（${span(planned as Measure)}）时间重叠：同一类措施不能同时重复安排，请先结束原措施或调整日期`,
      });
    }
  });
  return problems;
}

/** What `exitProblems` needs to know about a monitored household and the policy in force. */
export interface ExitFacts {
  laborCapacity: LaborCapacity;
  /** When the household became monitored (epoch ms). */
  monitoredSince: number;
  now: number;
  measuresDelivered: number;
  /** 人均纯收入, annualised from each month's records (元/人/年). */
  monthlyIncomes: readonly { month: string; perCapitaAnnualized: number }[];
  /** The year's monitoring line (元/人/年), see `monitoringLineFor`. */
  monitoringLine: number;
  /** Large unavoidable spending (刚性支出, illness, schooling...) still weighs on the household. */
  unresolvedSpending: boolean;
  /** 三保障 (schooling, medical care, safe housing) and drinking water are all secure. */
  guaranteesSecure: boolean;
  /** Policy `exitMinMonitored` in ms (180 days by default). */
  minMonitoredMs: number;
  /** Policy `exitStableIncomeMonths` (6 by default). */
  stableIncomeMonths: number;
}

const dayMs = 86_400_000;
const monthMs = 30 * dayMs;
// Months are counted in Beijing time, where the district keeps its books.
const beijingOffsetMs = 8 * 3_600_000;

/** A span in words; months are 30 days, as the policy's P180D is "6 months". Rounded down. */
function spanText(ms: number): string {
  if (ms <= 0) return '0天';
  if (ms >= dayMs) {
    const months = Math.floor(ms / monthMs);
    const days = Math.floor((ms % monthMs) / dayMs);
    return `${months ? `${months}个月` : ''}${days || !months ? `${days}天` : ''}`;
  }
  const parts: [number, string][] = [
    [Math.floor(ms / 3_600_000), '小时'],
    [Math.floor((ms % 3_600_000) / 60_000), '分钟'],
    [Math.floor((ms % 60_000) / 1000), '秒'],
  ];
  const text = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('');
  return text || '不足1秒';
}

/** The `count` whole months before the one `now` falls in, oldest first, as YYYY-MM. */
function monthsBefore(now: number, count: number): string[] {
  const d = new Date(now + beijingOffsetMs);
  const current = d.getUTCFullYear() * 12 + d.getUTCMonth();
  return Array.from({ length: count }, (_, k) => {
    const m = current - count + k;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * Why 风险消除 may not be proposed yet; empty when it may (shared/domain.md, "Risk elimination").
 * A household with no labour capacity at all is never eliminated: that alone is returned, since nothing else could change it.
 * Income must be strictly above the line in each of the last `stableIncomeMonths` whole months (the current month is
 * not over yet); a month without a record does not show it, and a month recorded twice counts at its lower figure.
 */
export function exitProblems(facts: ExitFacts): string[] {
  if (facts.laborCapacity === 'none') {
    return ['该户无劳动能力，按政策不标注风险消除，继续跟踪监测并落实兜底保障'];
  }
  const problems: string[] = [];

  const monitored = facts.now - facts.monitoredSince;
  if (monitored < facts.minMonitoredMs) {
    problems.push(`纳入监测未满${spanText(facts.minMonitoredMs)}（已监测${spanText(monitored)}）`);
  }

  if (facts.measuresDelivered < 1) {
    problems.push('尚未落实任何帮扶措施：风险消除前至少应落实1项帮扶措施');
  }

  const months = monthsBefore(facts.now, facts.stableIncomeMonths);
  const lowest = new Map<string, number>();
  for (const { month, perCapitaAnnualized } of facts.monthlyIncomes) {
    lowest.set(month, Math.min(perCapitaAnnualized, lowest.get(month) ?? Infinity));
  }
  const shortfalls = months.flatMap((month) => {
    const income = lowest.get(month);
    if (income === undefined) return [`${month}无收入记录`];
    return isAboveMonitoringLine(income, facts.monitoringLine) ? [] : [`${month}为${income}元`];
  });
  if (shortfalls.length > 0) {
    problems.push(
      `近${facts.stableIncomeMonths}个月（${months[0]}至${months[months.length - 1]}）人均纯收入未稳定高于当年监测线${facts.monitoringLine}元/年：${shortfalls.join('，')}`,
    );
  }

  if (facts.unresolvedSpending) {
    problems.push('因病、因学等刚性支出较大的问题尚未解决');
  }
  if (!facts.guaranteesSecure) {
    problems.push('义务教育、基本医疗、住房安全“三保障”和饮水安全尚未全部落实');
  }
  return problems;
}
