import { Router, type RequestHandler } from 'express';
import { refuseOwnAccountChange, refuseUserManagement } from '../../domain/access';
import { changedFields } from '../../domain/audit';
import { departmentLabel } from '../../domain/departments';
import { roleLabels, type Role } from '../../domain/roles';
import { assignmentProblems, createUserSchema, listUsersSchema, resetPasswordSchema, updateUserSchema, type Assignment } from '../../domain/users';
import { Prisma, type PrismaClient, type User } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { hashNewPassword } from '../auth/passwords';
import { revokeSessionsOf } from '../auth/sessions';
import type { Client } from '@temporalio/client';
import { releaseTaskUpdate } from '../../domain/tasks/messages';
import type { Actor } from '../../domain/roles';
import { withRefusalsAsHttp } from '../temporal-errors';
import { HttpError, parseOr400, refusalError } from '../http-error';

/** An account as the API shows it: never the password hash. */
function userView(u: User) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    role: u.role,
    roleLabel: roleLabels[u.role as Role],
    jurisdictionCode: u.jurisdictionCode,
    department: u.department,
    departmentLabel: u.department ? departmentLabel(u.department) : null,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** The fields an audit entry compares: what an admin changes, never the hash. */
const audited = (u: User) => ({
  displayName: u.displayName,
  email: u.email,
  role: u.role,
  jurisdictionCode: u.jurisdictionCode,
  department: u.department,
  active: u.active,
});

const userNotFound = () => new HttpError(404, { error: 'not_found', reason: '用户不存在' });
const usernameTaken = () => new HttpError(409, { error: 'conflict', reason: '用户名已被使用，请换一个' });

/** Staff accounts, for admins: list, create, change role, jurisdiction, department or status, reset a password. */
export function createUsersRouter({ db, audit, temporal }: { db: PrismaClient; audit: AuditLog; temporal: { client: Client } }): Router {
  /** A disabled account's claims are released, so its tasks go back to everyone who may act on them (the admin acts). */
  async function releaseClaimsOf(userId: string, admin: Actor): Promise<number> {
    const claimed = await db.task.findMany({ where: { assigneeId: userId, status: 'OPEN' }, select: { id: true, workflowId: true } });
    for (const task of claimed) {
      await withRefusalsAsHttp(() => temporal.client.workflow.getHandle(task.workflowId).executeUpdate(releaseTaskUpdate, { args: [{ taskId: task.id, actor: admin }] })).catch((err: unknown) => {
        // Closed since (409): nothing to release. Anything else is the admin's to retry.
        if (!(err instanceof HttpError && err.status === 409)) throw err;
      });
    }
    return claimed.length;
  }

  const router = Router();
  const admins: RequestHandler = (req, _res, next) => {
    const refusal = refuseUserManagement(actorOf(req));
    if (refusal) throw refusalError(refusal);
    next();
  };
  router.use(admins);

  /** 400 unless the role, jurisdiction and department fit together and the jurisdiction exists. */
  async function checkAssignment(assignment: Assignment) {
    const problems = assignmentProblems(assignment);
    if (!problems.some((p) => p.path === 'jurisdictionCode')) {
      const place = await db.jurisdiction.findUnique({ where: { code: assignment.jurisdictionCode }, select: { code: true } });
      if (!place) problems.push({ path: 'jurisdictionCode', message: '辖区代码不存在，请从辖区列表中选择' });
    }
    if (problems.length) throw HttpError.validation(problems);
  }

  router.get('/', async (req, res) => {
    const query = parseOr400(listUsersSchema, req.query);
    const where: Prisma.UserWhereInput = {
      ...(query.role && { role: query.role }),
      ...(query.jurisdictionCode && { jurisdictionCode: { startsWith: query.jurisdictionCode } }),
      ...(query.active !== undefined && { active: query.active }),
    };
    const [total, rows] = await Promise.all([
      db.user.count({ where }),
      db.user.findMany({ where, orderBy: [{ username: 'asc' }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    ]);
    res.json({ items: rows.map(userView), page: query.page, pageSize: query.pageSize, total });
  });

  router.post('/', async (req, res) => {
    const body = parseOr400(createUserSchema, req.body);
    const department = body.department ?? null;
    await checkAssignment({ role: body.role, jurisdictionCode: body.jurisdictionCode, department });
    const passwordHash = await hashNewPassword(body.password);
    const created = await db
      .$transaction(async (tx) => {
        const user = await tx.user.create({
          data: { username: body.username, displayName: body.displayName, email: body.email, passwordHash, role: body.role, jurisdictionCode: body.jurisdictionCode, department },
        });
        await audit.record({ action: 'user.create', ...auditContext(req), target: { type: 'User', id: user.id }, after: { username: user.username, ...audited(user) } }, tx);
        return user;
      })
      .catch((error: unknown) => {
        throw error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' ? usernameTaken() : error;
      });
    res.status(201).json(userView(created));
  });

  router.patch('/:id', async (req, res) => {
    const actor = actorOf(req);
    const change = parseOr400(updateUserSchema, req.body);
    const existing = await db.user.findUnique({ where: { id: req.params.id } });
    if (!existing) throw userNotFound();
    const own = refuseOwnAccountChange(actor, existing.id, change);
    if (own) throw refusalError(own);
    const role = change.role ?? (existing.role as Role);
    // A department belongs to officers only: a role change away from it clears it unless one is given.
    const department = change.department !== undefined ? change.department : role === 'DEPARTMENT_OFFICER' ? existing.department : null;
    const jurisdictionCode = change.jurisdictionCode ?? existing.jurisdictionCode;
    await checkAssignment({ role, jurisdictionCode, department });
    const updated = await db.$transaction(async (tx) => {
      const user = await tx.user.update({
        where: { id: existing.id },
        data: { displayName: change.displayName, email: change.email, role, jurisdictionCode, department, active: change.active },
      });
      // A disabled account's sessions end now, refresh tokens included; requireAuth refuses its access tokens already.
      const revoked = existing.active && !user.active ? await revokeSessionsOf(tx, user.id, 'USER_DISABLED') : 0;
      const { before, after } = changedFields(audited(existing), audited(user));
      await audit.record(
        { action: 'user.change', ...auditContext(req), target: { type: 'User', id: user.id }, before, after: { ...after, ...(revoked && { sessionsRevoked: revoked }) } },
        tx,
      );
      return user;
    });
    if (existing.active && !updated.active) await releaseClaimsOf(updated.id, actor);
    res.json(userView(updated));
  });

  /** 重置密码: sets a new password (the password rule applies) and ends the account's sessions. */
  router.post('/:id/password', async (req, res) => {
    const { password } = parseOr400(resetPasswordSchema, req.body);
    const existing = await db.user.findUnique({ where: { id: req.params.id }, select: { id: true } });
    if (!existing) throw userNotFound();
    const passwordHash = await hashNewPassword(password);
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: existing.id }, data: { passwordHash } });
      // Whoever knew the old password is signed out, the admin too when it is their own.
      const revoked = await revokeSessionsOf(tx, existing.id, 'PASSWORD_RESET');
      await audit.record({ action: 'user.password_reset', ...auditContext(req), target: { type: 'User', id: existing.id }, after: { passwordReset: true, sessionsRevoked: revoked } }, tx);
    });
    res.status(204).end();
  });

  return router;
}
