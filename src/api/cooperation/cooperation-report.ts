import { Workbook } from 'exceljs';
import { Router, type Response } from 'express';
import { refuseCooperationReport } from '../../domain/cooperation/access';
import { cooperationStageLabels, rollUp } from '../../domain/cooperation/plan';
import { partnerKindLabels, type PartnerKind } from '../../domain/cooperation/reference';
import { cooperationReportQuerySchema } from '../../domain/cooperation/schemas';
import { beijingTime } from '../../domain/login-throttle';
import type { PrismaClient } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { parseOr400, refusalError } from '../http-error';

/**
 * 协作帮扶报表: one row per partner (plan) × indicator, targets against accepted actuals, as the tables a district sends
 * upward; plus tasks by state and overdue reports per plan. JSON, CSV (UTF-8 with BOM) or XLSX, Chinese headers.
 */

type Cell = string | number | null;

export const cooperationCsvHeader = ['年度', '协作伙伴代码', '协作伙伴', '协作类型', '计划阶段', '指标代码', '指标', '计量单位', '目标值', '完成值', '完成率'] as const;

export async function buildCooperationReport(db: PrismaClient, filters: { year: number | null; partnerCode: string | null }, now: Date) {
  const plans = await db.cooperationPlan.findMany({
    where: { ...(filters.year !== null && { year: filters.year }), ...(filters.partnerCode && { partnerCode: filters.partnerCode }) },
    include: { partner: true, targets: { orderBy: { position: 'asc' } }, tasks: { include: { reports: { where: { status: 'ACCEPTED' }, select: { actuals: true } } } } },
    orderBy: [{ year: 'asc' }, { partnerCode: 'asc' }],
  });
  const indicators = new Map((await db.cooperationIndicator.findMany()).map((i) => [i.code, i]));
  const overdue = await db.task.groupBy({
    by: ['caseId'],
    where: { process: 'cooperation', step: 'QUARTERLY_REPORT', status: 'OPEN', dueAt: { lte: now }, caseId: { in: plans.flatMap((p) => p.tasks.map((t) => t.id)) } },
    _count: { _all: true },
  });
  const overdueByTask = new Map(overdue.map((o) => [o.caseId, o._count._all]));
  const rows = plans.flatMap((p) =>
    rollUp(
      p.targets.map((t) => ({ indicator: t.indicator, target: t.target })),
      p.tasks.flatMap((t) => t.reports.map((r) => r.actuals as Record<string, number>)),
    ).map((r) => ({
      year: p.year,
      planId: p.id,
      partnerCode: p.partnerCode,
      partnerName: p.partner.name,
      partnerKind: p.partner.kind,
      partnerKindLabel: partnerKindLabels[p.partner.kind as PartnerKind] ?? p.partner.kind,
      stage: p.stage,
      stageLabel: cooperationStageLabels[p.stage as keyof typeof cooperationStageLabels] ?? p.stage,
      indicator: r.code,
      indicatorLabel: indicators.get(r.code)?.label ?? r.code,
      unit: indicators.get(r.code)?.unit ?? '',
      target: r.target,
      actual: r.actual,
      share: r.share,
    })),
  );
  return {
    generatedAt: now.toISOString(),
    filters,
    rows,
    plans: plans.map((p) => ({
      planId: p.id,
      year: p.year,
      partnerCode: p.partnerCode,
      partnerName: p.partner.name,
      stage: p.stage,
      tasksByStage: Object.fromEntries(
        [...new Set(p.tasks.map((t) => t.stage))].sort().map((s) => [s, p.tasks.filter((t) => t.stage === s).length]),
      ) as Record<string, number>,
      overdueReports: p.tasks.reduce((n, t) => n + (overdueByTask.get(t.id) ?? 0), 0),
    })),
  };
}
export type CooperationReport = Awaited<ReturnType<typeof buildCooperationReport>>;

function csvRows(report: CooperationReport): Cell[][] {
  return [
    [...cooperationCsvHeader],
    ...report.rows.map((r) => [r.year, r.partnerCode, r.partnerName, r.partnerKindLabel, r.stageLabel, r.indicator, r.indicatorLabel, r.unit, r.target, r.actual, r.share]),
  ];
}

const csvField = (value: Cell) => {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function cooperationCsv(report: CooperationReport): Buffer {
  return Buffer.from(`\uFEFF${csvRows(report).map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function cooperationXlsx(report: CooperationReport): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'AssistFlow';
  workbook.created = new Date(report.generatedAt);
  const ws = workbook.addWorksheet('指标完成情况', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cooperationCsvHeader.map((header) => ({ header, width: header === '协作伙伴' || header === '指标' ? 20 : 12, ...(header === '完成率' && { style: { numFmt: '0.00%' } }) }));
  ws.getRow(1).font = { bold: true };
  for (const row of csvRows(report).slice(1)) ws.addRow(row);
  const plans = workbook.addWorksheet('任务与逾期', { views: [{ state: 'frozen', ySplit: 1 }] });
  plans.columns = [
    { header: '年度', width: 8 },
    { header: '协作伙伴', width: 20 },
    { header: '任务状态', width: 40 },
    { header: '逾期季度报告数', width: 16 },
  ];
  plans.getRow(1).font = { bold: true };
  for (const p of report.plans) {
    const states = Object.entries(p.tasksByStage)
      .map(([s, n]) => `${cooperationStageLabels[s as keyof typeof cooperationStageLabels] ?? s} ${n}`)
      .join('，');
    plans.addRow([p.year, p.partnerName, states, p.overdueReports]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function attachment(res: Response, asciiName: string, name: string) {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  res.set('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`);
}

export function createCooperationReportRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const refusal = refuseCooperationReport(actor);
    if (refusal) throw refusalError(refusal);
    const query = parseOr400(cooperationReportQuerySchema, req.query);
    const report = await buildCooperationReport(db, { year: query.year ?? null, partnerCode: query.partnerCode ?? null }, new Date());
    if (query.format === 'json') {
      res.json(report);
      return;
    }
    const date = beijingTime(Date.parse(report.generatedAt)).slice(0, 10);
    const suffix = `${query.year ? `-${query.year}` : ''}${query.partnerCode ? `-${query.partnerCode}` : ''}`;
    const names = { ascii: `cooperation-report${suffix}-${date}.${query.format}`, chinese: `协作帮扶指标完成情况${suffix}-${date}.${query.format}` };
    const file = query.format === 'csv' ? cooperationCsv(report) : await cooperationXlsx(report);
    await audit.record({
      action: 'export.run',
      ...auditContext(req),
      target: { type: 'CooperationReport', id: query.partnerCode ?? 'all' },
      after: { report: 'cooperation', format: query.format, year: report.filters.year, partnerCode: report.filters.partnerCode, file: names.ascii },
    });
    attachment(res, names.ascii, names.chinese);
    res.type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(file);
  });
  return router;
}
