import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Logger } from '../../logger';
import type { RouteDoc } from '../openapi/registry';

/**
 * What the API tells an operator, on `GET /metrics` (src/api/metrics/metrics-router.ts). Labels are codes and route
 * patterns only: never a user, a household or an id (an id in a label would also make one series per case).
 * One registry per app instance, so several apps in one process (tests) do not share or collide.
 */
export interface ApiMetrics {
  registry: Registry;
  /** One answered request, labelled with its route pattern (`/api/tasks/:id/complete`), never the raw path. */
  recordRequest(method: string, path: string, status: number, seconds: number): void;
  /** A human task decided through the API (not a retry answered from the first decision). */
  recordDecision(process: string, step: string, decision: string): void;
  recordImport(kind: string, outcome: 'imported' | 'already_imported' | 'refused', rows?: { leads: number; evidence: number; duplicates: number; rejected: number }): void;
  recordLogin(outcome: 'success' | 'bad_credentials' | 'locked'): void;
  /** A failed login that locked its username or its client address. */
  recordLockout(scope: 'username' | 'address'): void;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route label of a path: the documented route's Express pattern, `/metrics`, `/docs`, or `unmatched` (404s, scanners). */
export function routePatterns(routes: readonly Pick<RouteDoc, 'path'>[]): (path: string) => string {
  const patterns = [...new Set(routes.map((r) => r.path))].map((path) => ({
    label: path.replace(/\{(\w+)\}/g, ':$1'),
    // `{id}` is one path segment; Express matches case-insensitively and allows a trailing slash.
    pattern: new RegExp(`^${path.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}/?$`, 'i'),
  }));
  return (path) => {
    if (path === '/metrics') return '/metrics';
    if (path === '/docs' || path.startsWith('/docs/')) return '/docs';
    return patterns.find((p) => p.pattern.test(path))?.label ?? 'unmatched';
  };
}

export function createApiMetrics({ db, routes, logger }: { db: PrismaClient; routes: readonly Pick<RouteDoc, 'path'>[]; logger: Logger }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const routeOf = routePatterns(routes);

  const requests = new Counter({ name: 'assistflow_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'assistflow_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const decisions = new Counter({ name: 'assistflow_task_decisions_total', help: 'Human tasks decided through the API, by process, step and decision', labelNames: ['process', 'step', 'decision'], registers: [registry] });
  const imports = new Counter({ name: 'assistflow_imports_total', help: 'Department alert imports, by kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry] });
  const importRows = new Counter({ name: 'assistflow_import_rows_total', help: 'Rows of imports, by kind and what became of them', labelNames: ['kind', 'result'], registers: [registry] });
  const logins = new Counter({ name: 'assistflow_logins_total', help: 'Login attempts, by outcome', labelNames: ['outcome'], registers: [registry] });
  const lockouts = new Counter({ name: 'assistflow_login_lockouts_total', help: 'Logins locked after repeated failures, by what was locked (a username or a client address)', labelNames: ['scope'], registers: [registry] });

  // Read from the read model at scrape time: one grouped query for all four gauges, whichever collects first runs it
  // (prom-client collects the metrics of a scrape concurrently, so the others await the same query).
  let pending: Promise<void> | null = null;
  const collect = () => (pending ??= collectTasks().finally(() => setImmediate(() => (pending = null))));
  const openTasks = new Gauge({ name: 'assistflow_open_tasks', help: 'Open human tasks, by process (read model, at scrape time)', labelNames: ['process'], registers: [registry], collect });
  const overdueTasks = new Gauge({ name: 'assistflow_overdue_tasks', help: 'Open human tasks past their due time, by process (read model, at scrape time)', labelNames: ['process'], registers: [registry], collect });
  const overdueByTown = new Gauge({
    name: 'assistflow_overdue_tasks_by_town',
    help: 'Open human tasks past due at town level or below, by town code (first 9 digits of the jurisdiction)',
    labelNames: ['town_code'],
    registers: [registry],
    collect,
  });
  const readModelUp = new Gauge({ name: 'assistflow_read_model_up', help: '1 when the task gauges could be read from PostgreSQL at this scrape, 0 when not', registers: [registry], collect });
  const collectTasks = async () => {
    openTasks.reset();
    overdueTasks.reset();
    overdueByTown.reset();
    try {
      const rows = await db.$queryRaw<{ process: string | null; town: string | null; byTown: number; open: number; overdue: number }[]>`
        SELECT process, town, GROUPING(town)::int AS "byTown", count(*)::int AS open, count(*) FILTER (WHERE "dueAt" <= now())::int AS overdue
        FROM (SELECT process, "dueAt", CASE WHEN length("jurisdictionCode") >= 9 THEN left("jurisdictionCode", 9) END AS town
              FROM "Task" WHERE status = 'OPEN') t
        GROUP BY GROUPING SETS ((process), (town))`;
      for (const row of rows) {
        if (row.byTown === 1) {
          openTasks.set({ process: row.process! }, row.open);
          overdueTasks.set({ process: row.process! }, row.overdue);
        } else if (row.town !== null) {
          overdueByTown.set({ town_code: row.town }, row.overdue);
        }
      }
      readModelUp.set(1);
    } catch (error) {
      // The process metrics still answer while PostgreSQL does not.
      readModelUp.set(0);
      logger.warn('metrics: task gauges not read', { error: error instanceof Error ? error.message : String(error) });
    }
  };

  return {
    registry,
    recordRequest(method, path, status, seconds) {
      const labels = { method: methods.has(method) ? method : 'OTHER', route: routeOf(path), status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    recordDecision: (process, step, decision) => decisions.inc({ process, step, decision }),
    recordImport(kind, outcome, rows) {
      imports.inc({ kind, outcome });
      if (!rows) return;
      for (const [result, count] of Object.entries(rows)) if (count > 0) importRows.inc({ kind, result }, count);
    },
    recordLogin: (outcome) => logins.inc({ outcome }),
    recordLockout: (scope) => lockouts.inc({ scope }),
  };
}
