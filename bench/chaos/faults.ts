import type { ChaosLoad } from './load';
import type { ChaosStack } from './stack';

/**
 * The faults: (a) worker SIGKILL, (b) Temporal stop/start, (c) PostgreSQL restart, (d) API SIGKILL with requests in
 * flight, (e) Temporal SIGKILL (a crash: no shutdown, its SQLite file as the kill left it).
 */
export const faultKinds = ['worker', 'temporal', 'postgres', 'api', 'temporal-crash'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultRecord {
  kind: FaultKind;
  /** Seconds into the run when it struck. */
  atSec: number;
  /** Seconds until the part was back (ready again). */
  recoverySec: number;
  detail: string;
}

/** How long Temporal and PostgreSQL stay down: long enough for requests, polls and activities to fail against them. */
const downMs = 3000;

export async function injectFault(kind: FaultKind, stack: ChaosStack, load: ChaosLoad, clockSec: () => number): Promise<FaultRecord> {
  let atSec = clockSec();
  let detail: string;
  switch (kind) {
    case 'worker': {
      const inFlight = load.inFlight();
      const { exit } = await stack.killAndRestart('worker');
      detail = `worker SIGKILL (${exit}) with ${inFlight} API requests in flight, new worker started`;
      break;
    }
    case 'temporal':
      await stack.restartTemporal(downMs);
      detail = `temporal server start-dev stopped (SIGTERM), down ${downMs} ms, started again on the same SQLite file and port`;
      break;
    case 'temporal-crash':
      await stack.restartTemporal(downMs, { crash: true });
      detail = `temporal server start-dev killed (SIGKILL), down ${downMs} ms, started again on the same SQLite file and port`;
      break;
    case 'postgres':
      await stack.restartPostgres('immediate', downMs);
      detail = `pg_ctl stop -m immediate (crash, WAL recovery on start), down ${downMs} ms, pg_ctl start`;
      break;
    case 'api': {
      // Mid-request: wait for a decision in flight (the write that matters), else any request.
      const deadline = Date.now() + 20_000;
      while (load.inFlight('complete') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      const inFlight = { complete: load.inFlight('complete'), createCase: load.inFlight('createCase'), all: load.inFlight() };
      atSec = clockSec();
      const { exit } = await stack.killAndRestart('api');
      detail = `API SIGKILL (${exit}) with ${inFlight.all} requests in flight (${inFlight.complete} decisions, ${inFlight.createCase} case reports), new API started`;
      break;
    }
  }
  return { kind, atSec, recoverySec: Math.round((clockSec() - atSec) * 10) / 10, detail };
}
