/** One timed request (or Temporal call), in ms since the run's start. */
export interface Sample {
  kind: string;
  start: number;
  end: number;
  ok: boolean;
}

export interface Percentiles {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function percentiles(durations: number[]): Percentiles {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (p: number) => {
    const v = percentile(sorted, p);
    return v === null ? null : round(v);
  };
  return {
    count: sorted.length,
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs: sorted.length ? round(sorted[sorted.length - 1]) : null,
    meanMs: sorted.length ? round(sorted.reduce((a, b) => a + b, 0) / sorted.length) : null,
  };
}

/** Latency of successful samples, per kind, and over all kinds but `notInAll` (as `all`). */
export function latencyByKind(samples: Sample[], notInAll: string[] = []): Record<string, Percentiles> {
  const ok = samples.filter((s) => s.ok);
  const kinds = [...new Set(ok.map((s) => s.kind))].sort();
  const out: Record<string, Percentiles> = {};
  for (const kind of kinds) out[kind] = percentiles(ok.filter((s) => s.kind === kind).map((s) => s.end - s.start));
  out.all = percentiles(ok.filter((s) => !notInAll.includes(s.kind)).map((s) => s.end - s.start));
  return out;
}

export function median(values: (number | null | undefined)[]): number | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export interface Bucket {
  /** Seconds since the run's start, at the bucket's start. */
  t: number;
  phase: string;
  /** Completions per second of the phase's unit (human tasks, or ceiling Updates). */
  tasksPerSec: number;
  /** Over every request of the phase that ended in the bucket. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Over the task completions alone (POST complete, or the ceiling's Updates): the write path, comparable across phases. */
  taskP50Ms: number | null;
  taskP99Ms: number | null;
}

/** Per-second throughput and latency of one phase, bucketed by each request's end. */
export function buckets(phase: string, startMs: number, endMs: number, samples: Sample[], isTask: (s: Sample) => boolean, widthMs = 1000): Bucket[] {
  const out: Bucket[] = [];
  for (let t = startMs; t < endMs; t += widthMs) {
    const until = Math.min(endMs, t + widthMs);
    const inside = samples.filter((s) => s.ok && s.end >= t && (s.end < until || (until === endMs && s.end <= endMs)));
    const durations = inside.map((s) => s.end - s.start).sort((a, b) => a - b);
    const taskDurations = inside.filter(isTask).map((s) => s.end - s.start).sort((a, b) => a - b);
    const seconds = (until - t) / 1000;
    // A sliver at the end of a phase says nothing about the rate.
    if (seconds < 0.25) continue;
    const [p50, p99, taskP50, taskP99] = [percentile(durations, 50), percentile(durations, 99), percentile(taskDurations, 50), percentile(taskDurations, 99)];
    out.push({
      t: round(t / 1000, 2),
      phase,
      tasksPerSec: round(inside.filter(isTask).length / seconds, 2),
      p50Ms: p50 === null ? null : round(p50),
      p99Ms: p99 === null ? null : round(p99),
      taskP50Ms: taskP50 === null ? null : round(taskP50),
      taskP99Ms: taskP99 === null ? null : round(taskP99),
    });
  }
  return out;
}

export { round };
