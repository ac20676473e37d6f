/** 行业部门: the district departments that compare their data with the monitoring list (shared/domain.md, roles). */
export const departments = [
  'CIVIL_AFFAIRS',
  'MEDICAL_INSURANCE',
  'EDUCATION',
  'HUMAN_RESOURCES',
  'HOUSING',
  'WATER_RESOURCES',
  'DISABLED_PERSONS_FEDERATION',
  'EMERGENCY_MANAGEMENT',
  'DEVELOPMENT_REFORM',
] as const;
export type Department = (typeof departments)[number];

export const departmentLabels: Record<Department, string> = {
  CIVIL_AFFAIRS: '民政',
  MEDICAL_INSURANCE: '医保',
  EDUCATION: '教育',
  HUMAN_RESOURCES: '人社',
  HOUSING: '住建',
  WATER_RESOURCES: '水利',
  DISABLED_PERSONS_FEDERATION: '残联',
  EMERGENCY_MANAGEMENT: '应急',
  DEVELOPMENT_REFORM: '发改',
};

/** Longer names a list may use besides the short label, after 开州区/区 and 局/委/部门 are dropped. */
const fullNames: Record<Department, string[]> = {
  CIVIL_AFFAIRS: [],
  MEDICAL_INSURANCE: ['医疗保障'],
  EDUCATION: ['教委'],
  HUMAN_RESOURCES: ['人力社保', '人力资源和社会保障', '人力资源社会保障'],
  HOUSING: ['住房城乡建设', '住房和城乡建设', '住房城乡建'],
  WATER_RESOURCES: ['水务'],
  DISABLED_PERSONS_FEDERATION: ['残疾人联合会'],
  EMERGENCY_MANAGEMENT: ['应急管理'],
  DEVELOPMENT_REFORM: ['发展改革', '发展和改革', '发展改革委'],
};

const byName = new Map<string, Department>(
  departments.flatMap((d) => [d, departmentLabels[d], ...fullNames[d]].map((name) => [name.toUpperCase(), d] as [string, Department])),
);

/**
 * The department a list names: its code (`CIVIL_AFFAIRS`), short name (民政) or full name (开州区民政局,
 * 区医疗保障局, 教委); null when unknown.
 */
export function parseDepartment(value: string): Department | null {
  const name = value.replace(/\s+/g, '').toUpperCase();
  if (byName.has(name)) return byName.get(name)!;
  const bare = name.replace(/^(重庆市)?(开州区|区)/, '').replace(/(局|委员会|委|部门)$/, '');
  return byName.get(bare) ?? byName.get(`${bare}委`) ?? null;
}

/** The short name of a stored department code; the code itself when unknown. */
export function departmentLabel(code: string): string {
  const department = departments.find((d) => d === code);
  return department ? departmentLabels[department] : code;
}
