import { Client } from 'pg';
import { createScratchDatabase } from '../src/db/scratch-database';
import { readStat, treeCpuSec } from './proc';

/** The benchmark's PostgreSQL: a fresh migrated database on the test server, and the CPU its backends burn. */

export const serverUrl = () => process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh, migrated database `assistflow_bench_<random>`; drop() removes it. */
export function createBenchDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  return createScratchDatabase(serverUrl(), 'assistflow_bench');
}

export interface PgCpu {
  /** CPU seconds of the backends serving the benchmark's database, sampled (a backend that exits between samples loses its last interval). */
  databaseBackendsCpuSec: number | null;
  /** Distinct backends of that database seen during the interval. */
  databaseBackends: number;
  /** CPU seconds of the whole cluster (postmaster, its helpers, every backend, reaped ones included): exact, but counts other users of the server too. */
  clusterCpuSec: number | null;
}

/**
 * Measures PostgreSQL CPU over an interval, when the server runs on this machine and /proc shows it.
 * Backends are found through pg_stat_activity (datname = ours) and read from /proc/<pid>/stat.
 */
export class PgCpuMeter {
  private baseline = new Map<number, number>();
  private last = new Map<number, number>();
  private clusterStart: number | null = null;

  private constructor(
    private readonly client: Client,
    private readonly dbName: string,
    private readonly postmasterPid: number | null,
  ) {}

  static async open(dbName: string): Promise<PgCpuMeter> {
    const client = new Client({ connectionString: serverUrl() });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmasterPid = readStat(rows[0].pid)?.ppid ?? null;
    return new PgCpuMeter(client, dbName, postmasterPid);
  }

  get local(): boolean {
    return this.postmasterPid !== null;
  }

  private async backendPids(): Promise<number[]> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.dbName]);
    return rows.map((r) => r.pid);
  }

  async begin(): Promise<void> {
    this.baseline.clear();
    this.last.clear();
    if (!this.local) return;
    for (const pid of await this.backendPids()) {
      const cpu = readStat(pid)?.cpuSec;
      if (cpu !== undefined) {
        this.baseline.set(pid, cpu);
        this.last.set(pid, cpu);
      }
    }
    this.clusterStart = treeCpuSec(this.postmasterPid!);
  }

  async sample(): Promise<void> {
    if (!this.local) return;
    for (const pid of await this.backendPids()) {
      const cpu = readStat(pid)?.cpuSec;
      if (cpu === undefined) continue;
      // A backend born during the interval counts from zero.
      if (!this.baseline.has(pid)) this.baseline.set(pid, 0);
      this.last.set(pid, cpu);
    }
  }

  async end(): Promise<PgCpu> {
    if (!this.local) return { databaseBackendsCpuSec: null, databaseBackends: 0, clusterCpuSec: null };
    await this.sample();
    let sum = 0;
    for (const [pid, cpu] of this.last) sum += cpu - (this.baseline.get(pid) ?? 0);
    const clusterNow = treeCpuSec(this.postmasterPid!);
    return {
      databaseBackendsCpuSec: sum,
      databaseBackends: this.last.size,
      clusterCpuSec: clusterNow !== null && this.clusterStart !== null ? clusterNow - this.clusterStart : null,
    };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
