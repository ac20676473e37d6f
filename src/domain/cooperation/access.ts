import { ErrorCode, type Refusal } from '../errors';
import type { Actor } from '../roles';

/**
 * Who may do what with 协作帮扶: coordinators (区协作办) and district approvers see every plan; a department officer
 * sees the plans with tasks of its department, and only those tasks; village and town users have no part in it.
 */
export type PlanScope = { all: true } | { all: false; department: string };

export function planReadScope(actor: Actor): PlanScope | null {
  if (actor.role === 'COOPERATION_COORDINATOR' || actor.role === 'DISTRICT_APPROVER') return { all: true };
  if (actor.role === 'DEPARTMENT_OFFICER' && actor.department) return { all: false, department: actor.department };
  return null;
}

const noPart: Refusal = { code: ErrorCode.FORBIDDEN, reason: '协作帮扶由区协作办、区级审定人员和责任部门办理，您的角色无权查看' };

export function refusePlanRead(actor: Actor): Refusal | null {
  return planReadScope(actor) ? null : noPart;
}

/** Partners and indicators: everyone with a part in cooperation, and admins. */
export function refuseReferenceRead(actor: Actor): Refusal | null {
  return planReadScope(actor) || actor.role === 'ADMIN' ? null : noPart;
}

/** Plans, amendments, partners and indicators are the cooperation office's. */
export function refuseCoordinatorAction(actor: Actor, what: string): Refusal | null {
  return actor.role === 'COOPERATION_COORDINATOR' ? null : { code: ErrorCode.FORBIDDEN, reason: `${what}须由区协作办办理` };
}

/** The cooperation report (targets against actuals per partner): coordinators, district approvers and admins. */
export function refuseCooperationReport(actor: Actor): Refusal | null {
  return actor.role === 'COOPERATION_COORDINATOR' || actor.role === 'DISTRICT_APPROVER' || actor.role === 'ADMIN'
    ? null
    : { code: ErrorCode.FORBIDDEN, reason: '协作帮扶报表仅供区协作办、区级审定人员和系统管理员查看' };
}
