/**
 * Login rate limiting: failed logins counted per username and per client address over a sliding window; too many
 * lock that username (or address) for a while. In memory, so it holds for one API instance; several instances
 * would each count on their own (a shared store such as PostgreSQL or Redis is the next step when the API scales out).
 */

export interface LoginThrottleOptions {
  /** Failures of one username within `windowMs` that lock it. */
  maxUsernameFailures?: number;
  /** Failures from one address (any usernames) within `windowMs` that lock it: password spraying. */
  maxAddressFailures?: number;
  windowMs?: number;
  lockMs?: number;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  /** Above this many tracked keys, stale ones are swept, so memory stays bounded. */
  sweepAbove?: number;
}

export interface LoginLock {
  scope: 'username' | 'address';
  /** Milliseconds since the epoch. */
  until: number;
}

interface Counter {
  failures: number[];
  lockedUntil: number;
}

const minute = 60_000;

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  private readonly maxUsernameFailures: number;
  private readonly maxAddressFailures: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly clock: () => number;
  private readonly sweepAbove: number;

  constructor(options: LoginThrottleOptions = {}) {
    this.maxUsernameFailures = options.maxUsernameFailures ?? 5;
    this.maxAddressFailures = options.maxAddressFailures ?? 50;
    this.windowMs = options.windowMs ?? 15 * minute;
    this.lockMs = options.lockMs ?? 15 * minute;
    this.clock = options.clock ?? Date.now;
    this.sweepAbove = options.sweepAbove ?? 10_000;
  }

  /** The lock in force for this attempt, if any; checked before the password is. */
  check(username: string, address: string): LoginLock | null {
    const now = this.clock();
    const byUser = this.counters.get(usernameKey(username));
    if (byUser && byUser.lockedUntil > now) return { scope: 'username', until: byUser.lockedUntil };
    const byAddress = this.counters.get(addressKey(address));
    if (byAddress && byAddress.lockedUntil > now) return { scope: 'address', until: byAddress.lockedUntil };
    return null;
  }

  /** Counts a failed attempt; returns the lock it triggers, if any. */
  recordFailure(username: string, address: string): LoginLock | null {
    const now = this.clock();
    const userLock = this.fail(usernameKey(username), this.maxUsernameFailures, now);
    const addressLock = this.fail(addressKey(address), this.maxAddressFailures, now);
    this.sweep(now);
    if (userLock) return { scope: 'username', until: userLock };
    if (addressLock) return { scope: 'address', until: addressLock };
    return null;
  }

  /**
   * A successful login clears the username's failures. The address's stay: otherwise one valid account would let
   * a sprayer reset its address's count between guesses.
   */
  recordSuccess(username: string): void {
    this.counters.delete(usernameKey(username));
  }

  /** Tracked usernames and addresses (for tests of the sweep). */
  get size(): number {
    return this.counters.size;
  }

  private fail(key: string, max: number, now: number): number | null {
    const counter = this.counters.get(key) ?? { failures: [], lockedUntil: 0 };
    counter.failures = counter.failures.filter((t) => t > now - this.windowMs);
    counter.failures.push(now);
    this.counters.set(key, counter);
    if (counter.failures.length < max) return null;
    counter.failures = [];
    counter.lockedUntil = now + this.lockMs;
    return counter.lockedUntil;
  }

  private sweep(now: number): void {
    if (this.counters.size <= this.sweepAbove) return;
    for (const [key, counter] of this.counters) {
      if (counter.lockedUntil <= now && counter.failures.every((t) => t <= now - this.windowMs)) this.counters.delete(key);
    }
  }
}

// Usernames are matched exactly at login, but counted case-insensitively, so "Admin" and "admin" share a count.
const usernameKey = (username: string) => `u:${username.trim().toLowerCase()}`;
const addressKey = (address: string) => `a:${address}`;

/** 2026-11-29 16:45:00 in Beijing time (UTC+8 all year: China has no daylight saving). */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Why the login is refused, and until when, for the person at the keyboard. */
export function lockReason(lock: LoginLock): string {
  const until = beijingTime(lock.until);
  return lock.scope === 'username'
    ? `登录失败次数过多，该账号已锁定至 ${until}（北京时间），请届时再试或联系管理员`
    : `该网络地址登录失败次数过多，已暂停登录至 ${until}（北京时间），请届时再试`;
}
