import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CancelledFailure } from '@temporalio/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Our counters of a worker process, beside the SDK's own (the core runtime's Prometheus exporter, TEMPORAL_METRICS_ADDRESS):
 * activity executions by type and outcome, measured by an activity inbound interceptor. Labels are activity type
 * names only, never arguments. One registry per worker process; served by serveMetrics on WORKER_METRICS_ADDRESS.
 */
export interface WorkerMetrics {
  registry: Registry;
  /** For Worker.create's `interceptors.activity`. */
  activityInterceptor: ActivityInterceptorsFactory;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const executions = new Counter({
    name: 'assistflow_activity_executions_total',
    help: 'Activity attempts this worker ran, by activity type, whether local, and outcome (completed, failed, cancelled)',
    labelNames: ['activity_type', 'local', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'assistflow_activity_execution_duration_seconds',
    help: 'Time an activity attempt ran in this worker, by activity type, whether local, and outcome',
    labelNames: ['activity_type', 'local', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const activityInterceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      async execute(input, next) {
        const started = performance.now();
        let outcome = 'failed';
        try {
          const result = await next(input);
          outcome = 'completed';
          return result;
        } catch (error) {
          if (error instanceof CancelledFailure || ctx.cancellationSignal.aborted) outcome = 'cancelled';
          throw error;
        } finally {
          const labels = { activity_type: ctx.info.activityType, local: String(ctx.info.isLocal), outcome };
          executions.inc(labels);
          duration.observe(labels, (performance.now() - started) / 1000);
        }
      },
    },
  });
  return { registry, activityInterceptor };
}

/**
 * The SDK metrics (core's Prometheus exporter, default prefix `temporal_`, durations in ms) that the Grafana dashboard
 * reads; test/api/metrics.test.ts checks the exporter serves each, test/deploy/compose.test.ts that panels use no others.
 */
export const temporalSdkMetricNames = [
  'temporal_worker_task_slots_available',
  'temporal_worker_task_slots_used',
  'temporal_sticky_cache_hit',
  'temporal_sticky_cache_size',
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_task_schedule_to_start_latency',
  // Steps are recorded by local activities (the notices are ordinary ones and appear once one is sent).
  'temporal_local_activity_execution_latency',
] as const;
