import type { Request } from 'express';
import { mayScrape } from '../../src/api/metrics/metrics-router';
import { installTemporalRuntime } from '../../src/composition';
import { loadConfig } from '../../src/config';
import { demoTown } from '../../src/demo/seed';
import { freePort } from '../../src/embedded/net';
import { serveMetrics, type MetricsServer } from '../../src/metrics/serve';
import { createWorkerMetrics, temporalSdkMetricNames } from '../../src/temporal/worker-metrics';
import { caseFlow } from '../support/case-flow';
import { intakeBody } from '../support/intake';
import { parsePrometheusText, sampleSum, type Sample } from '../support/prometheus-text';
import { startStack, type Stack } from '../support/stack';

/**
 * The operator's view over the real stack: the API's `GET /metrics` before and after a decision, and the worker's two
 * endpoints, the SDK's (the core runtime's Prometheus exporter, installed here once for this file's process as the
 * worker process installs it) and ours (activity executions counted by the activity interceptor).
 */
let stack: Stack;
let temporalMetricsUrl: string;
let workerMetricsServer: MetricsServer;
const { as, taskOf } = caseFlow(() => stack);

beforeAll(async () => {
  const address = `127.0.0.1:${await freePort()}`;
  installTemporalRuntime(loadConfig({}, { APP_MODE: 'test', LOG_LEVEL: 'warn', TEMPORAL_METRICS_ADDRESS: address }));
  temporalMetricsUrl = `http://${address}/metrics`;
  const workerMetrics = createWorkerMetrics();
  stack = await startStack({ runtimeInstalled: true, workerInterceptors: { activity: [workerMetrics.activityInterceptor] } });
  workerMetricsServer = await serveMetrics(workerMetrics.registry, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await workerMetricsServer?.stop();
  await stack?.stop();
});

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string | null; text: string; samples: Sample[] }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), text, samples: res.ok ? parsePrometheusText(text) : [] };
}

