import { Router, type Response } from 'express';
import { monitoringReportScope } from '../../domain/access';
import { beijingTime } from '../../domain/login-throttle';
import { buildMonitoringReport, monitoringReportQuerySchema, reportScope, type MonitoringReport } from '../../domain/monitoring/reports';
import type { PrismaClient } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { loadMonitoringReportInputs } from './monitoring-report-data';
import { reportCsv, reportXlsx } from './report-files';

const contentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** RFC 6266: an ASCII name for old clients, the Chinese one (RFC 5987) for the rest. */
export function attachment(res: Response, asciiName: string, name: string) {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  res.set('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`);
}

function fileNames(report: MonitoringReport, extension: 'csv' | 'xlsx') {
  const date = beijingTime(Date.parse(report.generatedAt)).slice(0, 10);
  const year = report.filters.year === null ? '' : `-${report.filters.year}`;
  return {
    ascii: `monitoring-report-${report.scope.code}${year}-${date}.${extension}`,
    chinese: `防止返贫动态监测报表-${report.scope.name}${report.filters.year === null ? '' : `-${report.filters.year}年`}-${date}.${extension}`,
  };
}

/** Reports over the caller's jurisdiction: the monitoring report as JSON, CSV or XLSX. */
export function createReportsRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();

  /** 防止返贫动态监测报表: counts, overdue steps, identification time and the dynamic-clearing share. */
  router.get('/monitoring', async (req, res) => {
    const actor = actorOf(req);
    const access = monitoringReportScope(actor);
    if ('refusal' in access) throw refusalError(access.refusal);
    const query = parseOr400(monitoringReportQuerySchema, req.query);
    const scope = reportScope(access.scope, query.townCode);
    if (typeof scope !== 'string') throw refusalError(scope);
    if (query.townCode && !(await db.jurisdiction.findFirst({ where: { code: query.townCode, level: 'TOWN' }, select: { code: true } }))) {
      throw HttpError.validation([{ path: 'townCode', message: '没有这个乡镇（街道）代码' }]);
    }
    const report = buildMonitoringReport(
      await loadMonitoringReportInputs(db, { scope, townCode: query.townCode ?? null, year: query.year ?? null, now: new Date() }),
    );
    if (query.format === 'json') {
      res.json(report);
      return;
    }
    const file = query.format === 'csv' ? reportCsv(report) : await reportXlsx(report);
    const names = fileNames(report, query.format);
    await audit.record({
      action: 'export.run',
      ...auditContext(req),
      target: { type: 'MonitoringReport', id: report.scope.code },
      after: { report: 'monitoring', format: query.format, scope: report.scope.code, townCode: report.filters.townCode, year: report.filters.year, file: names.ascii },
    });
    attachment(res, names.ascii, names.chinese);
    res.type(contentTypes[query.format]).send(file);
  });

  return router;
}
