import { createApiMetrics, routePatterns } from '../../src/api/metrics/api-metrics';
import { apiRoutes } from '../../src/api/openapi/routes';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { parseHostPort } from '../../src/metrics/serve';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text';

describe('API metrics', () => {
  test('a path is labelled with its documented route pattern, never with the ids in it', () => {
    const routeOf = routePatterns(apiRoutes);
    expect(routeOf('/api/tasks/task-0b5e/complete')).toBe('/api/tasks/:id/complete');
    expect(routeOf('/API/Tasks/task-0b5e/complete/')).toBe('/api/tasks/:id/complete');
    expect(routeOf('/api/monitoring-cases/case-1')).toBe('/api/monitoring-cases/:id');
    expect(routeOf('/api/monitoring-cases')).toBe('/api/monitoring-cases');
    expect(routeOf('/api/tasks/a/b/complete')).toBe('unmatched');
    expect(routeOf('/api/500154017001')).toBe('unmatched');
    expect(routeOf('/wp-login.php')).toBe('unmatched');
    expect(routeOf('/metrics')).toBe('/metrics');
    expect(routeOf('/docs/swagger-initializer.js')).toBe('/docs');
  });

  test('without PostgreSQL the task gauges are left out and read_model_up says so; the rest still answers', async () => {
    const db = { $queryRaw: () => Promise.reject(new Error('connection refused')) } as unknown as PrismaClient;
    const metrics = createApiMetrics({ db, routes: apiRoutes, logger: createLogger('error', 'test') });
    metrics.recordRequest('GET', '/api/tasks', 200, 0.012);
    metrics.recordRequest('BREW', '/api/tasks', 405, 0.001);
    metrics.recordDecision('monitoring', 'HOME_VISIT', 'approve');
    metrics.recordLockout('username');
    const samples = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleSum(samples, 'assistflow_read_model_up')).toBe(0);
    expect(samples.filter((s) => s.name === 'assistflow_open_tasks')).toEqual([]);
    expect(sampleSum(samples, 'assistflow_http_requests_total', { method: 'GET', route: '/api/tasks', status: '200' })).toBe(1);
    expect(sampleSum(samples, 'assistflow_http_requests_total', { method: 'OTHER', status: '405' })).toBe(1);
    expect(sampleSum(samples, 'assistflow_http_request_duration_seconds_bucket', { route: '/api/tasks', status: '200', le: '0.01' })).toBe(0);
    expect(sampleSum(samples, 'assistflow_http_request_duration_seconds_bucket', { route: '/api/tasks', status: '200', le: '0.025' })).toBe(1);
    expect(sampleSum(samples, 'assistflow_task_decisions_total', { process: 'monitoring', step: 'HOME_VISIT' })).toBe(1);
    expect(sampleSum(samples, 'assistflow_login_lockouts_total', { scope: 'username' })).toBe(1);
  });

  test('the task gauges come from one query per scrape, by process and by town', async () => {
    let queries = 0;
    const rows = [
      { process: 'monitoring', town: null, byTown: 1, open: 7, overdue: 2 },
      { process: null, town: '500154017', byTown: 0, open: 5, overdue: 2 },
      // District-level tasks have no town: left out of the per-town gauge.
      { process: null, town: null, byTown: 0, open: 2, overdue: 0 },
    ];
    const db = { $queryRaw: async () => (queries++, rows) } as unknown as PrismaClient;
    const metrics = createApiMetrics({ db, routes: apiRoutes, logger: createLogger('error', 'test') });
    const samples = parsePrometheusText(await metrics.registry.metrics());
    expect(queries).toBe(1);
    expect(samples.filter((s) => s.name.startsWith('assistflow_') && s.name.includes('tasks')).map((s) => [s.name, s.labels, s.value])).toEqual([
      ['assistflow_open_tasks', { process: 'monitoring' }, 7],
      ['assistflow_overdue_tasks', { process: 'monitoring' }, 2],
      ['assistflow_overdue_tasks_by_town', { town_code: '500154017' }, 2],
    ]);
    expect(sampleSum(samples, 'assistflow_read_model_up')).toBe(1);
  });
});

test('metrics addresses are host:port, IPv6 in brackets', () => {
  expect(parseHostPort('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
  expect(parseHostPort('[::1]:9465')).toEqual({ host: '::1', port: 9465 });
});
