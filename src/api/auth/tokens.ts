import { jwtVerify, SignJWT } from 'jose';
import { durationMs } from '../../domain/duration';
import { roles, type Actor, type Role } from '../../domain/roles';

/**
 * Short-lived signed access tokens (HS256). The claims are ids and codes only; `sid` names the login session,
 * which requireAuth checks on every request, so a logout ends its tokens at once.
 */
export interface TokenService {
  issue(actor: Actor, sessionId: string): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<{ actor: Actor; sessionId: string } | null>;
}

export function createTokenService(secret: string, ttl: string, clock: () => Date = () => new Date()): TokenService {
  const key = new TextEncoder().encode(secret);
  const ttlSeconds = Math.floor(durationMs(ttl) / 1000);
  return {
    async issue(actor, sessionId) {
      const now = Math.floor(clock().getTime() / 1000);
      const token = await new SignJWT({ username: actor.username, role: actor.role, jur: actor.jurisdictionCode, sid: sessionId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.userId)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
      return { token, expiresAt: new Date((now + ttlSeconds) * 1000) };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: clock() });
        const role = payload.role as Role;
        if (!payload.sub || !roles.includes(role) || typeof payload.jur !== 'string' || typeof payload.sid !== 'string') return null;
        return { actor: { userId: payload.sub, username: String(payload.username), role, jurisdictionCode: payload.jur }, sessionId: payload.sid };
      } catch {
        return null;
      }
    },
  };
}
