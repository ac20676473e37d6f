import { Router, type RequestHandler } from 'express';
import { loginSchema } from '../../domain/auth-schemas';
import type { Actor, Role } from '../../domain/roles';
import type { PrismaClient } from '../../generated/prisma/client';
import { HttpError, parseOr400 } from '../http-error';
import { verifyPassword } from './passwords';
import type { TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function createAuthRouter({ db, tokens }: { db: PrismaClient; tokens: TokenService }): Router {
  const router = Router();
  router.post('/login', async (req, res) => {
    const { username, password } = parseOr400(loginSchema, req.body);
    const user = await db.user.findUnique({ where: { username } });
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok || !user.active) {
      throw new HttpError(401, { error: 'unauthenticated', reason: '用户名或密码错误' });
    }
    const actor: Actor = { userId: user.id, username: user.username, role: user.role as Role, jurisdictionCode: user.jurisdictionCode };
    res.json({ token: await tokens.issue(actor), user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, jurisdictionCode: user.jurisdictionCode } });
  });
  return router;
}

/** Every route behind it needs `Authorization: Bearer <token>` of an active user. */
export function requireAuth({ db, tokens }: { db: PrismaClient; tokens: TokenService }): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw new HttpError(401, { error: 'unauthenticated', reason: '请先登录：缺少 Authorization: Bearer 令牌' });
    const actor = await tokens.verify(token);
    if (!actor) throw new HttpError(401, { error: 'unauthenticated', reason: '登录已失效，请重新登录' });
    const user = await db.user.findUnique({ where: { id: actor.userId }, select: { active: true, role: true, jurisdictionCode: true } });
    if (!user?.active) throw new HttpError(401, { error: 'unauthenticated', reason: '账号已停用或不存在' });
    // Role or jurisdiction changes take effect at once, not at token expiry.
    req.actor = { ...actor, role: user.role as Role, jurisdictionCode: user.jurisdictionCode };
    next();
  };
}

export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw new HttpError(401, { error: 'unauthenticated', reason: '请先登录' });
  return req.actor;
}
