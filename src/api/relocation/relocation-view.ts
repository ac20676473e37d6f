import { maskedPersonalData } from '../../domain/personal-data';
import { laborCapacityLabels, riskTypeLabels, type LaborCapacity, type RiskType } from '../../domain/monitoring/case';
import { healthStatusLabels, projectTypeLabels, relocationStageLabels, siteKindLabels, type HealthStatus, type ProjectType, type RelocationStage, type SiteKind } from '../../domain/relocation/case';
import { relocationProcess, relocationStepLabels, type RelocationStep } from '../../domain/relocation/process';
import { beijingDay, targetsOn } from '../../domain/relocation/targets';
import { createProcessRegistry } from '../../domain/tasks/process';
import type { PrismaClient } from '../../generated/prisma/client';
import { taskView } from '../tasks/task-view';

const relocationTasks = createProcessRegistry([relocationProcess]);

const timelineLabels: Record<string, string> = {
  RELOCATION_CASE_CREATED: '登记搬迁户',
  BASELINE_RECORDED: '基线调查',
  EMPLOYMENT_ADDED: '登记就业',
  EMPLOYMENT_ENDED: '就业结束',
  PROJECT_ADDED: '登记产业项目',
  RELOCATION_VISIT_RECORDED: '后续扶持走访',
  REFERRED_TO_MONITORING: '转入防止返贫监测',
  EVIDENCE_TO_MONITORING: '补充至监测案件',
  REFERRAL_REFUSED: '转入监测未成功',
  TARGETS_UNMET: '目标逾期未达标',
  TARGETS_MET: '目标已达标',
  CASE_CLOSED: '稳定达标结案',
  CASE_REOPENED: '恢复后续扶持',
  TASK_DECIDED: '办理',
  TASK_CLAIMED: '认领任务',
  TASK_DUE_SOON: '即将到期提醒',
  TASK_OVERDUE: '逾期提醒',
  TASK_ESCALATED: '逾期上报督办',
};

export const siteView = (s: { code: string; name: string; townCode: string; kind: string; households: number }) => ({
  code: s.code,
  name: s.name,
  townCode: s.townCode,
  kind: s.kind,
  kindLabel: siteKindLabels[s.kind as SiteKind] ?? s.kind,
  households: s.households,
});

const safetyNetNote = '无劳动能力，仅在兜底保障侧跟踪，不设就业和产业项目目标';

/** A relocation case as the API shows it: labels in Chinese, the ID number and phone masked, targets as met today. */
export async function loadRelocationView(db: PrismaClient, caseId: string, now = new Date()) {
  const row = await db.relocationCase.findUnique({ where: { id: caseId }, include: { household: true, site: true } });
  if (!row) return null;
  const [employment, projects, visits, tasks, timeline, places] = await Promise.all([
    db.relocationEmployment.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
    db.relocationProject.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
    db.relocationVisit.findMany({ where: { caseId }, orderBy: { at: 'desc' }, take: 12 }),
    db.task.findMany({ where: { caseId, status: 'OPEN' }, orderBy: { openedAt: 'asc' } }),
    db.timelineEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    db.jurisdiction.findMany({ where: { code: { in: [row.villageCode, row.townCode] } }, select: { code: true, name: true } }),
  ]);
  const nameOf = (code: string) => places.find((p) => p.code === code)?.name ?? null;
  const stage = row.stage as RelocationStage;
  const today = beijingDay(now.getTime());
  const laborCapacity = row.laborCapacity as LaborCapacity;
  const targets = targetsOn({ laborCapacity, employment, projects, day: today });
  const openTasks = tasks.map((t) => taskView(t, now, relocationTasks));
  const baseline = row.baseline as { healthStatus?: HealthStatus } | null;
  return {
    id: row.id,
    stage,
    stageLabel: relocationStageLabels[stage],
    atRisk: row.atRisk,
    site: siteView(row.site),
    villageCode: row.villageCode,
    villageName: nameOf(row.villageCode),
    townCode: row.townCode,
    townName: nameOf(row.townCode),
    relocatedAt: row.relocatedAt,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    overdue: openTasks.some((t) => t.overdue),
    household: {
      id: row.household.id,
      headName: row.household.headName,
      // Masked for everyone here (src/domain/personal-data.ts).
      ...maskedPersonalData(row.household),
      memberCount: row.household.memberCount,
      laborCapacity,
      laborCapacityLabel: laborCapacityLabels[laborCapacity] ?? laborCapacity,
    },
    baseline: baseline && {
      ...(baseline as Record<string, unknown>),
      healthStatusLabel: baseline.healthStatus ? healthStatusLabels[baseline.healthStatus] : null,
      recordedAt: row.baselineAt?.toISOString() ?? null,
    },
    /** Whether each target is met today (Beijing time); a household without labour capacity has none and says so. */
    targets: {
      asOf: today,
      safetyNetOnly: targets.safetyNetOnly,
      note: targets.safetyNetOnly ? safetyNetNote : null,
      employment: targets.employment,
      project: targets.project,
      /** Both met continuously since (the stable period's start); null while one is unmet. */
      metSince: row.metSince?.toISOString() ?? null,
    },
    employment: employment.map((e) => ({
      id: e.id,
      memberName: e.memberName,
      employer: e.employer,
      industry: e.industry,
      monthlyPay: Number(e.monthlyPay),
      startDate: e.startDate,
      endDate: e.endDate,
      current: e.startDate <= today && (!e.endDate || e.endDate > today),
    })),
    projects: projects.map((p) => ({
      id: p.id,
      name: p.name,
      type: p.type,
      typeLabel: projectTypeLabels[p.type as ProjectType] ?? p.type,
      startDate: p.startDate,
      expectedYearlyIncome: p.expectedYearlyIncome === null ? null : Number(p.expectedYearlyIncome),
    })),
    /** The latest visits, newest first. */
    visits: visits.map((v) => ({
      id: v.id,
      at: v.at.toISOString(),
      atRisk: v.atRisk,
      riskTypes: v.riskTypes.map((code) => ({ code, label: riskTypeLabels[code as RiskType] ?? code })),
      perCapitaIncome: Number(v.perCapitaIncome),
      monitoringCaseId: v.monitoringCaseId,
      referred: v.referred,
    })),
    openTasks,
    timeline: timeline.map((e) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      label: timelineLabels[e.kind] ?? e.kind,
      step: e.step,
      stepLabel: e.step ? (relocationStepLabels[e.step as RelocationStep] ?? e.step) : null,
      actor: e.actorName,
      decision: e.decision,
      decisionLabel: e.decision ? (relocationProcess.vocabulary.labels[e.decision] ?? e.decision) : null,
      comment: e.comment,
      fromStage: e.fromStage,
      toStage: e.toStage,
    })),
    /** The monitoring case a visit referred the household into (or added its finding to). */
    monitoringCaseId: row.monitoringCaseId,
  };
}
export type RelocationView = NonNullable<Awaited<ReturnType<typeof loadRelocationView>>>;
