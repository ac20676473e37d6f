import {
  addressKey,
  counterExpiresAt,
  countFailure,
  lockInForce,
  loginThrottleRules,
  usernameKey,
  type FailureCounter,
  type LoginLock,
  type LoginThrottleOptions,
  type ThrottleRule,
} from '../../domain/login-throttle';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';

/** What the login route needs of a throttle: the in-memory LoginThrottle fits, and so does the shared one below. */
export interface LoginThrottleStore {
  check(username: string, address: string): Promise<LoginLock | null> | LoginLock | null;
  recordFailure(username: string, address: string): Promise<LoginLock | null> | LoginLock | null;
  recordSuccess(username: string): Promise<void> | void;
}

interface Row {
  failures: Date[] | null;
  lockedUntil: Date | null;
}

const asCounter = (row: Row | undefined): FailureCounter | undefined =>
  row && { failures: (row.failures ?? []).map((d) => d.getTime()), lockedUntil: row.lockedUntil?.getTime() ?? 0 };

/**
 * The login throttle's counters in PostgreSQL, so every API instance counts the same failures (5 per username, not 5
 * per instance) and a restart forgets none. Each failure updates its two rows under row locks in one transaction,
 * username row first, so concurrent failures on any instance are all counted and exactly one of them sets the lock.
 */
export function createDbLoginThrottle(db: PrismaClient, options: LoginThrottleOptions = {}): LoginThrottleStore {
  const rules = loginThrottleRules(options);
  const clock = options.clock ?? Date.now;

  async function fail(tx: Prisma.TransactionClient, key: string, rule: ThrottleRule, now: number): Promise<number | null> {
    await tx.$executeRaw`INSERT INTO "LoginThrottle" ("key", "failures", "expiresAt") VALUES (${key}, '{}', ${new Date(now)}) ON CONFLICT ("key") DO NOTHING`;
    const [row] = await tx.$queryRaw<Row[]>`SELECT "failures", "lockedUntil" FROM "LoginThrottle" WHERE "key" = ${key} FOR UPDATE`;
    const { counter, lockedUntil } = countFailure(asCounter(row), now, rule);
    await tx.loginThrottle.update({
      where: { key },
      data: {
        failures: counter.failures.map((t) => new Date(t)),
        lockedUntil: counter.lockedUntil ? new Date(counter.lockedUntil) : null,
        expiresAt: new Date(counterExpiresAt(counter, rule)),
      },
    });
    return lockedUntil;
  }

  return {
    async check(username, address) {
      const now = clock();
      const rows = await db.loginThrottle.findMany({ where: { key: { in: [usernameKey(username), addressKey(address)] } } });
      const counter = (key: string) => asCounter(rows.find((r) => r.key === key));
      const byUser = lockInForce(counter(usernameKey(username)), now);
      if (byUser) return { scope: 'username', until: byUser };
      const byAddress = lockInForce(counter(addressKey(address)), now);
      if (byAddress) return { scope: 'address', until: byAddress };
      return null;
    },

    async recordFailure(username, address) {
      const now = clock();
      const [userLock, addressLock] = await db.$transaction(async (tx) => {
        const locks = [await fail(tx, usernameKey(username), rules.username, now), await fail(tx, addressKey(address), rules.address, now)];
        // Forget what no longer matters, a few rows at a time, so the table stays as small as the memory map was.
        await tx.$executeRaw`DELETE FROM "LoginThrottle" WHERE "key" IN (SELECT "key" FROM "LoginThrottle" WHERE "expiresAt" <= ${new Date(now)} LIMIT 100 FOR UPDATE SKIP LOCKED)`;
        return locks;
      });
      if (userLock) return { scope: 'username', until: userLock };
      if (addressLock) return { scope: 'address', until: addressLock };
      return null;
    },

    async recordSuccess(username) {
      await db.loginThrottle.deleteMany({ where: { key: usernameKey(username) } });
    },
  };
}
