import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../child';
import { runChaos } from './chaos';
import { faultKinds, type FaultKind } from './faults';
import { stopRunningStacks } from './stack';
import { intOption } from '../args';

/**
 * `npm run chaos [-- --smoke] [--rounds N] [--concurrency C] [--gap S] [--out DIR]` (README.md, "Fault tolerance").
 *
 * Brings up the stack with a private PostgreSQL cluster, drives monitoring cases over HTTP, and in turn kills the
 * worker, restarts Temporal, restarts PostgreSQL and kills the API mid-request; then checks that nothing was lost or
 * done twice. Progress goes to stderr; the last stdout line is the summary as JSON, also written to
 * bench/results/chaos-<time>.json. Exits 1 on any loss, duplicate, failed case or invalid audit chain.
 */
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    concurrency: { type: 'string' },
    gap: { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});

const int = (value: string | undefined, fallback: number, name: string) => intOption(value, fallback, name, 1);
const smoke = args.smoke!;
const rounds = int(args.rounds, smoke ? 1 : 3, 'rounds');
const faults: FaultKind[] = Array.from({ length: rounds }, () => [...faultKinds]).flat();
const outDir = path.resolve(args.out ?? path.join(repoRoot, 'bench', 'results'));
const t0 = Date.now();
const log = (message: string) => process.stderr.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);

async function main() {
  const summary = await runChaos({
    faults,
    postgres: 'private',
    concurrency: int(args.concurrency, 8, 'concurrency'),
    warmupSec: smoke ? 15 : 30,
    gapSec: int(args.gap, smoke ? 15 : 40, 'gap'),
    tailSec: smoke ? 8 : 30,
    log,
  });
  const result = { smoke, rounds, ...summary };
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `chaos-${new Date(t0).toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}.json`);
  fs.writeFileSync(file, JSON.stringify(result) + '\n');
  log(`wrote ${path.relative(repoRoot, file)}`);
  process.stdout.write(JSON.stringify(result) + '\n');
  if (!summary.ok) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void stopRunningStacks().then(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exitCode = 1;
});
