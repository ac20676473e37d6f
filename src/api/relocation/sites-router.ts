import { Router } from 'express';
import type { PrismaClient } from '../../generated/prisma/client';
import { refuseSiteManagement } from '../../domain/relocation/access';
import { createSiteSchema } from '../../domain/relocation/schemas';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { siteView } from './relocation-view';

/** 安置点: reference data, readable by every signed-in user; admins add them. */
export function createSitesRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const sites = await db.resettlementSite.findMany({ orderBy: [{ townCode: 'asc' }, { code: 'asc' }] });
    res.json({ items: sites.map(siteView) });
  });

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    const refusal = refuseSiteManagement(actor);
    if (refusal) throw refusalError(refusal);
    const body = parseOr400(createSiteSchema, req.body);
    const town = await db.jurisdiction.findUnique({ where: { code: body.townCode } });
    if (!town || town.level !== 'TOWN') throw HttpError.validation([{ path: 'townCode', message: '乡镇（街道）代码不存在' }]);
    if (await db.resettlementSite.findUnique({ where: { code: body.code } })) throw new HttpError(409, { error: 'conflict', reason: `安置点代码 ${body.code} 已存在` });
    const site = await db.resettlementSite.create({ data: body });
    await audit.record({ action: 'relocation_site.create', ...auditContext(req), target: { type: 'ResettlementSite', id: site.code }, after: { ...body }, key: `relocation_site.create:${site.code}` });
    res.status(201).json(siteView(site));
  });

  return router;
}
