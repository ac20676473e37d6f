import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { policyVersion } from '../../db/policy-versions';
import { beijingTime } from '../../domain/login-throttle';
import { categoryLabels, closedStages, type Category } from '../../domain/monitoring/case';
import { extremePovertyMinimumFen } from '../../domain/monitoring/assistance';
import { beijingYear } from '../../domain/monitoring/elimination';
import { policyWhatIf, whatIfCounts, whatIfKindLabels, whatIfKinds, type WhatIfCase } from '../../domain/monitoring/policy-what-if';
import { monitoringLineFor, type PolicySettings } from '../../domain/policy';
import type { ProcessRegistry } from '../../domain/tasks/process';
import type { Sheet } from '../reports/report-files';

/** The open monitoring cases in `scope` (a jurisdiction prefix) with what the what-if's rules read: one query per table. */
async function loadWhatIfCases(db: PrismaClient, scope: string): Promise<WhatIfCase[]> {
  const rows = await db.monitoringCase.findMany({
    where: { closedAt: null, stage: { notIn: [...closedStages] }, villageCode: { startsWith: scope } },
    select: { id: true, villageCode: true, townCode: true, category: true, stage: true, policyVersion: true },
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [visits, measures, tasks] = await Promise.all([
    // The latest visit of each case: the same rows the case view and the exit's checks read.
    db.$queryRaw<{ caseId: string; at: Date; perCapitaIncome: Prisma.Decimal }[]>`
      SELECT DISTINCT ON ("caseId") "caseId", "at", "perCapitaIncome" FROM "FollowUpVisit"
      WHERE "caseId" = ANY(${ids}) ORDER BY "caseId", "at" DESC, "id" DESC`,
    db.measure.findMany({ where: { caseId: { in: ids }, status: { not: 'NOT_DELIVERED' } }, select: { id: true, caseId: true, type: true, monthlyAmount: true, endDate: true } }),
    db.task.findMany({ where: { caseId: { in: ids }, status: 'OPEN' }, select: { id: true, caseId: true, process: true, step: true, openedAt: true, dueAt: true } }),
  ]);
  const settingsOf = new Map<number, PolicySettings>();
  for (const v of new Set(rows.map((r) => r.policyVersion))) {
    const pinned = await policyVersion(db, v);
    if (pinned) settingsOf.set(v, pinned.settings);
  }
  const visitOf = new Map(visits.map((v) => [v.caseId, { at: v.at.getTime(), perCapitaIncome: Number(v.perCapitaIncome) }]));
  const group = <T extends { caseId: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(x.caseId, [...(m.get(x.caseId) ?? []), x]);
    return m;
  };
  const measuresOf = group(measures);
  const tasksOf = group(tasks.filter((t) => t.process === 'monitoring'));
  return rows.flatMap((r) => {
    const settings = settingsOf.get(r.policyVersion);
    if (!settings) return [];
    return [
      {
        id: r.id,
        process: 'monitoring',
        villageCode: r.villageCode,
        townCode: r.townCode,
        category: r.category,
        stage: r.stage,
        policyVersion: r.policyVersion,
        settings,
        latestVisit: visitOf.get(r.id) ?? null,
        measures: (measuresOf.get(r.id) ?? []).map((m) => ({ id: m.id, type: m.type, monthlyAmount: m.monthlyAmount === null ? null : Number(m.monthlyAmount), endDate: m.endDate })),
        openTasks: (tasksOf.get(r.id) ?? []).map((t) => ({ id: t.id, step: t.step, openedAt: t.openedAt.getTime(), dueAt: t.dueAt.getTime() })),
      },
    ];
  });
}

export type PolicyWhatIfReport = Awaited<ReturnType<typeof buildPolicyWhatIf>>;

/** The what-if of `proposed` over the open cases of `scope`, with Chinese labels and place names; no household names or ID numbers. */
export async function buildPolicyWhatIf(db: PrismaClient, p: { scope: string; proposed: PolicySettings; now: Date; processes: ProcessRegistry }) {
  const cases = await loadWhatIfCases(db, p.scope);
  const changes = policyWhatIf({ cases, proposed: p.proposed, now: p.now.getTime(), processes: p.processes });
  const codes = [...new Set(changes.flatMap((c) => [c.villageCode, c.townCode]))];
  const places = new Map((await db.jurisdiction.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } })).map((j) => [j.code, j.name]));
  const placeName = (code: string) => places.get(code) ?? null;
  const categoryLabel = (category: string) => categoryLabels[category as Category] ?? category;
  const year = beijingYear(p.now.getTime());
  const counts = whatIfCounts(changes);
  return {
    generatedAt: p.now.toISOString(),
    scope: p.scope,
    year,
    /** What the proposal sets that the checks read. */
    proposed: {
      monitoringLine: monitoringLineFor(p.proposed, year),
      minimumLivingMonthly: p.proposed.standards.minimumLivingMonthly,
      extremePovertyMinimum: extremePovertyMinimumFen(p.proposed.standards) / 100,
    },
    examinedCases: cases.length,
    totals: {
      cases: new Set(changes.map((c) => c.caseId)).size,
      byKind: Object.fromEntries(whatIfKinds.map((k) => [k, changes.filter((c) => c.kind === k).length])) as Record<(typeof whatIfKinds)[number], number>,
    },
    counts: counts.map((c) => ({ ...c, townName: placeName(c.townCode), categoryLabel: categoryLabel(c.category) })),
    changes: changes.map((c) => ({
      ...c,
      kindLabel: whatIfKindLabels[c.kind],
      villageName: placeName(c.villageCode),
      townName: placeName(c.townCode),
      categoryLabel: categoryLabel(c.category),
      stageLabel: p.processes.stageLabel(c.process, c.stage),
      stepLabel: c.step === null ? null : p.processes.stepLabel(c.process, c.step),
    })),
  };
}

