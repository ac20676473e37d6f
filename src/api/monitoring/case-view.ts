import { maskedPersonalData, maskPersonalDataInText } from '../../domain/personal-data';
import {
  categoryLabels,
  channelLabels,
  laborCapacityLabels,
  riskTypeLabels,
  identifiedStages,
  stageLabels,
  type Category,
  type Channel,
  type LaborCapacity,
  type RiskType,
  type Stage,
} from '../../domain/monitoring/case';
import { followUpStages } from '../../domain/monitoring/elimination';
import type { PrismaClient } from '../../generated/prisma/client';
import { measureTypeLabels, type MeasureType } from '../../domain/monitoring/assistance';
import { monitoringProcess, stepLabels } from '../../domain/monitoring/process';
import { createProcessRegistry } from '../../domain/tasks/process';
import { taskView } from '../tasks/task-view';
import { departmentAlertView } from '../imports/alert-view';
import { exitReadiness } from './exit-readiness';
import { caseAttachments } from '../attachments/case-attachments';

/** The case page's tasks are all monitoring's. */
const monitoringTasks = createProcessRegistry([monitoringProcess]);

const measureStatusLabels: Record<string, string> = { PLANNED: '待落实', DELIVERED: '已落实', NOT_DELIVERED: '未能落实' };

const timelineLabels: Record<string, string> = {
  VISIT_RECORDED: '定期走访',
  MEASURE_PLANNED: '制定帮扶措施',
  CASE_CREATED: '登记线索',
  TASK_DECIDED: '办理',
  TASK_CLAIMED: '认领任务',
  TASK_OVERDUE: '逾期提醒',
  TASK_ESCALATED: '逾期上报督办',
  OBJECTION_FILED: '登记公示异议',
  POSTING_ENDED: '公示期满',
  IDENTIFICATION_OVERDUE: '认定超过时限',
  EXIT_PROPOSED: '申请风险消除',
  ROLLED_BACK: '风险消除回退',
  ANNUAL_REVIEW_OPENED: '年度集中排查',
  POLICY_APPLIED: '调整适用政策版本',
  DEPARTMENT_ALERT: '部门筛查预警',
  ATTACHMENT_UPLOADED: '上传佐证材料',
  RELOCATION_EVIDENCE: '易地搬迁后续扶持走访发现',
};

