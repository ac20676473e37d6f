import reference from '../../prisma/reference/kaizhou-jurisdictions.json';
import { hashNewPassword } from '../api/auth/passwords';
import { departmentLabels, type Department } from '../domain/departments';
import type { Role } from '../domain/roles';
import type { PrismaClient } from '../generated/prisma/client';

/** Demo data: never seeded in production mode. Villages are invented and say so in their names. */

export const demoPassword = 'demo-password';
export const demoDistrict = reference.district.code;
/** 大进镇, the policy's demonstration town (section 十八). */
export const demoTown = '500154017';
export const demoVillage = `${demoTown}001`;
const villagesPerTown = 3;
const villageNames = ['一村', '二村', '三村'];

/** The demo's officer of each department besides 民政 (dept.officer). */
export const departmentOfficers: { username: string; department: Department }[] = [
  { username: 'dept.medical', department: 'MEDICAL_INSURANCE' },
  { username: 'dept.education', department: 'EDUCATION' },
  { username: 'dept.labour', department: 'HUMAN_RESOURCES' },
  { username: 'dept.housing', department: 'HOUSING' },
  { username: 'dept.water', department: 'WATER_RESOURCES' },
  { username: 'dept.disability', department: 'DISABLED_PERSONS_FEDERATION' },
  { username: 'dept.emergency', department: 'EMERGENCY_MANAGEMENT' },
  { username: 'dept.development', department: 'DEVELOPMENT_REFORM' },
];

/** The demo user who acts for a department: dept.officer for 民政, the officer above for the others. */
export function demoDepartmentOfficer(department: string): string {
  return departmentOfficers.find((o) => o.department === department)?.username ?? 'dept.officer';
}

export const demoUsers: { username: string; displayName: string; role: Role; jurisdictionCode: string; department?: string }[] = [
  { username: 'village.worker', displayName: '演示村信息员', role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage },
  { username: 'village.head', displayName: '演示村委会主任', role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage },
  { username: 'town.reviewer', displayName: '演示乡镇审核员', role: 'TOWN_REVIEWER', jurisdictionCode: demoTown },
  { username: 'district.approver', displayName: '演示区乡村振兴局', role: 'DISTRICT_APPROVER', jurisdictionCode: demoDistrict },
  { username: 'dept.officer', displayName: '演示民政部门', role: 'DEPARTMENT_OFFICER', jurisdictionCode: demoDistrict, department: 'CIVIL_AFFAIRS' },
  // 信息比对 goes to the department whose data a risk concerns: one officer for each.
  ...departmentOfficers.map(({ username, department }) => ({
    username,
    displayName: `演示${departmentLabels[department]}部门`,
    role: 'DEPARTMENT_OFFICER' as const,
    jurisdictionCode: demoDistrict,
    department,
  })),
  { username: 'coordinator', displayName: '演示区协作办', role: 'COOPERATION_COORDINATOR', jurisdictionCode: demoDistrict },
  { username: 'admin', displayName: '演示管理员', role: 'ADMIN', jurisdictionCode: demoDistrict },
];

export function demoJurisdictions() {
  const { district, units } = reference;
  return [
    { code: district.code, name: district.name, level: 'DISTRICT' as const, parentCode: null, kind: 'district' },
    ...units.map((u) => ({ code: u.code, name: u.name, level: 'TOWN' as const, parentCode: district.code, kind: u.kind })),
    ...units.flatMap((u) =>
      villageNames.slice(0, villagesPerTown).map((suffix, i) => ({
        code: `${u.code}${String(i + 1).padStart(3, '0')}`,
        name: `${u.name.replace(/(街道|镇|乡)$/, '')}演示${suffix}`,
        level: 'VILLAGE' as const,
        parentCode: u.code,
        kind: u.kind === 'street' ? 'community' : 'village',
      })),
    ),
  ];
}

/** 安置点 of the demo: invented sites in the demonstration town and its neighbour, saying so in their names. */
export const demoSites = [
  { code: 'DJ-JZ-01', name: '大进镇演示集中安置点', townCode: demoTown, kind: 'CENTRALISED', households: 120 },
  { code: 'DJ-FS-01', name: '大进镇演示分散安置', townCode: demoTown, kind: 'SCATTERED', households: 35 },
  { code: 'TJ-JZ-01', name: '谭家镇演示集中安置点', townCode: '500154018', kind: 'CENTRALISED', households: 80 },
];

/** Idempotent: a second run changes nothing (passwords of existing users are kept). */
export async function seedDemoData(db: PrismaClient, emailDomain = 'demo.assistflow.local'): Promise<void> {
  const places = demoJurisdictions();
  // Parents first, so the tree's foreign key holds.
  await db.jurisdiction.createMany({ data: places, skipDuplicates: true });
  const passwordHash = await hashNewPassword(demoPassword);
  await db.user.createMany({
    data: demoUsers.map((u) => ({ ...u, email: `${u.username}@${emailDomain}`, passwordHash })),
    skipDuplicates: true,
  });
  await db.resettlementSite.createMany({ data: demoSites, skipDuplicates: true });
}