const times = (iso: string | null) => (iso === null ? null : beijingTime(Date.parse(iso)));

/** The XLSX: an explanation, the counts per town and category, and one row per change (case id, place, category; no names). */
export function policyWhatIfSheets(report: PolicyWhatIfReport): Sheet[] {
  const col = (header: string, width = 14) => ({ header, width });
  return [
    {
      name: '说明',
      columns: [col('项目', 24), col('内容', 90)],
      rows: [
        ['测算', '政策模拟测算：拟定的政策设置对在办案件的影响（未保存任何内容）'],
        ['统计范围', report.scope],
        ['生成时间（北京时间）', times(report.generatedAt)],
        ['拟定监测线（元/人/年）', report.proposed.monitoringLine?.line ?? '未设置'],
        ['拟定低保标准（元/人/月）', report.proposed.minimumLivingMonthly],
        ['特困供养最低金额（元/月）', report.proposed.extremePovertyMinimum],
        ['测算案件数', report.examinedCases],
        ['受影响案件数', report.totals.cases],
        ['比较基准', '每个案件与其现行适用的政策版本比较；收入按最近一次走访记录，逾期按任务开始时间加拟定办理时限'],
      ],
    },
    {
      name: '按乡镇和类别',
      columns: [col('乡镇（街道）代码'), col('乡镇（街道）', 18), col('类别代码'), col('监测对象类别', 18), col('受影响案件数'), ...whatIfKinds.map((k) => col(whatIfKindLabels[k], 22))],
      rows: report.counts.map((c) => [c.townCode, c.townName, c.category, c.categoryLabel, c.cases, ...whatIfKinds.map((k) => c.byKind[k])]),
    },
    {
      name: '变化明细',
      columns: [
        col('案件编号', 38), col('村（社区）代码'), col('村（社区）', 18), col('乡镇（街道）', 18), col('监测对象类别', 16), col('阶段', 16), col('现行政策版本'),
        col('变化', 30), col('最近走访收入（元/人/年）', 20), col('现行监测线', 12), col('拟定监测线', 12),
        col('措施编号', 38), col('特困供养金额（元/月）', 20), col('现行最低金额', 14), col('拟定最低金额', 14),
        col('环节', 16), col('现行办理期限（北京时间）', 24), col('拟定办理期限（北京时间）', 24),
      ],
      rows: report.changes.map((c) => [
        c.caseId, c.villageCode, c.villageName, c.townName, c.categoryLabel, c.stageLabel, c.policyVersion,
        c.kindLabel, c.income, c.currentLine, c.proposedLine,
        c.measureId, c.monthlyAmount, c.currentMinimum, c.proposedMinimum,
        c.stepLabel, times(c.dueAt), times(c.proposedDueAt),
      ]),
    },
  ];
}
