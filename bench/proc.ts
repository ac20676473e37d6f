import fs from 'node:fs';

/** Readers of /proc (Linux only): CPU time and memory of the processes the benchmark watches. */

/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. 100 on every Linux we run on. */
const ticksPerSecond = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, in seconds. */
  cpuSec: number;
  /** cutime + cstime: CPU of children that exited and were reaped, in seconds. */
  reapedChildrenCpuSec: number;
}

/** null when the process is gone. */
export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, so fields[11].
  const num = (field: number) => Number(fields[field - 3]);
  return {
    pid,
    ppid: num(4),
    cpuSec: (num(14) + num(15)) / ticksPerSecond,
    reapedChildrenCpuSec: (num(16) + num(17)) / ticksPerSecond,
  };
}

/** VmHWM (peak resident set) and VmRSS of a live process, in MiB; null when it is gone. */
export function readMemory(pid: number): { peakRssMb: number; rssMb: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

export function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** The process whose command line contains every needle (first match), e.g. our Temporal dev server by its unique db file. */
export function findPid(...needles: string[]): number | null {
  for (const pid of allPids()) {
    const line = cmdline(pid);
    if (line && needles.every((n) => line.includes(n))) return pid;
  }
  return null;
}

/** A process with all its live descendants: their own CPU plus the CPU of children they already reaped. */
export function treeCpuSec(rootPid: number): number | null {
  const root = readStat(rootPid);
  if (!root) return null;
  const stats = allPids()
    .map(readStat)
    .filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let total = 0;
  const visit = (s: ProcStat) => {
    total += s.cpuSec + s.reapedChildrenCpuSec;
    for (const c of children.get(s.pid) ?? []) visit(c);
  };
  visit(root);
  return total;
}

/** CPU seconds of the whole machine since boot, from /proc/stat: busy (all but idle and iowait) and the total over all CPUs. */
export function machineCpuSec(): { busySec: number; totalSec: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3] + ticks[4];
  return { busySec: (total - idle) / ticksPerSecond, totalSec: total / ticksPerSecond };
}
