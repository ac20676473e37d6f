import { closedStages, monitoringWorkflowId, stageLabels, type Stage } from '../../domain/monitoring/case';
import { monitoredStages } from '../../domain/monitoring/elimination';
import type { Actor } from '../../domain/roles';
import { decisionEventId, type DecisionRequest, type HumanTask } from '../../domain/tasks/task';
import type { Visit } from '../../domain/monitoring/schemas';
import type { MeasureRecord, MonitoringCaseInput } from '../../workflows/monitoring/monitoring-case';
import type { ActivityDeps } from '../deps';
import { caseLines } from '../mail/case-link';
import { beijingTime, sendOnce } from '../mail/notifications';
import { openTaskRow } from '../tasks/task-activities';

const process = 'monitoring';

export function createMonitoringActivities({ db, mailer, publicUrl }: ActivityDeps) {
  const workflowIdOf = async (caseId: string) =>
    (await db.monitoringCase.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true } })).workflowId;
  const openRow = (caseId: string, workflowId: string, task: HumanTask) =>
    db.task.upsert({ where: { id: task.id }, update: {}, create: openTaskRow({ process, caseId }, workflowId, task) });

  return {
    /** Mirrors a new case with its first tasks. Idempotent: a retry finds the rows and changes nothing. */
    async registerMonitoringCase({
      input,
      stage,
      policyVersion,
      tasks,
      identificationDueAt,
    }: {
      input: MonitoringCaseInput;
      stage: Stage;
      policyVersion: number;
      tasks: HumanTask[];
      identificationDueAt: number;
    }): Promise<void> {
      const workflowId = monitoringWorkflowId(input.householdId);
      await db.$transaction([
        db.monitoringCase.upsert({
          where: { id: input.caseId },
          update: {},
          create: {
            id: input.caseId,
            workflowId,
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
        }),
        ...tasks.map((task) => openRow(input.caseId, workflowId, task)),
        db.timelineEvent.createMany({
          data: [
            {
              id: `${input.caseId}:created`,
              caseId: input.caseId,
              at: new Date(input.discoveredAt),
              kind: 'CASE_CREATED',
              actorId: input.createdBy.userId,
              actorName: input.createdBy.username,
              toStage: stage,
            },
          ],
          skipDuplicates: true,
        }),
      ]);
    },

    /** Closes the decided task, moves the case, opens the next task, cancels what is moot: one transaction, idempotent by task id. */
    async recordMonitoringDecision({
      caseId,
      task,
      request,
      at,
      fromStage,
      toStage,
      nextTask,
      cancelled,
      postingEndsAt,
      measure,
    }: {
      caseId: string;
      task: HumanTask;
      request: DecisionRequest;
      at: number;
      fromStage: Stage;
      toStage: Stage;
      nextTask: HumanTask | null;
      cancelled: string[];
      postingEndsAt: number | null;
      /** A delivery decision settles its measure. */
      measure?: { id: string; status: MeasureRecord['status'] };
    }): Promise<void> {
      const when = new Date(at);
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        db.task.update({
          where: { id: task.id },
          data: {
            status: 'COMPLETED',
            decision: request.decision,
            comment: request.comment ?? null,
            completedById: request.actor.userId,
            assigneeId: request.actor.userId,
            completedAt: when,
          },
        }),
        db.task.updateMany({ where: { id: { in: cancelled }, status: 'OPEN' }, data: { status: 'CANCELLED', completedAt: when } }),
        db.timelineEvent.createMany({
          data: [
            {
              id: decisionEventId(task.id),
              caseId,
              at: when,
              kind: 'TASK_DECIDED',
              step: task.step,
              actorId: request.actor.userId,
              actorName: request.actor.username,
              decision: request.decision,
              comment: request.comment ?? null,
              fromStage,
              toStage,
            },
          ],
          skipDuplicates: true,
        }),
        db.monitoringCase.update({
          where: { id: caseId },
          data: {
            stage: toStage,
            closedAt: closedStages.includes(toStage) ? when : null,
            ...(postingEndsAt !== null && { postingEndsAt: new Date(postingEndsAt) }),
          },
        }),
        ...(nextTask ? [openRow(caseId, workflowId, nextTask)] : []),
        ...(measure ? [db.measure.update({ where: { id: measure.id }, data: { status: measure.status, decidedAt: when } })] : []),
      ]);
    },

    /** The case is monitored: its first follow-up visit is due. */
    async recordFollowUpStarted({ caseId, task }: { caseId: string; task: HumanTask }) {
      await openRow(caseId, await workflowIdOf(caseId), task);
    },

    /** A follow-up visit: what was found, the visit task it completes, the next one. Idempotent by visit id. */
    async recordFollowUpVisit({
      caseId,
      visitId,
      visit,
      actor,
      at,
      completedTaskId,
      nextTask,
    }: {
      caseId: string;
      visitId: string;
      visit: Visit;
      actor: Actor;
      at: number;
      completedTaskId: string | null;
      nextTask: HumanTask;
    }) {
      const when = new Date(at);
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        db.followUpVisit.upsert({
          where: { id: visitId },
          update: {},
          create: { id: visitId, caseId, at: when, actorId: actor.userId, perCapitaIncome: visit.perCapitaIncome, unresolvedSpending: visit.unresolvedSpending, guaranteesSecure: visit.guaranteesSecure, note: visit.note ?? null },
        }),
        ...(completedTaskId
          ? [db.task.updateMany({ where: { id: completedTaskId, status: 'OPEN' }, data: { status: 'COMPLETED', completedById: actor.userId, assigneeId: actor.userId, completedAt: when } })]
          : []),
        openRow(caseId, workflowId, nextTask),
        db.timelineEvent.createMany({
          data: [{ id: `${visitId}:visited`, caseId, at: when, kind: 'VISIT_RECORDED', step: 'VISIT', actorId: actor.userId, actorName: actor.username }],
          skipDuplicates: true,
        }),
      ]);
    },

    /** New measures of the plan and their delivery tasks. Idempotent by measure and task id. */
    async recordMeasures({ caseId, measures, tasks, actor, at }: { caseId: string; measures: MeasureRecord[]; tasks: HumanTask[]; actor: Actor; at: number }) {
      const when = new Date(at);
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        db.measure.createMany({
          data: measures.map((m) => ({
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
            createdById: actor.userId,
            createdAt: when,
          })),
          skipDuplicates: true,
        }),
        ...tasks.map((task) => openRow(caseId, workflowId, task)),
        db.timelineEvent.createMany({
          data: measures.map((m) => ({ id: `${m.id}:planned`, caseId, at: when, kind: 'MEASURE_PLANNED', step: 'MEASURE_DELIVERY', actorId: actor.userId, actorName: actor.username, comment: m.type })),
          skipDuplicates: true,
        }),
      ]);
    },

    /** An objection during posting: its resolution task and the timeline entry. */
    async recordObjection({ caseId, task, content, actor, at }: { caseId: string; task: HumanTask; content: string; actor: Actor; at: number }) {
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        openRow(caseId, workflowId, task),
        db.timelineEvent.createMany({
          data: [{ id: `${task.id}:filed`, caseId, at: new Date(at), kind: 'OBJECTION_FILED', step: 'OBJECTION', actorId: actor.userId, actorName: actor.username, comment: content }],
          skipDuplicates: true,
        }),
      ]);
    },

    /** Posting is over with nothing outstanding: the town review opens (the identification's, or the exit's). */
    async recordPostingEnded({
      caseId,
      at,
      nextTask,
      fromStage = 'PUBLIC_POSTING',
      toStage = 'TOWN_REVIEW',
    }: {
      caseId: string;
      at: number;
      nextTask: HumanTask;
      fromStage?: Stage;
      toStage?: Stage;
    }) {
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        openRow(caseId, workflowId, nextTask),
        db.timelineEvent.createMany({
          data: [{ id: `${nextTask.id}:posting-ended`, caseId, at: new Date(at), kind: 'POSTING_ENDED', fromStage, toStage }],
          skipDuplicates: true,
        }),
        db.monitoringCase.update({ where: { id: caseId }, data: { stage: toStage } }),
      ]);
    },

    /** 风险消除 proposed: the exit's home visit opens. Idempotent by task id. */
    async recordExitProposed({ caseId, at, actor, reason, task }: { caseId: string; at: number; actor: Actor; reason: string; task: HumanTask }) {
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        openRow(caseId, workflowId, task),
        db.timelineEvent.createMany({
          data: [{ id: `${task.id}:exit-proposed`, caseId, at: new Date(at), kind: 'EXIT_PROPOSED', actorId: actor.userId, actorName: actor.username, comment: reason, fromStage: 'MONITORED', toStage: 'EXIT_VISIT' }],
          skipDuplicates: true,
        }),
        db.monitoringCase.update({ where: { id: caseId }, data: { stage: 'EXIT_VISIT' } }),
      ]);
    },

    /** 回退: monitored again, the recheck visit replaced by a monthly one. Idempotent by the new visit task's id. */
    async recordRollback({
      caseId,
      at,
      actor,
      reason,
      cancelled,
      nextTask,
    }: {
      caseId: string;
      at: number;
      actor: Actor;
      reason: string;
      cancelled: string[];
      nextTask: HumanTask;
    }) {
      const when = new Date(at);
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        db.task.updateMany({ where: { id: { in: cancelled }, status: 'OPEN' }, data: { status: 'CANCELLED', completedAt: when } }),
        openRow(caseId, workflowId, nextTask),
        db.timelineEvent.createMany({
          data: [{ id: `${nextTask.id}:rolled-back`, caseId, at: when, kind: 'ROLLED_BACK', actorId: actor.userId, actorName: actor.username, comment: reason, fromStage: 'RISK_ELIMINATED', toStage: 'MONITORED' }],
          skipDuplicates: true,
        }),
        db.monitoringCase.update({ where: { id: caseId }, data: { stage: 'MONITORED' } }),
      ]);
    },

    /** 集中排查: the year's review task of a monitored household. Idempotent by task id. */
    async recordAnnualReviewOpened({ caseId, task, year, at }: { caseId: string; task: HumanTask; year: number; at: number }) {
      const workflowId = await workflowIdOf(caseId);
      await db.$transaction([
        openRow(caseId, workflowId, task),
        db.timelineEvent.createMany({
          data: [{ id: `${task.id}:annual-review`, caseId, at: new Date(at), kind: 'ANNUAL_REVIEW_OPENED', step: 'ANNUAL_REVIEW', comment: `${year}年度集中排查` }],
          skipDuplicates: true,
        }),
      ]);
    },

    /** The case now follows another policy version. Idempotent by case, version pair and time. */
    async recordPolicyApplied({ caseId, from, to, actor, at }: { caseId: string; from: number; to: number; actor: Actor; at: number }) {
      await db.$transaction([
        db.monitoringCase.update({ where: { id: caseId }, data: { policyVersion: to } }),
        db.timelineEvent.createMany({
          data: [{ id: `${caseId}:policy:${from}-${to}:${at}`, caseId, at: new Date(at), kind: 'POLICY_APPLIED', actorId: actor.userId, actorName: actor.username, comment: `政策设置由第${from}版调整为第${to}版` }],
          skipDuplicates: true,
        }),
      ]);
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
            ...(await caseLines(db, publicUrl, caseId)),
          ].join('\n'),
        },
      );
    },
  };
}
