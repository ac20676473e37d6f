import type { DelegationParty } from '../../domain/delegations';
import type { Role } from '../../domain/roles';
import type { PrismaClient, User } from '../../generated/prisma/client';

export function partyOf(user: Pick<User, 'id' | 'username' | 'role' | 'jurisdictionCode' | 'department' | 'active'>): DelegationParty {
  return { userId: user.id, username: user.username, role: user.role as Role, jurisdictionCode: user.jurisdictionCode, department: user.department, active: user.active };
}

/** The absent colleagues `userId` stands in for right now: unrevoked delegations whose period holds `now`, delegators still active. */
export async function absentColleaguesOf(db: PrismaClient, userId: string, now: Date): Promise<(DelegationParty & { displayName: string })[]> {
  const rows = await db.delegation.findMany({ where: { delegateId: userId, revokedAt: null, from: { lte: now }, to: { gt: now } }, orderBy: { from: 'asc' } });
  if (!rows.length) return [];
  const users = await db.user.findMany({ where: { id: { in: rows.map((r) => r.delegatorId) }, active: true } });
  return users.map((u) => ({ ...partyOf(u), displayName: u.displayName }));
}
