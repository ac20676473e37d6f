import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { caseListQueries } from '../src/api/monitoring/case-list-query';
import { inboxQueries } from '../src/api/tasks/inbox-query';
import { listMonitoringCasesSchema } from '../src/domain/monitoring/schemas';
import { inboxQuerySchema } from '../src/domain/tasks/schemas';
import type { Role } from '../src/domain/roles';
import { caseReadScope } from '../src/domain/access';
import { PrismaClient } from '../src/generated/prisma/client';

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the inbox and case-list reads, per demo user, on the benchmark's database. The
 * inbox reads (first page, default size) and the case list's page and total (unfiltered, and overdue=true) are the
 * routers' own (src/api/tasks/inbox-query.ts, src/api/monitoring/case-list-query.ts); the case list's row and flag
 * reads mirror src/api/monitoring/cases-router.ts. The SQL is captured from Prisma's query log and explained, so the
 * plans are those of the SQL the API sends. A diagnostic: if the routers change, the latency figures stay true,
 * these plans may not.
 */

interface Captured {
  query: string;
  params: unknown[];
}

export type Plans = Record<string, Record<string, { sql: string; plan: string[] }[]>>;

export async function explainReads(databaseUrl: string): Promise<Plans> {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 1 }), log: [{ emit: 'event', level: 'query' }] });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  let captured: Captured[] = [];
  db.$on('query', (e) => captured.push({ query: e.query, params: JSON.parse(e.params) as unknown[] }));
  const explain = async (call: () => Promise<unknown>) => {
    captured = [];
    await call();
    const out: { sql: string; plan: string[] }[] = [];
    for (const c of captured) {
      const { rows } = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${c.query}`, c.params);
      out.push({ sql: c.query, plan: rows.map((r) => r['QUERY PLAN']) });
    }
    return out;
  };
  try {
    const users = await db.user.findMany({ where: { username: { in: ['village.worker', 'village.head', 'town.reviewer', 'district.approver', 'dept.officer', 'coordinator', 'admin'] } } });
    const plans: Plans = {};
    for (const u of users) {
      const actor = { userId: u.id, username: u.username, role: u.role as Role, jurisdictionCode: u.jurisdictionCode, department: u.department };
      const queries = inboxQueries(actor, inboxQuerySchema.parse({}));
      const byKind: Plans[string] = {};
      byKind.inbox = [...(await explain(() => db.task.findMany(queries.mine))), ...(await explain(() => db.task.count({ where: queries.mine.where })))];
      if (queries.escalated) {
        const escalated = queries.escalated;
        byKind.inboxEscalated = [...(await explain(() => db.task.findMany(escalated))), ...(await explain(() => db.task.count({ where: escalated.where })))];
      }
      const scope = caseReadScope(actor);
      if (scope !== null) {
        // A page's total and ids, then its rows, as the router reads them.
        const casePage = async (filters: Record<string, string>) => {
          const sql = caseListQueries(scope, listMonitoringCasesSchema.parse(filters), new Date());
          let ids: string[] = [];
          return [
            ...(await explain(() => db.$queryRaw(sql.count))),
            ...(await explain(async () => (ids = (await db.$queryRaw<{ id: string }[]>(sql.pageIds)).map((r) => r.id)))),
            ...(await explain(() => db.monitoringCase.findMany({ where: { id: { in: ids } }, include: { household: { select: { headName: true } } } }))),
          ];
        };
        byKind.cases = await casePage({});
        byKind.casesOverdue = await casePage({ overdue: 'true' });
      }
      plans[u.username] = byKind;
    }
    return plans;
  } finally {
    await pg.end();
    await db.$disconnect();
  }
}
