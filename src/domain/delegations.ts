import { z } from 'zod';
import { ErrorCode, type Refusal } from './errors';
import { isWithin, jurisdictionLevel } from './jurisdictions';
import type { Actor, Role } from './roles';

/**
 * 代办 / 委托: a user names a substitute for a period of absence. During it the substitute sees and decides the tasks
 * the absent user could, within the absent user's role and area, and separation of duties holds for both people.
 * Pure rules; the API reads and writes the Delegation rows.
 */

/** The longest a substitution may run: long leave, not a permanent second account. */
export const maxDelegationDays = 180;

export const createDelegationSchema = z
  .object(
    {
      delegateUsername: z.string({ error: '请填写代办人的用户名' }).trim().min(1, '请填写代办人的用户名').max(64, '用户名不超过64个字符'),
      /** For an admin or supervisor setting a substitute for someone else; the caller themself when absent. */
      forUsername: z.string().trim().min(1, '请填写被代办人的用户名').max(64, '用户名不超过64个字符').optional(),
      from: z.iso.datetime({ offset: true, error: '开始时间应为带时区的ISO 8601日期时间，例如 2026-12-08T08:00:00+08:00' }).transform((v) => new Date(v)),
      to: z.iso.datetime({ offset: true, error: '结束时间应为带时区的ISO 8601日期时间，例如 2026-12-15T18:00:00+08:00' }).transform((v) => new Date(v)),
      reason: z.string({ error: '请填写委托原因' }).trim().min(1, '请填写委托原因').max(500, '委托原因不超过500字'),
    },
    { error: '请求体应为JSON对象，包含 delegateUsername、from、to 和 reason' },
  )
  .superRefine((d, ctx) => {
    // Runs even when a field failed above: then there is nothing to compare.
    if (!(d.from instanceof Date) || !(d.to instanceof Date)) return;
    if (d.to.getTime() <= d.from.getTime()) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束时间应晚于开始时间' });
    else if (d.to.getTime() - d.from.getTime() > maxDelegationDays * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `委托期限不超过${maxDelegationDays}天` });
  });
export type CreateDelegation = z.infer<typeof createDelegationSchema>;

export interface DelegationParty {
  userId: string;
  username: string;
  role: Role;
  jurisdictionCode: string;
  department: string | null;
  active: boolean;
}

/** Who may name a substitute for `absent`: themself, an admin, or their supervisor (the town for a village user, the district for a town user). */
export function maySetDelegationFor(setter: Actor, absent: Pick<DelegationParty, 'userId' | 'role' | 'jurisdictionCode'>): boolean {
  if (setter.userId === absent.userId || setter.role === 'ADMIN') return true;
  if (setter.role === 'TOWN_REVIEWER') return absent.role === 'VILLAGE_CASEWORKER' && isWithin(absent.jurisdictionCode, setter.jurisdictionCode);
  if (setter.role === 'DISTRICT_APPROVER') return absent.role === 'TOWN_REVIEWER' && jurisdictionLevel(absent.jurisdictionCode) === 'TOWN' && isWithin(absent.jurisdictionCode, setter.jurisdictionCode);
  return false;
}

/** Why this delegation may not be stored; null when it may. `overlapping`: the absent user's unrevoked delegations that overlap it. */
export function refuseDelegation(p: { setter: Actor; absent: DelegationParty; delegate: DelegationParty; overlapping: number }): Refusal | null {
  if (!maySetDelegationFor(p.setter, p.absent)) {
    return { code: ErrorCode.FORBIDDEN, reason: '只能为本人设置代办人；系统管理员或上级（村级人员的乡镇审核、乡镇人员的区级审批）可以为其设置' };
  }
  if (p.absent.userId === p.delegate.userId) return { code: ErrorCode.VALIDATION, path: 'delegateUsername', reason: '不能委托给本人' };
  if (!p.delegate.active) return { code: ErrorCode.VALIDATION, path: 'delegateUsername', reason: '代办人账号已停用' };
  // A substitute acts within the absent user's role; one of another role would gain a role they do not hold.
  if (p.delegate.role !== p.absent.role) return { code: ErrorCode.VALIDATION, path: 'delegateUsername', reason: '代办人须与被代办人角色相同' };
  if (p.overlapping > 0) return { code: ErrorCode.CONFLICT, reason: '该人员在这段时间已有代办人，请先撤销原委托或调整时间' };
  return null;
}

/** The substitute as the kit sees them while acting for `absent`: the absent user's role and area, the substitute's own identity. */
export function substituteActor(substitute: Pick<Actor, 'userId' | 'username'>, absent: DelegationParty): Actor {
  return {
    userId: substitute.userId,
    username: substitute.username,
    role: absent.role,
    jurisdictionCode: absent.jurisdictionCode,
    department: absent.department,
    onBehalfOf: { userId: absent.userId, username: absent.username },
  };
}
