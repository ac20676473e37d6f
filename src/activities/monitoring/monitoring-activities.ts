import { closedStages, monitoringWorkflowId, stageLabels, type Stage } from '../../domain/monitoring/case';
import { monitoredStages } from '../../domain/monitoring/elimination';
import type { MonitoringChange, OpenCaseRequest, OpenCaseResult } from '../../domain/monitoring/messages';
import { openMonitoringCase } from './intake';
import type { Transition } from '../../domain/tasks/messages';
import type { ActivityDeps } from '../deps';
import { casePlace } from '../mail/case-link';
import { beijingTime, sendOnce } from '../mail/notifications';
import type { CaseWriter } from '../tasks/task-activities';

/**
 * The activity types monitoring cases recorded their steps with before the task kit. Their histories name them, so
 * the worker keeps them registered, each as `recordTransition` (the board of such a case records through them).
 */
export const legacyMonitoringRecorders = [
  'registerMonitoringCase',
  'recordMonitoringDecision',
  'recordObjection',
  'recordPostingEnded',
  'recordFollowUpStarted',
  'recordFollowUpVisit',
  'recordMeasures',
  'recordExitProposed',
  'recordRollback',
  'recordAnnualReviewOpened',
  'recordPolicyApplied',
] as const;

/** Monitoring's part of a recorded step: its case row, measures and visits, in the kit's transaction. Idempotent. */
export const writeMonitoringChange: CaseWriter = async (tx, transition: Transition) => {
  const change = transition.change as MonitoringChange;
  const { caseId, at } = transition;
  const when = new Date(at);
  if (change.register) {
    const { input, stage, policyVersion, identificationDueAt } = change.register;
    await tx.monitoringCase.upsert({
      where: { id: caseId },
      update: {},
      create: {
        id: caseId,
        workflowId: monitoringWorkflowId(input.householdId),
        householdId: input.householdId,
        category: input.category,
        channel: input.channel,
        riskTypes: input.riskTypes,
        note: input.note ?? null,
        stage,
        villageCode: input.villageCode,
        townCode: input.villageCode.slice(0, 9),
        policyVersion,
        identificationDueAt: new Date(identificationDueAt),
        createdById: input.createdBy.userId,
        discoveredAt: new Date(input.discoveredAt),
      },
    });
  }
  if (change.stage !== undefined || change.postingEndsAt !== undefined || change.policyVersion !== undefined) {
    await tx.monitoringCase.update({
      where: { id: caseId },
      data: {
        ...(change.stage !== undefined && { stage: change.stage, closedAt: closedStages.includes(change.stage) ? when : null }),
        ...(change.postingEndsAt !== undefined && { postingEndsAt: new Date(change.postingEndsAt) }),
        ...(change.policyVersion !== undefined && { policyVersion: change.policyVersion }),
      },
    });
  }
  if (change.measures) {
    const { records, createdById } = change.measures;
    await tx.measure.createMany({
      data: records.map((m) => ({
        id: m.id,
        caseId,
        type: m.type,
        department: m.department,
        startDate: m.startDate,
        endDate: m.endDate ?? null,
        monthlyAmount: m.monthlyAmount ?? null,
        beneficiaryGroup: m.beneficiaryGroup ?? null,
        note: m.note ?? null,
        status: m.status,
        taskId: m.taskId,
        createdById,
        createdAt: when,
      })),
      skipDuplicates: true,
    });
  }
  if (change.measureStatus) {
    await tx.measure.update({ where: { id: change.measureStatus.id }, data: { status: change.measureStatus.status, decidedAt: when } });
  }
  if (change.visit) {
    const { visitId, visit, actorId } = change.visit;
    await tx.followUpVisit.upsert({
      where: { id: visitId },
      update: {},
      create: { id: visitId, caseId, at: when, actorId, perCapitaIncome: visit.perCapitaIncome, unresolvedSpending: visit.unresolvedSpending, guaranteesSecure: visit.guaranteesSecure, note: visit.note ?? null },
    });
  }
};

export function createMonitoringActivities({ db, mailer, publicUrl, temporal }: ActivityDeps) {
  return {
    /**
     * Case intake from a workflow (another process refers a household into monitoring): the same intake as a
     * caseworker's report, idempotent by `intakeKey`; a refusal (the household already has an open case, say) is an
     * answer, not a failure, so the caller can add its evidence to that case instead.
     */
    async openMonitoringCase({ actor, body, discoveredAt, intakeKey }: OpenCaseRequest): Promise<OpenCaseResult> {
      if (!temporal) throw new Error('openMonitoringCase needs a Temporal client in the activity dependencies');
      return openMonitoringCase({ db, temporal }, actor, body, discoveredAt ? new Date(discoveredAt) : new Date(), intakeKey);
    },

    /** The monitored households' workflows, a page at a time in case-id order, for the yearly sweep. */
    async listMonitoredCases({ afterCaseId, limit }: { afterCaseId: string | null; limit: number }): Promise<{ caseId: string; workflowId: string }[]> {
      const rows = await db.monitoringCase.findMany({
        where: { stage: { in: [...monitoredStages] }, ...(afterCaseId && { id: { gt: afterCaseId } }) },
        orderBy: { id: 'asc' },
        take: limit,
        select: { id: true, workflowId: true },
      });
      return rows.map((r) => ({ caseId: r.id, workflowId: r.workflowId }));
    },

    /** The whole identification ran past its limit: the district approvers hear once. */
    async notifyIdentificationOverdue({ caseId, stage, dueAt }: { caseId: string; stage: Stage; dueAt: number }) {
      const [row, approvers] = await Promise.all([
        db.monitoringCase.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true, villageCode: true } }),
        db.user.findMany({ where: { role: 'DISTRICT_APPROVER', active: true }, select: { email: true } }),
      ]);
      const village = (await db.jurisdiction.findUnique({ where: { code: row.villageCode }, select: { name: true } }))?.name ?? row.villageCode;
      await db.timelineEvent.createMany({
        data: [{ id: `${caseId}:identification-overdue`, caseId, at: new Date(dueAt), kind: 'IDENTIFICATION_OVERDUE', comment: `认定超过时限，当前环节：${stageLabels[stage]}` }],
        skipDuplicates: true,
      });
      await sendOnce(
        { db, mailer },
        {
          idempotencyKey: `${row.workflowId}:${caseId}:identification-overdue`,
          kind: 'IDENTIFICATION_OVERDUE',
          caseId,
          to: approvers.map((a) => a.email),
          subject: `【AssistFlow 督办】${village}监测对象认定超过时限`,
          text: [
            '以下监测对象的识别认定已超过规定时限，请督促办理：',
            `当前环节：${stageLabels[stage]}`,
            `认定时限：${beijingTime(dueAt)}（北京时间）`,
            `所在村（社区）：${(await casePlace(db, caseId)) ?? row.villageCode}`,
            `案件编号：${caseId}`,
            `查看（请先登录）：${publicUrl}/cases/${caseId}`,
          ].join('\n'),
        },
      );
    },
  };
}
