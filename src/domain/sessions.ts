/** A login session as the refresh rules see it: the current refresh token's hash and those already exchanged. */
export interface SessionState {
  refreshHash: string;
  rotatedHashes: readonly string[];
  expiresAt: Date;
  revokedAt: Date | null;
}

/**
 * What a presented refresh token means for its session. `current`: exchange it for a new pair. `reused`: a token
 * already exchanged came back, so it has leaked (or been replayed), and the session must be revoked (RFC 9700 §4.14.2).
 * `unknown`: not this session's token; refused without touching the session, or anyone holding a session id could
 * end it. `ended`: revoked or expired.
 */
export type RefreshVerdict = 'current' | 'reused' | 'unknown' | 'ended';

export function refreshVerdict(session: SessionState, presentedHash: string, now: Date): RefreshVerdict {
  if (session.revokedAt || session.expiresAt.getTime() <= now.getTime()) return 'ended';
  if (presentedHash === session.refreshHash) return 'current';
  if (session.rotatedHashes.includes(presentedHash)) return 'reused';
  return 'unknown';
}

/** Refresh tokens are `<session id>.<secret>`: the id finds the session, only the secret's hash is stored. */
export function splitRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { sessionId: m[1], secret: m[2] } : null;
}
