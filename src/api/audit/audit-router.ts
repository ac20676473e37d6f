import { Router, type RequestHandler } from 'express';
import { refuseAuditRead } from '../../domain/access';
import { listAuditSchema } from '../../domain/audit';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { actorOf } from '../auth/auth-router';
import { parseOr400, refusalError } from '../http-error';
import type { AuditLog } from './audit-log';

/** The audit log for the district and admins: entries newest first, and a check of the hash chain. */
export function createAuditRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();
  const readers: RequestHandler = (req, _res, next) => {
    const refusal = refuseAuditRead(actorOf(req));
    if (refusal) throw refusalError(refusal);
    next();
  };
  router.use(readers);

  router.get('/', async (req, res) => {
    const query = parseOr400(listAuditSchema, req.query);
    const where: Prisma.AuditEntryWhereInput = {
      ...(query.action && { action: query.action }),
      ...(query.actorId && { actorId: query.actorId }),
      ...(query.targetId && { targetId: query.targetId }),
      ...((query.from || query.to) && { at: { ...(query.from && { gte: query.from }), ...(query.to && { lte: query.to }) } }),
    };
    const [total, rows] = await Promise.all([
      db.auditEntry.count({ where }),
      db.auditEntry.findMany({ where, orderBy: { id: 'desc' }, skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    ]);
    const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
    const users = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, username: true } });
    const usernames = new Map(users.map((u) => [u.id, u.username]));
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        action: r.action,
        actorId: r.actorId,
        actor: r.actorId ? (usernames.get(r.actorId) ?? null) : null,
        actorRole: r.actorRole,
        targetType: r.targetType,
        targetId: r.targetId,
        before: r.before,
        after: r.after,
        clientAddress: r.clientAddress,
        prevHash: r.prevHash,
        hash: r.hash,
      })),
      page: query.page,
      pageSize: query.pageSize,
      total,
    });
  });

  router.get('/verify', async (_req, res) => {
    res.json(await audit.verify());
  });

  return router;
}
