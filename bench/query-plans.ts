import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { inboxQueries } from '../src/api/tasks/inbox-query';
import type { Role } from '../src/domain/roles';
import { caseReadScope } from '../src/domain/access';
import { PrismaClient } from '../src/generated/prisma/client';

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the inbox and case-list reads, per demo user, on the benchmark's database. The
 * inbox reads are the router's own (src/api/tasks/inbox-query.ts); the case-list calls mirror src/api/monitoring/cases-router.ts
 * (GET /api/monitoring-cases, unfiltered); Prisma's own SQL is captured from its query log and explained, so the
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
      const queries = inboxQueries(actor);
      const byKind: Plans[string] = {};
      byKind.inbox = await explain(() => db.task.findMany(queries.mine));
      if (queries.escalated) {
        const escalated = queries.escalated;
        byKind.inboxEscalated = await explain(() => db.task.findMany(escalated));
      }
      const scope = caseReadScope(actor);
      if (scope !== null) {
        const where = { villageCode: { startsWith: scope } };
        byKind.cases = [
          ...(await explain(() => db.monitoringCase.count({ where }))),
          ...(await explain(() =>
            db.monitoringCase.findMany({ where, orderBy: [{ discoveredAt: 'desc' }, { id: 'asc' }], take: 20, include: { household: { select: { headName: true } } } }),
          )),
        ];
        byKind.casesOverdueIds = await explain(() =>
          db.task.findMany({ where: { process: 'monitoring', status: 'OPEN', dueAt: { lte: new Date() } }, select: { caseId: true }, distinct: ['caseId'] }),
        );
      }
      plans[u.username] = byKind;
    }
    return plans;
  } finally {
    await pg.end();
    await db.$disconnect();
  }
}
