import type { PgCpuMeter } from './postgres';
import { machineCpuSec, treeCpuSec } from './proc';
import type { BenchStack } from './stack';
import { round } from './stats';

/** CPU seconds of each part of the stack from now until the returned function is called. */
export async function meterStackCpu(stack: BenchStack, pg: PgCpuMeter) {
  await pg.begin();
  const temporal = () => (stack.temporalPid ? treeCpuSec(stack.temporalPid) : null);
  const before = { temporal: temporal(), worker: stack.worker.cpuSec(), api: stack.api.cpuSec(), machine: machineCpuSec() };
  const diff = (a: number | null, b: number | null) => (a !== null && b !== null ? round(a - b, 2) : null);
  return async () => {
    const pgCpu = await pg.end();
    const machine = machineCpuSec();
    return {
      temporalSec: diff(temporal(), before.temporal),
      postgresDatabaseSec: pgCpu.databaseBackendsCpuSec === null ? null : round(pgCpu.databaseBackendsCpuSec, 2),
      postgresClusterSec: pgCpu.clusterCpuSec === null ? null : round(pgCpu.clusterCpuSec, 2),
      workerSec: diff(stack.worker.cpuSec(), before.worker),
      apiSec: diff(stack.api.cpuSec(), before.api),
      machineBusySec: round(machine.busySec - before.machine.busySec, 2),
      machineAvailableSec: round(machine.totalSec - before.machine.totalSec, 2),
    };
  };
}
