/**
 * Login rate limiting: failed logins counted per username and per client address over a sliding window; too many
 * lock that username (or address) for a while. The rule is here, pure (countFailure, lockInForce); the API keeps the
 * counters in PostgreSQL (src/api/auth/db-login-throttle.ts), so every instance shares them and a restart forgets
 * nothing. LoginThrottle keeps them in memory, for one process.
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

/** The failures of one username or address still in the window, and the lock they set (0: none). */
export interface FailureCounter {
  /** Milliseconds since the epoch. */
  failures: number[];
  lockedUntil: number;
}

export interface ThrottleRule {
  /** Failures within windowMs that lock. */
  max: number;
  windowMs: number;
  lockMs: number;
}

const minute = 60_000;

/** 5 failures of a username, 50 from an address, within 15 minutes lock it for 15 minutes. */
export function loginThrottleRules(options: LoginThrottleOptions = {}): { username: ThrottleRule; address: ThrottleRule } {
  const windowMs = options.windowMs ?? 15 * minute;
  const lockMs = options.lockMs ?? 15 * minute;
  return { username: { max: options.maxUsernameFailures ?? 5, windowMs, lockMs }, address: { max: options.maxAddressFailures ?? 50, windowMs, lockMs } };
}

/** The lock a counter holds at `now`, if any. */
export function lockInForce(counter: FailureCounter | undefined, now: number): number | null {
  return counter && counter.lockedUntil > now ? counter.lockedUntil : null;
}

/** One more failure at `now`: the counter after it, and the lock it sets (the failures start again from none). */
export function countFailure(counter: FailureCounter | undefined, now: number, rule: ThrottleRule): { counter: FailureCounter; lockedUntil: number | null } {
  const failures = [...(counter?.failures ?? []).filter((t) => t > now - rule.windowMs), now];
  if (failures.length < rule.max) return { counter: { failures, lockedUntil: counter?.lockedUntil ?? 0 }, lockedUntil: null };
  const lockedUntil = now + rule.lockMs;
  return { counter: { failures: [], lockedUntil }, lockedUntil };
}

/** When a counter stops mattering (no lock, no failure in the window) and may be forgotten. */
export function counterExpiresAt(counter: FailureCounter, rule: ThrottleRule): number {
  return Math.max(counter.lockedUntil, ...counter.failures.map((t) => t + rule.windowMs));
}

/** Usernames are matched exactly at login, but counted case-insensitively, so "Admin" and "admin" share a count. */
export const usernameKey = (username: string) => `u:${username.trim().toLowerCase()}`;
export const addressKey = (address: string) => `a:${address}`;

/** The rule with its counters in memory: one process's view (tests; the API shares its counters through PostgreSQL). */
export class LoginThrottle {
  private readonly counters = new Map<string, FailureCounter>();
  private readonly rules: { username: ThrottleRule; address: ThrottleRule };
  private readonly clock: () => number;
  private readonly sweepAbove: number;

  constructor(options: LoginThrottleOptions = {}) {
    this.rules = loginThrottleRules(options);
    this.clock = options.clock ?? Date.now;
    this.sweepAbove = options.sweepAbove ?? 10_000;
  }

  /** The lock in force for this attempt, if any; checked before the password is. */
  check(username: string, address: string): LoginLock | null {
    const now = this.clock();
    const byUser = lockInForce(this.counters.get(usernameKey(username)), now);
    if (byUser) return { scope: 'username', until: byUser };
    const byAddress = lockInForce(this.counters.get(addressKey(address)), now);
    if (byAddress) return { scope: 'address', until: byAddress };
    return null;
  }

  /** Counts a failed attempt; returns the lock it triggers, if any. */
  recordFailure(username: string, address: string): LoginLock | null {
    const now = this.clock();
    const userLock = this.fail(usernameKey(username), this.rules.username, now);
    const addressLock = this.fail(addressKey(address), this.rules.address, now);
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

  private fail(key: string, rule: ThrottleRule, now: number): number | null {
    const { counter, lockedUntil } = countFailure(this.counters.get(key), now, rule);
    this.counters.set(key, counter);
    return lockedUntil;
  }

  private sweep(now: number): void {
    if (this.counters.size <= this.sweepAbove) return;
    for (const [key, counter] of this.counters) {
      if (counterExpiresAt(counter, key.startsWith('u:') ? this.rules.username : this.rules.address) <= now) this.counters.delete(key);
    }
  }
}


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
