import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './child';
import { round } from './stats';

/** What every results file says about the machine it was measured on. */
export function machineInfo() {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memTotalGiB: round(os.totalmem() / 2 ** 30, 1),
    memFreeGiBAtStart: round(os.freemem() / 2 ** 30, 1),
    loadAvgAtStart: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/** `2026-11-29T16-11-28Z-<suffix>`: the run's file name, sortable by time. */
export function runIdOf(startedAt: Date, suffix: string): string {
  return `${startedAt.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}${suffix}`;
}

/** Writes `<outDir>/<runId>.json` atomically; returns its path relative to the repository. */
export function writeResults(outDir: string, runId: string, results: unknown): string {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${runId}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 1) + '\n');
  fs.renameSync(`${file}.tmp`, file);
  return path.relative(repoRoot, file);
}

export const defaultOutDir = path.join(repoRoot, 'bench', 'results');

/**
 * Ends a mode's run: stamps its summary with the run's length, date, CPUs and result file, writes
 * `<outDir>/<time><suffix>.json` with the summary, the machine (load average at start and end) and `details`, and
 * prints the summary as the last stdout line. Returns the stamped summary.
 */
export function finishRun<S extends object>(o: {
  outDir: string;
  startedAt: Date;
  suffix: string;
  machine: ReturnType<typeof machineInfo>;
  summary: S;
  details: Record<string, unknown>;
  log: (message: string) => void;
}): S & { totalSec: number; date: string; nproc: number; resultFile: string } {
  const stamped = { ...o.summary, totalSec: round(process.uptime(), 1), date: o.startedAt.toISOString(), nproc: o.machine.nproc, resultFile: '' };
  stamped.resultFile = writeResults(o.outDir, runIdOf(o.startedAt, o.suffix), {
    summary: stamped,
    ...o.details,
    machine: { ...o.machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
  });
  o.log(`wrote ${stamped.resultFile}`);
  process.stdout.write(JSON.stringify(stamped) + '\n');
  return stamped;
}
