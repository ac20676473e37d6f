import { Router, type RequestHandler } from 'express';
import { loginSchema, refreshSchema } from '../../domain/auth-schemas';
import { lockReason, type LoginLock } from '../../domain/login-throttle';
import type { LoginThrottleStore } from './db-login-throttle';
import type { Actor, Role } from '../../domain/roles';
import type { PrismaClient, User } from '../../generated/prisma/client';
import type { ApiMetrics } from '../metrics/api-metrics';
import { clientAddress, type AuditLog } from '../audit/audit-log';
import { HttpError, parseOr400 } from '../http-error';
import { verifyPassword } from './passwords';
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './refresh-cookie';
import type { SessionStore } from './sessions';
import type { TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
    /** The login session of the request's access token. */
    sessionId?: string;
  }
}

export interface AuthDeps {
  db: PrismaClient;
  tokens: TokenService;
  sessions: SessionStore;
  audit: AuditLog;
  loginThrottle: LoginThrottleStore;
  metrics: Pick<ApiMetrics, 'recordLogin' | 'recordLockout'>;
}

const badCredentials = () => new HttpError(401, { error: 'unauthenticated', reason: '用户名或密码错误' });
const sessionEnded = () => new HttpError(401, { error: 'unauthenticated', reason: '登录已失效，请重新登录' });

function lockedError(lock: LoginLock): HttpError {
  const body = { reason: lockReason(lock), lockedUntil: new Date(lock.until).toISOString() };
  return lock.scope === 'username' ? new HttpError(423, { error: 'locked', ...body }) : new HttpError(429, { error: 'too_many_requests', ...body });
}

const actorOfUser = (user: User): Actor => ({ userId: user.id, username: user.username, role: user.role as Role, jurisdictionCode: user.jurisdictionCode });

