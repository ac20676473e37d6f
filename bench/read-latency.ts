import { demoPassword } from '../src/demo/seed';
import { http } from './drive';
import { latencyByKind, type Percentiles, type Sample } from './stats';

/** Read latency over HTTP, per user and per query, one request at a time (no queueing in the figures). */

export interface ReadUser {
  username: string;
  role: string;
  jurisdictionCode: string;
  token: string;
}

export interface ReadQuery {
  kind: string;
  path: string;
}

export interface ReadFigures extends Percentiles {
  /** Items in the last answer and the list's `total` (an inbox's `items` plus `escalated`, and `total` plus `escalatedTotal`). */
  items: number | null;
  total: number | null;
  /** Size of the last answer's JSON, in KiB. */
  kib: number;
}

export async function loginUsers(baseUrl: string, users: { username: string; role: string; jurisdictionCode: string }[]): Promise<ReadUser[]> {
  const api = http(baseUrl, () => []);
  return Promise.all(
    users.map(async (u) => {
      const res = await api.call('login', 'POST', '/api/auth/login', undefined, { username: u.username, password: demoPassword });
      if (res.status !== 200) throw new Error(`login ${u.username}: ${res.status} ${JSON.stringify(res.body)}`);
      return { ...u, token: res.body.token as string };
    }),
  );
}

/**
 * `rounds` times, every query of every user in turn (interleaved, so drift on a shared machine hits all alike),
 * after `warmupRounds` uncounted rounds. Any answer but 200 fails the run: a benchmark of errors measures nothing.
 */
export async function measureReads(options: {
  baseUrl: string;
  users: ReadUser[];
  queriesOf: (user: ReadUser) => ReadQuery[];
  rounds: number;
  warmupRounds: number;
  /** Called after each counted round. */
  onRound?: (round: number) => void;
}): Promise<Record<string, Record<string, ReadFigures>>> {
  const samples = new Map<string, Sample[]>();
  const last = new Map<string, { items: number | null; total: number | null; kib: number }>();
  let sink: Sample[] = [];
  const api = http(options.baseUrl, () => sink);
  for (let round = -options.warmupRounds; round < options.rounds; round++) {
    for (const user of options.users) {
      for (const query of options.queriesOf(user)) {
        const key = `${user.username}\u0000${query.kind}`;
        sink = round < 0 ? [] : (samples.get(key) ?? samples.set(key, []).get(key)!);
        const res = await api.call(query.kind, 'GET', query.path, user.token);
        if (res.status !== 200) throw new Error(`${user.username} GET ${query.path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        const items = Array.isArray(res.body.items) ? res.body.items.length + (Array.isArray(res.body.escalated) ? res.body.escalated.length : 0) : null;
        const kib = Math.round(Buffer.byteLength(JSON.stringify(res.body)) / 102.4) / 10;
        const total = typeof res.body.total === 'number' ? res.body.total + (typeof res.body.escalatedTotal === 'number' ? res.body.escalatedTotal : 0) : null;
        last.set(key, { items, total, kib });
      }
    }
    if (round >= 0) options.onRound?.(round + 1);
  }
  const out: Record<string, Record<string, ReadFigures>> = {};
  for (const [key, list] of samples) {
    const [username, kind] = key.split('\u0000');
    (out[username] ??= {})[kind] = { ...latencyByKind(list).all, ...last.get(key)! };
  }
  return out;
}
