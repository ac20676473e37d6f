import { jurisdictionLevel, townOf } from '../../domain/jurisdictions';
import { monitoredStages } from '../../domain/monitoring/elimination';
import { beijingYearRange, liveMeasureStatuses, type MonitoringReportInputs } from '../../domain/monitoring/reports';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';

/**
 * The monitoring report's figures, grouped and counted in PostgreSQL: each query answers at most a row per town and
 * stage, step or hundredth of a day, whatever the number of cases, so no case is loaded into memory.
 */
export async function loadMonitoringReportInputs(
  db: PrismaClient,
  p: { scope: string; townCode: string | null; year: number | null; now: Date },
): Promise<MonitoringReportInputs> {
  const range = p.year === null ? null : beijingYearRange(p.year);
  // Scope codes are digits only, so the prefix needs no LIKE escaping.
  const cases = Prisma.sql`c."villageCode" LIKE ${`${p.scope}%`}${range ? Prisma.sql` AND c."discoveredAt" >= ${range.from} AND c."discoveredAt" < ${range.to}` : Prisma.empty}`;
  const townPrefix = townOf(p.scope) ?? p.scope;

  const [place, towns, caseCounts, riskTypeCounts, overdueTasks, identificationDays, clearing] = await Promise.all([
    db.jurisdiction.findUnique({ where: { code: p.scope }, select: { name: true } }),
    db.jurisdiction.findMany({ where: { level: 'TOWN', code: { startsWith: townPrefix } }, select: { code: true, name: true }, orderBy: { code: 'asc' } }),
    db.monitoringCase.groupBy({
      by: ['townCode', 'stage', 'category'],
      where: { villageCode: { startsWith: p.scope }, ...(range && { discoveredAt: { gte: range.from, lt: range.to } }) },
      _count: { _all: true },
    }),
    // Each risk type once per case, should a case list it twice: its first position only (no count(DISTINCT), which sorts).
    db.$queryRaw<{ riskType: string; count: number }[]>`
      SELECT r."riskType", count(*)::int AS "count"
      FROM "MonitoringCase" c CROSS JOIN LATERAL unnest(c."riskTypes") WITH ORDINALITY AS r("riskType", "position")
      WHERE ${cases} AND array_position(c."riskTypes", r."riskType") = r."position"
      GROUP BY r."riskType"`,
    db.$queryRaw<{ step: string; townCode: string; count: number; oldestDueAt: Date }[]>`
      SELECT t."step", c."townCode", count(*)::int AS "count", min(t."dueAt") AS "oldestDueAt"
      FROM "Task" t JOIN "MonitoringCase" c ON c."id" = t."caseId"
      WHERE t."process" = 'monitoring' AND t."status" = 'OPEN' AND t."dueAt" <= ${p.now} AND ${cases}
      GROUP BY t."step", c."townCode"`,
    // The first time a case became monitored: a later return to MONITORED (an exit refused, a rollback) does not restart it.
    db.$queryRaw<{ townCode: string; days: number; count: number }[]>`
      SELECT c."townCode", round((extract(epoch FROM m."monitoredAt" - c."discoveredAt") / 86400)::numeric, 2)::float8 AS "days", count(*)::int AS "count"
      FROM "MonitoringCase" c
      JOIN (SELECT e."caseId", min(e."at") AS "monitoredAt" FROM "TimelineEvent" e WHERE e."toStage" = 'MONITORED' GROUP BY e."caseId") m ON m."caseId" = c."id"
      WHERE ${cases}
      GROUP BY 1, 2`,
    // 动态清零: a monitored household with an identified risk and no live measure, or with an open step past due. The
    // cases with a live measure and those with an overdue step are each one set, hash-joined: no subquery per household.
    db.$queryRaw<{ townCode: string; monitored: number; riskWithoutMeasure: number; withOverdueStep: number; uncleared: number }[]>`
      SELECT f."townCode",
        count(*)::int AS "monitored",
        count(*) FILTER (WHERE f."withoutMeasure")::int AS "riskWithoutMeasure",
        count(*) FILTER (WHERE f."overdue")::int AS "withOverdueStep",
        count(*) FILTER (WHERE f."withoutMeasure" OR f."overdue")::int AS "uncleared"
      FROM (
        SELECT c."townCode",
          cardinality(c."riskTypes") > 0 AND measured."caseId" IS NULL AS "withoutMeasure",
          late."caseId" IS NOT NULL AS "overdue"
        FROM "MonitoringCase" c
        LEFT JOIN (SELECT DISTINCT m."caseId" FROM "Measure" m WHERE m."status" IN (${Prisma.join(liveMeasureStatuses)})) measured ON measured."caseId" = c."id"
        LEFT JOIN (
          SELECT DISTINCT t."caseId" FROM "Task" t WHERE t."process" = 'monitoring' AND t."status" = 'OPEN' AND t."dueAt" <= ${p.now}
        ) late ON late."caseId" = c."id"
        WHERE c."stage" IN (${Prisma.join(monitoredStages)}) AND ${cases}
      ) f
      GROUP BY f."townCode"`,
  ]);

  return {
    generatedAt: p.now,
    scope: { code: p.scope, name: place?.name ?? p.scope, level: jurisdictionLevel(p.scope) ?? 'DISTRICT' },
    filters: { townCode: p.townCode, year: p.year },
    towns,
    caseCounts: caseCounts.map((r) => ({ townCode: r.townCode, stage: r.stage, category: r.category, count: r._count._all })),
    riskTypeCounts,
    overdueTasks,
    identificationDays,
    clearing,
  };
}
