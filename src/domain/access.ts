import { ErrorCode, type Refusal } from './errors';
import { isWithin } from './jurisdictions';
import type { Actor, Role } from './roles';

/** Roles that work monitoring cases, each within its own jurisdiction. */
const caseReaders: readonly Role[] = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER', 'ADMIN'];
const caseCreators: readonly Role[] = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'];

/** The jurisdiction prefix whose monitoring cases this actor may see; null when none. */
export function caseReadScope(actor: Actor): string | null {
  return caseReaders.includes(actor.role) ? actor.jurisdictionCode : null;
}

export function canReadCase(actor: Actor, villageCode: string): boolean {
  const scope = caseReadScope(actor);
  return scope !== null && isWithin(villageCode, scope);
}

/** Why this actor may not open a case in this village; null when they may. */
export function refuseCaseCreation(actor: Actor, villageCode: string): Refusal | null {
  if (!caseCreators.includes(actor.role)) {
    return { code: ErrorCode.FORBIDDEN, reason: '只有村、乡镇和区级经办人员可以登记监测对象线索' };
  }
  if (!isWithin(villageCode, actor.jurisdictionCode)) {
    return { code: ErrorCode.FORBIDDEN, reason: '该村（社区）不在您的辖区内' };
  }
  return null;
}