test('a decision moves the request counter, the decision counter and the task gauges; labels are route patterns and codes', async () => {
  const before = await scrape(`${stack.url}/metrics`);
  expect(before.status).toBe(200);
  expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(sampleSum(before.samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(sampleSum(before.samples, 'assistflow_read_model_up')).toBe(1);

  const created = await as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  expect(created.status).toBe(201);
  const caseId = created.body.id as string;
  const task = await taskOf('village.worker', caseId, 'HOME_VISIT');
  expect((await as('village.worker', 'POST', `/api/tasks/${task.id}/complete`, { decision: 'approve' })).status).toBe(200);
  expect((await stack.request('POST', '/api/auth/login', { body: { username: 'village.worker', password: 'not-the-password' } })).status).toBe(401);

  const after = await scrape(`${stack.url}/metrics`);
  const moved = (name: string, labels: Record<string, string>) => sampleSum(after.samples, name, labels) - sampleSum(before.samples, name, labels);
  const complete = { method: 'POST', route: '/api/tasks/:id/complete', status: '200' };
  expect(moved('assistflow_http_requests_total', complete)).toBe(1);
  expect(moved('assistflow_http_request_duration_seconds_count', complete)).toBe(1);
  expect(moved('assistflow_http_requests_total', { method: 'POST', route: '/api/monitoring-cases', status: '201' })).toBe(1);
  expect(moved('assistflow_task_decisions_total', { process: task.process, step: 'HOME_VISIT', decision: 'approve' })).toBe(1);
  expect(moved('assistflow_logins_total', { outcome: 'success' })).toBeGreaterThanOrEqual(1);
  expect(moved('assistflow_logins_total', { outcome: 'bad_credentials' })).toBe(1);
  // The case's data matching and village review are open now; the database was empty of tasks before.
  expect(moved('assistflow_open_tasks', {})).toBeGreaterThanOrEqual(2);
  expect(sampleSum(after.samples, 'assistflow_overdue_tasks')).toBe(0);

  // Past due (the read model as the clock's activity would leave it): the per-process and per-town gauges count it.
  await stack.db.task.updateMany({ where: { caseId, status: 'OPEN' }, data: { dueAt: new Date(Date.now() - 60_000) } });
  const overdue = await scrape(`${stack.url}/metrics`);
  const openOfCase = await stack.db.task.count({ where: { caseId, status: 'OPEN' } });
  expect(sampleSum(overdue.samples, 'assistflow_overdue_tasks')).toBe(openOfCase);
  expect(sampleSum(overdue.samples, 'assistflow_overdue_tasks_by_town', { town_code: demoTown })).toBeGreaterThanOrEqual(1);

  // No id in any label: route patterns, codes and outcomes only.
  const labelValues = after.samples.flatMap((s) => Object.values(s.labels));
  expect(labelValues.filter((v) => v.includes(caseId) || v.includes(task.id) || v.includes('village.worker'))).toEqual([]);
  expect(new Set(after.samples.filter((s) => s.name === 'assistflow_http_requests_total').map((s) => s.labels.route))).not.toContain(`/api/tasks/${task.id}/complete`);
});

test('an unknown path is counted as unmatched, not under its own label', async () => {
  expect((await as('village.worker', 'GET', '/api/no-such-route/123456')).status).toBe(404);
  const { samples } = await scrape(`${stack.url}/metrics`);
  expect(sampleSum(samples, 'assistflow_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  expect(samples.filter((s) => s.labels.route?.includes('123456'))).toEqual([]);
});

test('/metrics refuses a client forwarded by a proxy, even on loopback', async () => {
  const res = await scrape(`${stack.url}/metrics`, { 'x-forwarded-for': '203.0.113.7' });
  expect(res.status).toBe(403);
  expect(JSON.parse(res.text)).toEqual({ error: 'forbidden', reason: expect.stringMatching(/METRICS_TOKEN/) });
});

test('who may scrape: loopback without forwarding headers, or the METRICS_TOKEN bearer', () => {
  const token = 'scrape-token-0123456789';
  const req = (remoteAddress: string, headers: Record<string, string> = {}) =>
    ({ socket: { remoteAddress }, get: (name: string) => headers[name.toLowerCase()] }) as unknown as Request;
  expect(mayScrape(req('127.0.0.1'), undefined)).toBe(true);
  expect(mayScrape(req('::1'), undefined)).toBe(true);
  expect(mayScrape(req('::ffff:127.0.0.1'), token)).toBe(true);
  expect(mayScrape(req('10.0.0.5'), undefined)).toBe(false);
  expect(mayScrape(req('10.0.0.5'), token)).toBe(false);
  expect(mayScrape(req('10.0.0.5', { authorization: `Bearer ${token}` }), token)).toBe(true);
  expect(mayScrape(req('10.0.0.5', { authorization: 'Bearer wrong-token-0123456789' }), token)).toBe(false);
  expect(mayScrape(req('127.0.0.1', { authorization: 'Bearer wrong' }), token)).toBe(false);
  expect(mayScrape(req('127.0.0.1', { forwarded: 'for=203.0.113.7' }), undefined)).toBe(false);
  // Without METRICS_TOKEN configured, a bearer lets nobody in from elsewhere.
  expect(mayScrape(req('10.0.0.5', { authorization: `Bearer ${token}` }), undefined)).toBe(false);
});

test("the worker's endpoints: Temporal's SDK metrics from the core runtime, and our activity counters", async () => {
  const sdk = await scrape(temporalMetricsUrl);
  expect(sdk.status).toBe(200);
  const names = new Set(sdk.samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
  expect(temporalSdkMetricNames.filter((name) => !names.has(name))).toEqual([]);

  const ours = await scrape(`${workerMetricsServer.url}/metrics`);
  expect(ours.status).toBe(200);
  expect(sampleSum(ours.samples, 'assistflow_activity_executions_total', { outcome: 'completed' })).toBeGreaterThan(0);
  expect(new Set(ours.samples.filter((s) => s.name === 'assistflow_activity_executions_total').map((s) => s.labels.activity_type)).size).toBeGreaterThan(1);
  expect((await fetch(`${workerMetricsServer.url}/other`)).status).toBe(404);
});
