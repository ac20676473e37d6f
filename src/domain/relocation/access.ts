import { ErrorCode, type Refusal } from '../errors';
import { isWithin } from '../jurisdictions';
import type { Actor, Role } from '../roles';

/** Who sees and works relocation cases, each within their jurisdiction (shared/domain.md, process 2; issue 13). */

const readers: readonly Role[] = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER', 'ADMIN'];
/** 人社: the district's employment department keeps the employment ledger with the village and town. */
export const employmentDepartment = 'HUMAN_RESOURCES';
const isEmploymentOfficer = (actor: Actor) => actor.role === 'DEPARTMENT_OFFICER' && actor.department === employmentDepartment;

/** The jurisdiction prefix whose relocation cases this actor may see; null when none. */
export function relocationReadScope(actor: Actor): string | null {
  return readers.includes(actor.role) || isEmploymentOfficer(actor) ? actor.jurisdictionCode : null;
}

export function canReadRelocation(actor: Actor, villageCode: string): boolean {
  const scope = relocationReadScope(actor);
  return scope !== null && isWithin(villageCode, scope);
}

const forbidden = (reason: string): Refusal => ({ code: ErrorCode.FORBIDDEN, reason });

/** A relocation case is opened by a town reviewer or a district approver of the household's area. */
export function refuseRelocationStart(actor: Actor, villageCode: string): Refusal | null {
  if (actor.role !== 'TOWN_REVIEWER' && actor.role !== 'DISTRICT_APPROVER') return forbidden('只有乡镇审核人员或区级审定人员可以登记易地搬迁后续扶持对象');
  if (!isWithin(villageCode, actor.jurisdictionCode)) return forbidden('该村（社区）不在您的辖区内');
  return null;
}

export type RelocationWrite = 'baseline' | 'employment' | 'project' | 'visit';

/** Who writes what on a case: the village records the baseline; village and town keep the ledgers and visit; 人社 keeps employment too. */
export function refuseRelocationWrite(actor: Actor, villageCode: string, what: RelocationWrite): Refusal | null {
  const inArea = isWithin(villageCode, actor.jurisdictionCode);
  if (what === 'baseline') return actor.role === 'VILLAGE_CASEWORKER' && inArea ? null : forbidden('基线调查须由本村信息员登记');
  if (what === 'employment' && isEmploymentOfficer(actor) && inArea) return null;
  if ((actor.role === 'VILLAGE_CASEWORKER' || actor.role === 'TOWN_REVIEWER') && inArea) return null;
  const who = what === 'employment' ? '本辖区的村、乡镇经办人员或人社部门' : '本辖区的村、乡镇经办人员';
  const label = { employment: '就业台账', project: '产业项目台账', visit: '后续扶持走访' }[what];
  return forbidden(`${label}须由${who}登记`);
}

/** Resettlement sites are reference data: admins keep them. */
export function refuseSiteManagement(actor: Actor): Refusal | null {
  return actor.role === 'ADMIN' ? null : forbidden('只有系统管理员可以维护安置点');
}
