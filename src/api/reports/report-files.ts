import { Workbook } from 'exceljs';
import { beijingTime } from '../../domain/login-throttle';
import type { ClearingCounts, MonitoringReport } from '../../domain/monitoring/reports';

/**
 * The monitoring report as files: CSV is one flat table (one figure a row: what it counts, for which code and town,
 * its value), easy to filter and pivot; XLSX has one sheet per section with Chinese headers, for reading and printing.
 * Neither holds personal data: the report has only counts per code and town.
 */

type Cell = string | number | null;

const totalLabel = '合计';
const times = (iso: string) => beijingTime(Date.parse(iso));

export const csvHeader = ['分组', '代码', '名称', '乡镇（街道）代码', '乡镇（街道）', '指标', '数值'] as const;

/** Clearing figures in the order and with the names both files use. */
const clearingFigures: [keyof ClearingCounts, string][] = [
  ['monitored', '监测户数'],
  ['riskWithoutMeasure', '有风险无帮扶措施户数'],
  ['withOverdueStep', '有逾期环节户数'],
  ['uncleared', '未清零户数'],
  ['unclearedShare', '未清零占比'],
];

function scopeText(report: MonitoringReport): string {
  return `${report.scope.name}（${report.scope.code}）`;
}

/** The flat table's rows, header first. */
export function reportCsvRows(report: MonitoringReport): Cell[][] {
  const rows: Cell[][] = [[...csvHeader]];
  const info = (figure: string, value: Cell) => rows.push(['报表信息', null, null, null, null, figure, value]);
  info('统计范围', scopeText(report));
  info('年度', report.filters.year ?? '全部');
  info('生成时间（北京时间）', times(report.generatedAt));
  for (const r of report.byStage) rows.push(['按阶段', r.stage, r.stageLabel, null, null, '案件数', r.count]);
  for (const r of report.byTown) rows.push(['按乡镇', null, null, r.townCode, r.townName, '案件数', r.count]);
  for (const r of report.byCategory) rows.push(['按类别', r.category, r.categoryLabel, null, null, '案件数', r.count]);
  for (const r of report.byRiskType) rows.push(['按风险类型', r.riskType, r.riskTypeLabel, null, null, '案件数', r.count]);
  for (const r of report.overdueSteps.byStepAndTown) {
    rows.push(['逾期环节', r.step, r.stepLabel, r.townCode, r.townName, '逾期任务数', r.count]);
    rows.push(['逾期环节', r.step, r.stepLabel, r.townCode, r.townName, '最早到期时间（北京时间）', times(r.oldestDueAt)]);
  }
  for (const r of report.overdueSteps.byStep) rows.push(['逾期环节', r.step, r.stepLabel, null, totalLabel, '逾期任务数', r.count]);
  rows.push(['逾期环节', null, null, null, totalLabel, '逾期任务数', report.overdueSteps.total]);
  const identification = (townCode: string | null, townName: string, reached: number, median: number | null) => {
    rows.push(['认定用时', null, null, townCode, townName, '已纳入监测户数', reached]);
    rows.push(['认定用时', null, null, townCode, townName, '认定用时中位数（天）', median]);
  };
  for (const r of report.identification.byTown) identification(r.townCode, r.townName, r.reachedMonitored, r.medianDays);
  identification(null, totalLabel, report.identification.reachedMonitored, report.identification.medianDays);
  const clearing = (townCode: string | null, townName: string, counts: ClearingCounts) => {
    for (const [key, figure] of clearingFigures) rows.push(['动态清零', null, null, townCode, townName, figure, counts[key]]);
  };
  for (const r of report.dynamicClearing.byTown) clearing(r.townCode, r.townName, r);
  clearing(null, totalLabel, report.dynamicClearing.overall);
  return rows;
}

function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 with a BOM, so Excel opens the Chinese correctly; CRLF line ends (RFC 4180). */
export function reportCsv(report: MonitoringReport): Buffer {
  const text = reportCsvRows(report)
    .map((row) => row.map(csvField).join(','))
    .join('\r\n');
  return Buffer.from(`\uFEFF${text}\r\n`, 'utf8');
}

export interface Sheet {
  name: string;
  columns: { header: string; width: number; percent?: boolean }[];
  rows: Cell[][];
}

