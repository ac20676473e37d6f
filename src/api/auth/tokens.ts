import { jwtVerify, SignJWT } from 'jose';
import { durationMs } from '../../domain/duration';
import { roles, type Actor, type Role } from '../../domain/roles';

/** Signed bearer tokens (HS256). The claims are ids and codes only. */
export interface TokenService {
  issue(actor: Actor): Promise<string>;
  verify(token: string): Promise<Actor | null>;
}

export function createTokenService(secret: string, ttl: string): TokenService {
  const key = new TextEncoder().encode(secret);
  const ttlSeconds = Math.floor(durationMs(ttl) / 1000);
  return {
    issue: (actor) =>
      new SignJWT({ username: actor.username, role: actor.role, jur: actor.jurisdictionCode })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        const role = payload.role as Role;
        if (!payload.sub || !roles.includes(role) || typeof payload.jur !== 'string') return null;
        return { userId: payload.sub, username: String(payload.username), role, jurisdictionCode: payload.jur };
      } catch {
        return null;
      }
    },
  };
}