export function createAuthRouter(deps: AuthDeps): Router {
  const { db, tokens, sessions, audit, loginThrottle, metrics } = deps;
  const router = Router();
  // Tokens are in these answers: no cache may keep them.
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  /** A new access token for the session, and the answer login and refresh share. */
  async function tokenPair(user: User, session: { sessionId: string; refreshToken: string; expiresAt: Date }) {
    const access = await tokens.issue(actorOfUser(user), session.sessionId);
    return {
      token: access.token,
      tokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: session.refreshToken,
      refreshTokenExpiresAt: session.expiresAt.toISOString(),
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, jurisdictionCode: user.jurisdictionCode },
    };
  }

  router.post('/login', async (req, res) => {
    const { username, password } = parseOr400(loginSchema, req.body);
    const address = clientAddress(req);
    // Locked attempts are refused before any password check and are not recorded one by one: the failure that
    // set the lock is, and recording each refused guess would let a flood of them queue on the audit chain.
    const lock = await loginThrottle.check(username, address ?? 'unknown');
    if (lock) {
      metrics.recordLogin('locked');
      throw lockedError(lock);
    }
    const user = await db.user.findUnique({ where: { username } });
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok || !user.active) {
      const newLock = await loginThrottle.recordFailure(username, address ?? 'unknown');
      // The attempt is recorded against the account it named, with no actor: nobody proved who they were.
      // An unknown username is not stored (it may be a password typed into the wrong field).
      await audit.record({
        action: 'auth.login_failed',
        actor: null,
        target: { type: 'User', id: user?.id ?? null },
        after: { reason: !user ? 'UNKNOWN_USER' : !ok ? 'BAD_PASSWORD' : 'INACTIVE', ...(newLock && { lockedUntil: new Date(newLock.until).toISOString() }) },
        clientAddress: address,
      });
      metrics.recordLogin('bad_credentials');
      if (newLock) {
        metrics.recordLockout(newLock.scope);
        throw lockedError(newLock);
      }
      throw badCredentials();
    }
    await loginThrottle.recordSuccess(username);
    const session = await sessions.open(user.id);
    const answer = await tokenPair(user, session);
    await audit.record({
      action: 'auth.login',
      actor: { userId: user.id, role: user.role as Role },
      target: { type: 'User', id: user.id },
      after: { sessionId: session.sessionId },
      clientAddress: address,
      key: `auth.login:${session.sessionId}`,
    });
    setRefreshCookie(req, res, session.refreshToken, session.expiresAt);
    metrics.recordLogin('success');
    res.json(answer);
  });

  router.post('/refresh', async (req, res) => {
    // A JSON body is required even when the cookie carries the token: an HTML form on another site cannot send one.
    const body = parseOr400(refreshSchema, req.body);
    const refreshToken = body.refreshToken ?? readRefreshCookie(req);
    if (!refreshToken) throw HttpError.validation([{ path: 'refreshToken', message: '请提供 refreshToken（或先登录，由浏览器携带刷新 Cookie）' }]);
    const result = await sessions.rotate(refreshToken);
    if (!result.ok && result.verdict === 'reused') {
      await sessions.revoke(result.sessionId, 'REFRESH_REUSE');
      await audit.record({
        action: 'auth.refresh_reuse',
        actor: null,
        target: { type: 'Session', id: result.sessionId },
        after: { userId: result.userId, revokedReason: 'REFRESH_REUSE' },
        clientAddress: clientAddress(req),
        key: `auth.refresh_reuse:${result.sessionId}`,
      });
      clearRefreshCookie(req, res);
      throw new HttpError(401, { error: 'unauthenticated', reason: '该刷新令牌已使用过，可能已泄露；为安全起见本次登录已注销，请重新登录' });
    }
    if (!result.ok) {
      clearRefreshCookie(req, res);
      throw sessionEnded();
    }
    const user = await db.user.findUnique({ where: { id: result.userId } });
    if (!user?.active) {
      clearRefreshCookie(req, res);
      throw new HttpError(401, { error: 'unauthenticated', reason: '账号已停用或不存在' });
    }
    setRefreshCookie(req, res, result.refreshToken, result.expiresAt);
    res.json(await tokenPair(user, result));
  });

  router.post('/logout', requireAuth(deps), async (req, res) => {
    const actor = actorOf(req);
    const sessionId = req.sessionId!;
    await sessions.revoke(sessionId, 'LOGOUT');
    await audit.record({
      action: 'auth.logout',
      actor: { userId: actor.userId, role: actor.role },
      target: { type: 'Session', id: sessionId },
      after: { revokedReason: 'LOGOUT' },
      clientAddress: clientAddress(req),
      key: `auth.logout:${sessionId}`,
    });
    clearRefreshCookie(req, res);
    res.status(204).end();
  });
  return router;
}

/** Every route behind it needs `Authorization: Bearer <token>` of an active user whose session is still open. */
export function requireAuth({ db, tokens }: { db: PrismaClient; tokens: TokenService }): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw new HttpError(401, { error: 'unauthenticated', reason: '请先登录：缺少 Authorization: Bearer 令牌' });
    const claims = await tokens.verify(token);
    if (!claims) throw sessionEnded();
    // One query for the session and its user: a logout, a disabled account, a role or jurisdiction change take
    // effect at once, not at token expiry.
    const session = await db.session.findUnique({
      where: { id: claims.sessionId },
      select: { userId: true, revokedAt: true, expiresAt: true, user: { select: { active: true, role: true, jurisdictionCode: true, department: true } } },
    });
    if (!session || session.userId !== claims.actor.userId || session.revokedAt || session.expiresAt.getTime() <= Date.now()) throw sessionEnded();
    if (!session.user.active) throw new HttpError(401, { error: 'unauthenticated', reason: '账号已停用或不存在' });
    req.actor = { ...claims.actor, role: session.user.role as Role, jurisdictionCode: session.user.jurisdictionCode, department: session.user.department };
    req.sessionId = claims.sessionId;
    next();
  };
}

export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw new HttpError(401, { error: 'unauthenticated', reason: '请先登录' });
  return req.actor;
}
