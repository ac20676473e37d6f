import type { Department } from '../departments';
import type { RiskType } from './case';

/**
 * 信息比对: which department's records are compared for each risk a case names. Medical spending is 医保's, schooling
 * 教育's, employment 人社's, housing safety 住建's, drinking water 水利's, disability 残联's, disasters 应急's; a risk with
 * no department of its own (an accident, a failed business, other) is compared with 民政's assistance records.
 */
const departmentOfRisk: Record<RiskType, Department> = {
  ILLNESS: 'MEDICAL_INSURANCE',
  DISABILITY: 'DISABLED_PERSONS_FEDERATION',
  SCHOOLING: 'EDUCATION',
  DISASTER: 'EMERGENCY_MANAGEMENT',
  ACCIDENT: 'CIVIL_AFFAIRS',
  INDUSTRY_FAILURE: 'CIVIL_AFFAIRS',
  UNSTABLE_EMPLOYMENT: 'HUMAN_RESOURCES',
  HOUSING_SAFETY: 'HOUSING',
  DRINKING_WATER: 'WATER_RESOURCES',
  OTHER: 'CIVIL_AFFAIRS',
};

/** The departments that compare their data for a case, each once, in the order its risks are named; never none. */
export function dataMatchingDepartments(risks: readonly RiskType[]): Department[] {
  const concerned = [...new Set(risks.map((risk) => departmentOfRisk[risk]))];
  return concerned.length ? concerned : ['CIVIL_AFFAIRS'];
}

