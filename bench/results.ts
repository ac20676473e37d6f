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