function reportSheets(report: MonitoringReport): Sheet[] {
  const code = (header: string) => ({ header, width: 14 });
  const name = (header: string) => ({ header, width: 18 });
  const count = (header: string) => ({ header, width: 14 });
  const sum = (rows: { count: number }[]) => rows.reduce((s, r) => s + r.count, 0);
  const overdueRows: Cell[][] = [];
  for (const step of report.overdueSteps.byStep) {
    for (const r of report.overdueSteps.byStepAndTown.filter((t) => t.step === step.step)) {
      overdueRows.push([r.step, r.stepLabel, r.townCode, r.townName, r.count, times(r.oldestDueAt)]);
    }
    overdueRows.push([step.step, step.stepLabel, null, '小计', step.count, null]);
  }
  overdueRows.push([null, null, null, totalLabel, report.overdueSteps.total, null]);
  const clearingRow = (townCode: string | null, townName: string, c: ClearingCounts): Cell[] => [townCode, townName, ...clearingFigures.map(([key]) => c[key])];
  return [
    {
      name: '说明',
      columns: [{ header: '项目', width: 22 }, { header: '内容', width: 90 }],
      rows: [
        ['报表', '防止返贫动态监测报表'],
        ['统计范围', scopeText(report)],
        ['乡镇（街道）筛选', report.filters.townCode ?? '全部'],
        ['年度（按发现时间）', report.filters.year ?? '全部'],
        ['生成时间（北京时间）', times(report.generatedAt)],
        ['按风险类型', '一户有多种风险类型的，在每种风险类型下各计一次，合计可能大于案件数'],
        ['逾期环节', '截至生成时间仍未办结且已超过办理期限的任务'],
        ['认定用时', '从发现到纳入监测的天数，统计已纳入监测的案件，取中位数'],
        ['动态清零', '监测户（已纳入监测及风险消除审核中）中，有识别风险但无帮扶措施（待落实或已落实），或有逾期环节的户数及占比'],
      ],
    },
    {
      name: '按阶段',
      columns: [code('阶段代码'), name('阶段'), count('案件数')],
      rows: [...report.byStage.map((r) => [r.stage, r.stageLabel, r.count]), [null, totalLabel, sum(report.byStage)]],
    },
    {
      name: '按乡镇',
      columns: [code('乡镇（街道）代码'), name('乡镇（街道）'), count('案件数')],
      rows: [...report.byTown.map((r) => [r.townCode, r.townName, r.count]), [null, totalLabel, sum(report.byTown)]],
    },
    {
      name: '按类别',
      columns: [code('类别代码'), name('监测对象类别'), count('案件数')],
      rows: [...report.byCategory.map((r) => [r.category, r.categoryLabel, r.count]), [null, totalLabel, sum(report.byCategory)]],
    },
    {
      name: '按风险类型',
      columns: [code('风险类型代码'), name('风险类型'), count('案件数')],
      rows: report.byRiskType.map((r) => [r.riskType, r.riskTypeLabel, r.count]),
    },
    {
      name: '逾期环节',
      columns: [code('环节代码'), name('环节'), code('乡镇（街道）代码'), name('乡镇（街道）'), count('逾期任务数'), { header: '最早到期时间（北京时间）', width: 24 }],
      rows: overdueRows,
    },
    {
      name: '认定用时',
      columns: [code('乡镇（街道）代码'), name('乡镇（街道）'), count('已纳入监测户数'), { header: '认定用时中位数（天）', width: 22 }],
      rows: [
        ...report.identification.byTown.map((r) => [r.townCode, r.townName, r.reachedMonitored, r.medianDays]),
        [null, totalLabel, report.identification.reachedMonitored, report.identification.medianDays],
      ],
    },
    {
      name: '动态清零',
      columns: [code('乡镇（街道）代码'), name('乡镇（街道）'), ...clearingFigures.map(([key, header]) => ({ header, width: 16, percent: key === 'unclearedShare' }))],
      rows: [...report.dynamicClearing.byTown.map((r) => clearingRow(r.townCode, r.townName, r)), clearingRow(null, totalLabel, report.dynamicClearing.overall)],
    },
  ];
}

/** One sheet per section, headers in bold and frozen; shares as percentages (the cell holds 0..1). */
export async function reportXlsx(report: MonitoringReport): Promise<Buffer> {
  return sheetsXlsx(reportSheets(report), new Date(report.generatedAt));
}

/** A workbook of `sheets`, headers in bold and frozen (any report's XLSX). */
export async function sheetsXlsx(sheets: readonly Sheet[], created: Date): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'AssistFlow';
  workbook.created = created;
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({ header: c.header, width: c.width, ...(c.percent && { style: { numFmt: '0.00%' } }) }));
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
