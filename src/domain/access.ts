import { departments, type Department } from './departments';
import { ErrorCode, type Refusal } from './errors';
import { isWithin } from './jurisdictions';
import type { Channel } from './monitoring/case';
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

/** The jurisdiction prefix whose monitoring reports this actor may read, or why none: reports follow case visibility. */
export function monitoringReportScope(actor: Actor): { scope: string } | { refusal: Refusal } {
  const scope = caseReadScope(actor);
  if (scope === null) {
    return { refusal: { code: ErrorCode.FORBIDDEN, reason: '只有村、乡镇、区级经办人员和系统管理员可以查看防止返贫监测报表' } };
  }
  return { scope };
}

/**
 * Why this actor may not open a case in this village through this channel; null when they may. Departments
 * open leads only from their data-comparison alerts (部门筛查预警).
 */
export function refuseCaseCreation(actor: Actor, villageCode: string, channel: Channel): Refusal | null {
  const departmentAlert = actor.role === 'DEPARTMENT_OFFICER' && channel === 'DEPARTMENT_ALERT';
  if (!caseCreators.includes(actor.role) && !departmentAlert) {
    return {
      code: ErrorCode.FORBIDDEN,
      reason: actor.role === 'DEPARTMENT_OFFICER' ? '行业部门只能通过部门筛查预警登记监测对象线索' : '只有村、乡镇和区级经办人员可以登记监测对象线索',
    };
  }
  if (!isWithin(villageCode, actor.jurisdictionCode)) {
    return { code: ErrorCode.FORBIDDEN, reason: '该村（社区）不在您的辖区内' };
  }
  // Only a department's import finds a lead by data comparison; a caseworker's report is one of the other channels.
  if (channel === 'DEPARTMENT_ALERT' && actor.role !== 'DEPARTMENT_OFFICER') {
    return { code: ErrorCode.VALIDATION, path: 'channel', reason: '“部门筛查预警”渠道只用于行业部门上传的预警名单，请选择农户自主申报（SELF_REPORT）或干部排查（CADRE_VISIT）' };
  }
  return null;
}

/**
 * How much of the policy settings this actor may read: the district and admins the whole history with its
 * authors (`history`); village and town caseworkers the version in force, whose deadlines they work to
 * (`current`); departments and coordinators nothing (null).
 */
export function policyReadAccess(actor: Actor): 'history' | 'current' | null {
  if (actor.role === 'DISTRICT_APPROVER' || actor.role === 'ADMIN') return 'history';
  if (actor.role === 'TOWN_REVIEWER' || actor.role === 'VILLAGE_CASEWORKER') return 'current';
  return null;
}

/** Why this actor may not store a new policy version; null when they may. Only the district sets policy. */
export function refusePolicyChange(actor: Actor): Refusal | null {
  if (actor.role !== 'DISTRICT_APPROVER') {
    return { code: ErrorCode.FORBIDDEN, reason: '只有区乡村振兴局审定人员可以修改政策设置' };
  }
  return null;
}

/** Why this actor may not read the audit log; null when they may. The district and admins only. */
export function refuseAuditRead(actor: Actor): Refusal | null {
  if (actor.role !== 'DISTRICT_APPROVER' && actor.role !== 'ADMIN') {
    return { code: ErrorCode.FORBIDDEN, reason: '只有区乡村振兴局审定人员和系统管理员可以查看审计日志' };
  }
  return null;
}

/**
 * Why this actor may not upload a department's alert list; null when they may. Only departments send their data,
 * each its own: an officer's rows of other departments are rejected row by row (parseDepartmentAlertTable), and an
 * officer whose account names no department may not upload at all.
 */
export function refuseDepartmentAlertImport(actor: Actor): Refusal | null {
  if (actor.role !== 'DEPARTMENT_OFFICER') {
    return { code: ErrorCode.FORBIDDEN, reason: '只有行业部门人员可以上传部门筛查预警名单' };
  }
  if (!actor.department || !parseOwnDepartment(actor.department)) {
    return { code: ErrorCode.FORBIDDEN, reason: '您的账号未设置所属行业部门，请联系系统管理员设置后再上传' };
  }
  return null;
}

/** Why this actor may not manage staff accounts; null when they may. Users and reference data are the admins' (domain.md). */
export function refuseUserManagement(actor: Actor): Refusal | null {
  if (actor.role !== 'ADMIN') return { code: ErrorCode.FORBIDDEN, reason: '只有系统管理员可以管理用户账号' };
  return null;
}

/** An admin may not lock themselves out: no disabling their own account or changing their own role. */
export function refuseOwnAccountChange(actor: Actor, userId: string, change: { role?: Role; active?: boolean }): Refusal | null {
  if (actor.userId !== userId) return null;
  if (change.active === false) return { code: ErrorCode.FORBIDDEN, reason: '不能停用自己的账号，请由其他系统管理员操作' };
  if (change.role !== undefined && change.role !== actor.role) return { code: ErrorCode.FORBIDDEN, reason: '不能更改自己的角色，请由其他系统管理员操作' };
  return null;
}

/** The officer's department as the department list knows it; null when unknown. */
export function parseOwnDepartment(code: string | null | undefined): Department | null {
  return departments.find((d) => d === code) ?? null;
}
