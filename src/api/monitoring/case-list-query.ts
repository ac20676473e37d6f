import type { ListMonitoringCases } from '../../domain/monitoring/schemas';
import { Prisma } from '../../generated/prisma/client';

/**
 * The reads behind a page of the case list (GET /api/monitoring-cases), for the router and bench/query-plans.ts:
 * the total, and the page's case ids in list order (newest first). SQL, because `overdue` is an EXISTS over the
 * case's open tasks, and Task.caseId is no Prisma relation (a task may belong to another process's case), so Prisma
 * could only filter by a list of every overdue case's id, loaded first.
 */
export function caseListQueries(scope: string, query: ListMonitoringCases, now: Date): { count: Prisma.Sql; pageIds: Prisma.Sql } {
  const overdueTask = Prisma.sql`SELECT 1 FROM "Task" t
    WHERE t."caseId" = c."id" AND t."process" = 'monitoring' AND t."status" = 'OPEN' AND t."dueAt" <= ${now}`;
  // Scope codes are digits only, so the prefix needs no LIKE escaping.
  const conditions = [
    Prisma.sql`c."villageCode" LIKE ${`${scope}%`}`,
    ...(query.stage ? [Prisma.sql`c."stage" = ${query.stage}`] : []),
    ...(query.townCode ? [Prisma.sql`c."townCode" = ${query.townCode}`] : []),
    ...(query.overdue === undefined ? [] : [query.overdue ? Prisma.sql`EXISTS (${overdueTask})` : Prisma.sql`NOT EXISTS (${overdueTask})`]),
  ];
  const where = Prisma.join(conditions, ' AND ');
  return {
    count: Prisma.sql`SELECT count(*)::int AS "total" FROM "MonitoringCase" c WHERE ${where}`,
    pageIds: Prisma.sql`SELECT c."id" FROM "MonitoringCase" c WHERE ${where}
      ORDER BY c."discoveredAt" DESC, c."id" ASC LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
  };
}
