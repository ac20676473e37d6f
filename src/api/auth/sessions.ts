import { createHash, randomBytes } from 'node:crypto';
import { durationMs } from '../../domain/duration';
import { refreshVerdict, splitRefreshToken } from '../../domain/sessions';
import type { PrismaClient } from '../../generated/prisma/client';

/** Login sessions in PostgreSQL: opaque refresh tokens, stored as SHA-256 hashes, rotated on every use. */
export interface SessionStore {
  open(userId: string): Promise<{ sessionId: string; refreshToken: string; expiresAt: Date }>;
  /** Exchanges a refresh token for the next one. A token already exchanged revokes its session. */
  rotate(refreshToken: string): Promise<RotateResult>;
  revoke(sessionId: string, reason: RevokeReason): Promise<void>;
}

/** Why a session ended early: a logout, a reused refresh token, or an admin disabling the account or resetting its password. */
export type RevokeReason = 'LOGOUT' | 'REFRESH_REUSE' | 'USER_DISABLED' | 'PASSWORD_RESET';

/** Ends every open session of a user, in the caller's transaction; returns how many. */
export async function revokeSessionsOf(tx: Pick<PrismaClient, 'session'>, userId: string, reason: RevokeReason, at = new Date()): Promise<number> {
  const { count } = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at, revokedReason: reason } });
  return count;
}

export type RotateResult =
  | { ok: true; sessionId: string; userId: string; refreshToken: string; expiresAt: Date }
  | { ok: false; verdict: 'reused'; sessionId: string; userId: string }
  | { ok: false; verdict: 'unknown' | 'ended' };

// The secret is 256 random bits, so a fast hash suffices (unlike a password, it cannot be guessed).
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

export function createSessionStore(db: PrismaClient, refreshTtl: string, clock: () => Date = () => new Date()): SessionStore {
  const ttlMs = durationMs(refreshTtl);
  return {
    async open(userId) {
      const now = clock();
      const secret = newSecret();
      // A session lasts refreshTtl from login; refreshing does not extend it.
      const expiresAt = new Date(now.getTime() + ttlMs);
      const [session] = await db.$transaction([
        db.session.create({ data: { userId, refreshHash: sha256(secret), expiresAt }, select: { id: true } }),
        // Sessions that ended long ago are of no use: the audit log keeps who logged in when.
        db.session.deleteMany({ where: { userId, expiresAt: { lt: new Date(now.getTime() - ttlMs) } } }),
      ]);
      return { sessionId: session.id, refreshToken: `${session.id}.${secret}`, expiresAt };
    },

    async rotate(refreshToken) {
      const parts = splitRefreshToken(refreshToken);
      if (!parts) return { ok: false, verdict: 'unknown' };
      const session = await db.session.findUnique({ where: { id: parts.sessionId } });
      if (!session) return { ok: false, verdict: 'unknown' };
      const presented = sha256(parts.secret);
      const verdict = refreshVerdict(session, presented, clock());
      if (verdict === 'reused') return { ok: false, verdict, sessionId: session.id, userId: session.userId };
      if (verdict !== 'current') return { ok: false, verdict };
      const secret = newSecret();
      // Conditional on the hash still being current: of two concurrent refreshes with one token, one wins and the
      // other presents a token that is now exchanged, which is reuse.
      const { count } = await db.session.updateMany({
        where: { id: session.id, refreshHash: presented, revokedAt: null },
        data: { refreshHash: sha256(secret), rotatedHashes: { push: presented }, refreshedAt: clock() },
      });
      if (count !== 1) return { ok: false, verdict: 'reused', sessionId: session.id, userId: session.userId };
      return { ok: true, sessionId: session.id, userId: session.userId, refreshToken: `${session.id}.${secret}`, expiresAt: session.expiresAt };
    },

    async revoke(sessionId, reason) {
      await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: clock(), revokedReason: reason } });
    },
  };
}
