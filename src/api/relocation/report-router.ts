import { Workbook } from 'exceljs';
import { Router } from 'express';
import { isWithin } from '../../domain/jurisdictions';
import type { LaborCapacity } from '../../domain/monitoring/case';
import { relocationReadScope } from '../../domain/relocation/access';
import { buildRelocationReport, relocationFigures, relocationReportQuerySchema, type RelocationReport } from '../../domain/relocation/reports';
import type { PrismaClient } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400 } from '../http-error';

type Cell = string | number | null;

function rows(report: RelocationReport): Cell[][] {
  const figures = (c: RelocationReport['totals']) => relocationFigures.map(([key]) => c[key]);
  return [
    ...report.bySite.map((s) => ['安置点', s.siteCode, s.siteName, s.townCode, s.townName, ...figures(s)]),
    ...report.byTown.map((t) => ['乡镇（街道）', t.townCode, t.townName, t.townCode, t.townName, ...figures(t)]),
    ['合计', report.scope.code, report.scope.name, null, null, ...figures(report.totals)],
  ];
}
const header = ['分组', '代码', '名称', '乡镇（街道）代码', '乡镇（街道）', ...relocationFigures.map(([, h]) => h)];

const csvField = (value: Cell) => (value === null ? '' : /[",\r\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

/** 易地搬迁后续扶持报表 over the caller's jurisdiction: JSON, or CSV / XLSX with Chinese headers. */
export function createRelocationReportRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const scope = relocationReadScope(actor);
    if (scope === null || actor.role === 'DEPARTMENT_OFFICER') {
      throw new HttpError(403, { error: 'forbidden', reason: '只有村、乡镇、区级经办人员和系统管理员可以查看易地搬迁后续扶持报表' });
    }
    const query = parseOr400(relocationReportQuerySchema, req.query);
    if (query.townCode && !isWithin(query.townCode, scope) && !isWithin(scope, query.townCode)) throw new HttpError(403, { error: 'forbidden', reason: '该乡镇（街道）不在您的辖区内' });
    const prefix = query.townCode && query.townCode.length > scope.length ? query.townCode : scope;
    const now = new Date();
    const [cases, sites, towns, place, overdue] = await Promise.all([
      db.relocationCase.findMany({
        where: { villageCode: { startsWith: prefix }, ...(query.siteCode && { siteCode: query.siteCode }) },
        select: { id: true, siteCode: true, townCode: true, laborCapacity: true, atRisk: true, employment: { select: { id: true, startDate: true, endDate: true } }, projects: { select: { id: true, startDate: true } } },
      }),
      db.resettlementSite.findMany({ where: { ...(query.siteCode && { code: query.siteCode }) }, orderBy: { code: 'asc' } }),
      db.jurisdiction.findMany({ where: { level: 'TOWN', code: { startsWith: prefix.slice(0, 9) } }, orderBy: { code: 'asc' }, select: { code: true, name: true } }),
      db.jurisdiction.findUnique({ where: { code: prefix }, select: { name: true } }),
      db.task.findMany({ where: { process: 'relocation', step: 'FOLLOW_UP_VISIT', status: 'OPEN', dueAt: { lte: now }, jurisdictionCode: { startsWith: prefix } }, select: { caseId: true } }),
    ]);
    const overdueCases = new Set(overdue.map((t) => t.caseId));
    const report = buildRelocationReport({
      cases: cases.map((c) => ({ ...c, laborCapacity: c.laborCapacity as LaborCapacity, visitOverdue: overdueCases.has(c.id) })),
      // A village's or town's report lists the sites of its town.
      sites: sites.filter((s) => isWithin(s.townCode, prefix.slice(0, 9)) || prefix.length < 9),
      towns: prefix.length >= 9 ? towns.filter((t) => t.code === prefix.slice(0, 9)) : towns,
      scope: { code: prefix, name: place?.name ?? prefix },
      filters: { siteCode: query.siteCode ?? null, townCode: query.townCode ?? null },
      now,
    });
    if (query.format === 'json') {
      res.json(report);
      return;
    }
    let file: Buffer;
    if (query.format === 'csv') {
      file = Buffer.from(`\uFEFF${[header, ...rows(report)].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`, 'utf8');
    } else {
      const workbook = new Workbook();
      workbook.creator = 'AssistFlow';
      const ws = workbook.addWorksheet('易地搬迁后续扶持', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = header.map((h) => ({ header: h, width: 16 }));
      ws.getRow(1).font = { bold: true };
      for (const row of rows(report)) ws.addRow(row);
      file = Buffer.from(await workbook.xlsx.writeBuffer());
    }
    const ascii = `relocation-report-${report.scope.code}-${report.asOf}.${query.format}`;
    await audit.record({ action: 'export.run', ...auditContext(req), target: { type: 'RelocationReport', id: report.scope.code }, after: { report: 'relocation', format: query.format, scope: report.scope.code, siteCode: report.filters.siteCode, townCode: report.filters.townCode, file: ascii } });
    const chinese = encodeURIComponent(`易地搬迁后续扶持报表-${report.scope.name}-${report.asOf}.${query.format}`);
    res.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${chinese}`);
    res.type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(file);
  });
  return router;
}
