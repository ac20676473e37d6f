import { Router } from 'express';
import { policyReadAccess, refusePolicyChange } from '../../domain/access';
import { defaultPolicySettings, nextPolicyVersion, policyInForce, refuseBackdatedPolicy } from '../../domain/policy';
import { putPolicySchema } from '../../domain/policy-schemas';
import type { PolicyVersion, PrismaClient } from '../../generated/prisma/client';
import { changedFields } from '../../domain/audit';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { policyWhatIfQuerySchema, policyWhatIfSchema } from '../../domain/policy-what-if-schemas';
import { beijingTime } from '../../domain/login-throttle';
import type { ProcessRegistry } from '../../domain/tasks/process';
import { processRegistry } from '../../processes';
import { attachment } from '../reports/reports-router';
import { sheetsXlsx } from '../reports/report-files';
import { buildPolicyWhatIf, policyWhatIfSheets } from './what-if';

/** Version 0: the built-in defaults, in force until a version is stored; a case started then reports it. */
const builtInDefaults = { version: 0, effectiveFrom: null, settings: defaultPolicySettings };

function versionView(row: PolicyVersion, usernames: ReadonlyMap<string, string>) {
  const createdBy = row.createdById ? usernames.get(row.createdById) : undefined;
  return {
    version: row.version,
    effectiveFrom: row.effectiveFrom.toISOString(),
    settings: row.settings,
    ...(createdBy && { createdBy }),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Policy settings are reference data: the district stores new versions here, and cases pin the one in force when they start. */
export function createPolicyRouter({ db, audit, processes = processRegistry }: { db: PrismaClient; audit: AuditLog; processes?: ProcessRegistry }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const access = policyReadAccess(actorOf(req));
    if (!access) throw new HttpError(403, { error: 'forbidden', reason: '只有区、乡镇和村级经办人员及系统管理员可以查看政策设置' });
    const rows = await db.policyVersion.findMany({ orderBy: { version: 'desc' } });
    const inForce = policyInForce(rows, new Date());
    if (access === 'current') {
      // Caseworkers see the deadlines they work to, not the history or who set it.
      res.json({ current: inForce ? { version: inForce.version, effectiveFrom: inForce.effectiveFrom.toISOString(), settings: inForce.settings } : builtInDefaults });
      return;
    }
    const authorIds = [...new Set(rows.flatMap((r) => (r.createdById ? [r.createdById] : [])))];
    const authors = await db.user.findMany({ where: { id: { in: authorIds } }, select: { id: true, username: true } });
    const usernames = new Map(authors.map((u) => [u.id, u.username]));
    res.json({
      current: inForce ? versionView(inForce, usernames) : builtInDefaults,
      versions: [...rows.map((r) => versionView(r, usernames)), builtInDefaults],
    });
  });

  router.put('/', async (req, res) => {
    const actor = actorOf(req);
    const refusal = refusePolicyChange(actor);
    if (refusal) throw refusalError(refusal);
    const body = parseOr400(putPolicySchema, req.body);
    const created = await db.$transaction(async (tx) => {
      // Writers queue on this lock (readers don't), so the number and the back-dating check see every earlier PUT;
      // the primary key would refuse a duplicate number anyway.
      await tx.$executeRaw`LOCK TABLE "PolicyVersion" IN SHARE ROW EXCLUSIVE MODE`;
      const now = new Date();
      const effectiveFrom = body.effectiveFrom ?? now;
      const rows = await tx.policyVersion.findMany({ select: { version: true, effectiveFrom: true } });
      const backdated = refuseBackdatedPolicy(effectiveFrom, policyInForce(rows, now));
      if (backdated) throw refusalError(backdated);
      const latest = await tx.policyVersion.findFirst({ orderBy: { version: 'desc' }, select: { settings: true } });
      const version = await tx.policyVersion.create({
        data: { version: nextPolicyVersion(rows), effectiveFrom, settings: body.settings, createdById: actor.userId },
      });
      // In the same transaction: the version and its audit entry are stored together or not at all.
      const changed = changedFields((latest?.settings ?? defaultPolicySettings) as Record<string, unknown>, body.settings);
      await audit.record(
        {
          action: 'policy.change',
          ...auditContext(req),
          target: { type: 'PolicyVersion', id: String(version.version) },
          before: changed.before,
          after: { ...changed.after, effectiveFrom: effectiveFrom.toISOString() },
          key: `policy.change:${version.version}`,
        },
        tx,
      );
      return version;
    });
    res.status(201).json(versionView(created, new Map([[actor.userId, actor.username]])));
  });

  /**
   * 政策模拟测算: what the proposed settings would change for the open cases (income vs the line, 特困 amounts, overdue
   * steps), by the rules the real checks use. Writes nothing (an XLSX export is audited, as every export is).
   */
  router.post('/what-if', async (req, res) => {
    const actor = actorOf(req);
    if (actor.role !== 'DISTRICT_APPROVER') throw new HttpError(403, { error: 'forbidden', reason: '只有区级审批人员可以进行政策模拟测算' });
    const { format } = parseOr400(policyWhatIfQuerySchema, req.query);
    const { settings } = parseOr400(policyWhatIfSchema, req.body);
    const report = await buildPolicyWhatIf(db, { scope: actor.jurisdictionCode, proposed: settings, now: new Date(), processes });
    if (format === 'json') {
      res.json(report);
      return;
    }
    const date = beijingTime(Date.parse(report.generatedAt)).slice(0, 10);
    const names = { ascii: `policy-what-if-${report.scope}-${date}.xlsx`, chinese: `政策模拟测算-${date}.xlsx` };
    await audit.record({
      action: 'export.run',
      ...auditContext(req),
      target: { type: 'PolicyWhatIf', id: report.scope },
      after: { report: 'policy-what-if', format, scope: report.scope, changes: report.changes.length, file: names.ascii },
    });
    attachment(res, names.ascii, names.chinese);
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await sheetsXlsx(policyWhatIfSheets(report), new Date(report.generatedAt)));
  });

  return router;
}
