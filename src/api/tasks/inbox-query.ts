import { jurisdictionLevel } from '../../domain/jurisdictions';
import { supervisorRoleAt, type Actor } from '../../domain/roles';
import type { InboxQuery } from '../../domain/tasks/schemas';
import type { Prisma } from '../../generated/prisma/client';

/** One inbox list: which tasks (`where`, also what its total counts) and which page of them. */
export interface InboxRead {
  where: Prisma.TaskWhereInput;
  orderBy: Prisma.TaskOrderByWithRelationInput[];
  skip: number;
  take: number;
}

/**
 * The reads behind an inbox (GET /api/tasks): open tasks the actor may act on (role, jurisdiction, not claimed by
 * someone else, not their own work to review, their department's), and, for a town's or the district's supervising
 * role, the tasks escalated to it; null when the actor supervises nothing. Each is the same page of its list, in due
 * order; with `caseId`, of that case's tasks only.
 */
export function inboxQueries(actor: Actor, query: InboxQuery): { mine: InboxRead; escalated: InboxRead | null } {
  const level = jurisdictionLevel(actor.jurisdictionCode);
  const supervises = level === 'TOWN' || level === 'DISTRICT' ? supervisorRoleAt[level] === actor.role : false;
  // id breaks ties of due time, so that a task is on one page only.
  const orderBy: Prisma.TaskOrderByWithRelationInput[] = [{ dueAt: 'asc' }, { id: 'asc' }];
  const page = { orderBy, skip: (query.page - 1) * query.pageSize, take: query.pageSize };
  const ofCase = query.caseId === undefined ? {} : { caseId: query.caseId };
  return {
    mine: {
      where: {
        status: 'OPEN',
        role: actor.role,
        jurisdictionCode: { startsWith: actor.jurisdictionCode },
        ...ofCase,
        OR: [{ assigneeId: null }, { assigneeId: actor.userId }],
        AND: [
          { OR: [{ separationOfDuties: false }, { submitterId: null }, { submitterId: { not: actor.userId } }] },
          { OR: [{ separationOfDuties: false }, { NOT: { excludedActorIds: { has: actor.userId } } }] },
          { OR: [{ department: null }, ...(actor.department ? [{ department: actor.department }] : [])] },
        ],
      },
      ...page,
    },
    escalated: supervises ? { where: { status: 'OPEN', escalatedToCode: actor.jurisdictionCode, ...ofCase }, ...page } : null,
  };
}
