import { Router } from 'express';
import { createDelegationSchema, maySetDelegationFor, refuseDelegation } from '../../domain/delegations';
import type { PrismaClient, Delegation, User } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { partyOf } from './delegations-store';

const notFound = () => new HttpError(404, { error: 'not_found', reason: '委托不存在或不在您的管理范围内' });

function view(d: Delegation, users: Map<string, Pick<User, 'username' | 'displayName'>>, now: Date) {
  const name = (id: string) => users.get(id);
  const state = d.revokedAt ? 'REVOKED' : now < d.from ? 'SCHEDULED' : now < d.to ? 'ACTIVE' : 'ENDED';
  return {
    id: d.id,
    delegator: { id: d.delegatorId, username: name(d.delegatorId)?.username ?? null, displayName: name(d.delegatorId)?.displayName ?? null },
    delegate: { id: d.delegateId, username: name(d.delegateId)?.username ?? null, displayName: name(d.delegateId)?.displayName ?? null },
    from: d.from.toISOString(),
    to: d.to.toISOString(),
    reason: d.reason,
    state,
    stateLabel: { REVOKED: '已撤销', SCHEDULED: '未开始', ACTIVE: '代办中', ENDED: '已结束' }[state],
    createdAt: d.createdAt.toISOString(),
    revokedAt: d.revokedAt?.toISOString() ?? null,
  };
}

/** 代办 / 委托: substitutes during absence (POST, GET, DELETE /api/delegations). */
export function createDelegationsRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();
  const withUsers = async (rows: Delegation[]) => {
    const ids = [...new Set(rows.flatMap((r) => [r.delegatorId, r.delegateId]))];
    const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true, displayName: true } });
    return new Map(users.map((u) => [u.id, u]));
  };

  router.post('/', async (req, res) => {
    const setter = actorOf(req);
    const body = parseOr400(createDelegationSchema, req.body);
    const [absentUser, delegateUser] = await Promise.all([
      db.user.findUnique({ where: { username: (body.forUsername ?? setter.username).toLowerCase() } }),
      db.user.findUnique({ where: { username: body.delegateUsername.toLowerCase() } }),
    ]);
    if (!absentUser) throw HttpError.validation([{ path: 'forUsername', message: '被代办人不存在' }]);
    if (!delegateUser) throw HttpError.validation([{ path: 'delegateUsername', message: '代办人不存在' }]);
    const overlapping = await db.delegation.count({ where: { delegatorId: absentUser.id, revokedAt: null, from: { lt: body.to }, to: { gt: body.from } } });
    const refusal = refuseDelegation({ setter, absent: partyOf(absentUser), delegate: partyOf(delegateUser), overlapping });
    if (refusal) throw refusalError(refusal);
    const created = await db.$transaction(async (tx) => {
      const row = await tx.delegation.create({ data: { delegatorId: absentUser.id, delegateId: delegateUser.id, from: body.from, to: body.to, reason: body.reason, createdById: setter.userId } });
      await audit.record(
        { action: 'delegation.create', ...auditContext(req), target: { type: 'Delegation', id: row.id }, after: { delegatorId: row.delegatorId, delegateId: row.delegateId, from: body.from.toISOString(), to: body.to.toISOString(), reason: body.reason } },
        tx,
      );
      return row;
    });
    res.status(201).json(view(created, await withUsers([created]), new Date()));
  });

  /** The caller's delegations, as the absent user or the substitute; an admin's, every one; a supervisor's, those they may set. */
  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const rows = await db.delegation.findMany({ orderBy: [{ from: 'desc' }, { id: 'asc' }], take: 500 });
    const users = await withUsers(rows);
    const parties = await db.user.findMany({ where: { id: { in: rows.map((r) => r.delegatorId) } } });
    const byId = new Map(parties.map((u) => [u.id, u]));
    const visible = rows.filter((r) => r.delegatorId === actor.userId || r.delegateId === actor.userId || (byId.has(r.delegatorId) && maySetDelegationFor(actor, partyOf(byId.get(r.delegatorId)!))));
    const now = new Date();
    res.json({ items: visible.map((r) => view(r, users, now)) });
  });

  /** Revokes a delegation: it stops at once. By the absent user, whoever set it, or who may set one for the absent user. */
  router.delete('/:id', async (req, res) => {
    const actor = actorOf(req);
    const row = await db.delegation.findUnique({ where: { id: req.params.id } });
    const absent = row && (await db.user.findUnique({ where: { id: row.delegatorId } }));
    if (!row || !absent) throw notFound();
    const may = row.createdById === actor.userId || row.delegateId === actor.userId || maySetDelegationFor(actor, partyOf(absent));
    if (!may) throw notFound();
    if (row.revokedAt) throw new HttpError(409, { error: 'conflict', reason: '该委托已撤销' });
    const revoked = await db.$transaction(async (tx) => {
      const updated = await tx.delegation.update({ where: { id: row.id }, data: { revokedAt: new Date(), revokedById: actor.userId } });
      await audit.record({ action: 'delegation.revoke', ...auditContext(req), target: { type: 'Delegation', id: row.id }, before: { revokedAt: null }, after: { revokedAt: updated.revokedAt!.toISOString() } }, tx);
      return updated;
    });
    res.json(view(revoked, await withUsers([revoked]), new Date()));
  });

  return router;
}
