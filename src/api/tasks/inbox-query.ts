import { jurisdictionLevel } from '../../domain/jurisdictions';
import { supervisorRoleAt, type Actor } from '../../domain/roles';
import type { Prisma } from '../../generated/prisma/client';

/** At most this many tasks per inbox list. */
const inboxLimit = 500;

/**
 * The reads behind an inbox (GET /api/tasks): open tasks the actor may act on (role, jurisdiction, not claimed by
 * someone else, not their own work to review, their department's), and, for a town's or the district's supervising
 * role, the tasks escalated to it; null when the actor supervises nothing.
 */
export function inboxQueries(actor: Actor): { mine: Prisma.TaskFindManyArgs; escalated: Prisma.TaskFindManyArgs | null } {
  const level = jurisdictionLevel(actor.jurisdictionCode);
  const supervises = level === 'TOWN' || level === 'DISTRICT' ? supervisorRoleAt[level] === actor.role : false;
  const order: Prisma.TaskOrderByWithRelationInput[] = [{ dueAt: 'asc' }, { id: 'asc' }];
  return {
    mine: {
      where: {
        status: 'OPEN',
        role: actor.role,
        jurisdictionCode: { startsWith: actor.jurisdictionCode },
        OR: [{ assigneeId: null }, { assigneeId: actor.userId }],
        AND: [
          { OR: [{ separationOfDuties: false }, { submitterId: null }, { submitterId: { not: actor.userId } }] },
          { OR: [{ department: null }, ...(actor.department ? [{ department: actor.department }] : [])] },
        ],
      },
      orderBy: order,
      take: inboxLimit,
    },
    escalated: supervises ? { where: { status: 'OPEN', escalatedToCode: actor.jurisdictionCode }, orderBy: order, take: inboxLimit } : null,
  };
}