/** A case as the API shows it: labels in Chinese, the ID number masked, open tasks and the timeline. */
export async function loadCaseView(db: PrismaClient, caseId: string, now = new Date()) {
  const row = await db.monitoringCase.findUnique({ where: { id: caseId }, include: { household: true } });
  if (!row) return null;
  const [measures, visits] = await Promise.all([
    db.measure.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
    db.followUpVisit.findMany({ where: { caseId }, orderBy: { at: 'desc' }, take: 12 }),
  ]);
  const [tasks, timeline, places, alerts, relocation] = await Promise.all([
    db.task.findMany({ where: { caseId, status: 'OPEN' }, orderBy: { openedAt: 'asc' } }),
    db.timelineEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    db.jurisdiction.findMany({ where: { code: { in: [row.villageCode, row.townCode] } }, select: { code: true, name: true } }),
    db.departmentAlert.findMany({ where: { caseId }, orderBy: [{ alertDate: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] }),
    db.relocationCase.findFirst({ where: { monitoringCaseId: caseId }, select: { id: true } }),
  ]);
  const nameOf = (code: string) => places.find((p) => p.code === code)?.name ?? null;
  const files = await caseAttachments(db, { process: 'monitoring', caseId });
  const stage = row.stage as Stage;
  const exit = stage === 'MONITORED' ? await exitReadiness(db, row, now) : null;
  const openTasks = tasks.map((t) => taskView(t, now, monitoringTasks));
  return {
    id: row.id,
    stage,
    stageLabel: stageLabels[stage],
    category: row.category,
    categoryLabel: categoryLabels[row.category as Category],
    channel: row.channel,
    channelLabel: channelLabels[row.channel as Channel],
    riskTypes: row.riskTypes.map((code) => ({ code, label: riskTypeLabels[code as RiskType] })),
    villageCode: row.villageCode,
    villageName: nameOf(row.villageCode),
    townCode: row.townCode,
    townName: nameOf(row.townCode),
    policyVersion: row.policyVersion,
    /** While monitored: whether 风险消除 may be proposed now, and every reason it may not. */
    exitReadiness: exit,
    discoveredAt: row.discoveredAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    overdue: openTasks.some((t) => t.overdue),
    postingEndsAt: row.postingEndsAt?.toISOString() ?? null,
    identificationDueAt: row.identificationDueAt.toISOString(),
    /** Every running clock on the case, soonest first: the whole identification, the posting, each open task. */
    clocks: [
      ...(identifiedStages.includes(stage) || followUpStages.includes(stage) ? [] : [{ name: '认定时限', endsAt: row.identificationDueAt.toISOString(), overdue: row.identificationDueAt <= now }]),
      ...((stage === 'PUBLIC_POSTING' || stage === 'EXIT_POSTING') && row.postingEndsAt ? [{ name: '公示期', endsAt: row.postingEndsAt.toISOString(), overdue: false }] : []),
      ...openTasks.map((t) => ({ name: `${t.stepLabel}办理期限`, endsAt: t.dueAt, overdue: t.overdue })),
    ].sort((a, b) => a.endsAt.localeCompare(b.endsAt)),
    household: {
      id: row.household.id,
      headName: row.household.headName,
      // Masked here whoever asks: the whole numbers are GET …/personal-data's (src/domain/personal-data.ts).
      ...maskedPersonalData(row.household),
      memberCount: row.household.memberCount,
      laborCapacity: row.household.laborCapacity,
      laborCapacityLabel: laborCapacityLabels[row.household.laborCapacity as LaborCapacity],
      perCapitaIncome: Number(row.household.perCapitaIncome),
    },
    openTasks,
    /** The relocation follow-up case that referred the household here (or added a finding), if any. */
    relocationId: relocation?.id ?? null,
    /** 部门筛查预警 added to the case, oldest first. */
    alerts: alerts.map(departmentAlertView),
    measures: measures.map((m) => ({
      id: m.id,
      type: m.type,
      label: measureTypeLabels[m.type as MeasureType] ?? m.type,
      department: m.department,
      startDate: m.startDate,
      endDate: m.endDate,
      monthlyAmount: m.monthlyAmount === null ? null : Number(m.monthlyAmount),
      status: m.status,
      statusLabel: measureStatusLabels[m.status] ?? m.status,
    })),
    /** The latest visits, newest first. */
    visits: visits.map((v) => ({ at: v.at.toISOString(), perCapitaIncome: Number(v.perCapitaIncome), unresolvedSpending: v.unresolvedSpending, guaranteesSecure: v.guaranteesSecure })),
    /** 佐证材料 of the case, oldest first (download: GET …/attachments/:attachmentId). */
    attachments: files.list,
    timeline: [
      ...timeline.map((e) => ({ ...e, attachments: files.byDecision.get(e.id) ?? [] })),
      // Uploads are the API's, not the workflow's: shown from the attachments themselves, not written to the timeline table.
      ...files.list.map((a) => ({ id: `attachment:${a.id}`, at: new Date(a.uploadedAt), kind: 'ATTACHMENT_UPLOADED', step: null, actorName: a.uploadedBy, decision: null, comment: a.name, fromStage: null, toStage: null, attachments: [a] })),
    ]
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
      .map((e) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      label: timelineLabels[e.kind] ?? e.kind,
      step: e.step,
      stepLabel: e.step ? (stepLabels[e.step as keyof typeof stepLabels] ?? e.step) : null,
      actor: e.actorName,
      decision: e.decision,
      decisionLabel: e.decision ? (monitoringProcess.vocabulary.labels[e.decision] ?? e.decision) : null,
      // People type numbers into comments; the view masks them as it masks the household's own.
      comment: e.comment === null ? null : maskPersonalDataInText(e.comment),
      fromStage: e.fromStage,
      toStage: e.toStage,
      /** The evidence files this entry added or cited (an upload; a decision's attachmentIds). */
      attachments: e.attachments,
    })),
  };
}
