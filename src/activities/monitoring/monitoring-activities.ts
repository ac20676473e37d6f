import { closedStages, monitoringWorkflowId, type Stage } from '../../domain/monitoring/case';
import type { DecisionRequest, HumanTask } from '../../domain/tasks/task';
import type { MonitoringCaseInput } from '../../workflows/monitoring/monitoring-case';
import type { ActivityDeps } from '../deps';
import { openTaskRow } from '../tasks/task-activities';

const process = 'monitoring';

export function createMonitoringActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Mirrors a new case with its first task. Idempotent: a retry finds the rows and changes nothing. */
    async registerMonitoringCase({
      input,
      stage,
      policyVersion,
      task,
    }: {
      input: MonitoringCaseInput;
      stage: Stage;
      policyVersion: number;
      task: HumanTask;
    }): Promise<void> {
      const workflowId = monitoringWorkflowId(input.householdId);
      const ref = { process, caseId: input.caseId };
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
            createdById: input.createdBy.userId,
            discoveredAt: new Date(input.discoveredAt),
          },
        }),
        db.task.upsert({ where: { id: task.id }, update: {}, create: openTaskRow(ref, workflowId, task) }),
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

    /** Closes the decided task, moves the case, opens the next task: one transaction, idempotent by task id. */
    async recordMonitoringDecision({
      caseId,
      task,
      request,
      at,
      fromStage,
      toStage,
      nextTask,
    }: {
      caseId: string;
      task: HumanTask;
      request: DecisionRequest;
      at: number;
      fromStage: Stage;
      toStage: Stage;
      nextTask: HumanTask | null;
    }): Promise<void> {
      const when = new Date(at);
      const row = await db.monitoringCase.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true } });
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
        db.timelineEvent.createMany({
          data: [
            {
              id: `${task.id}:decided`,
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
          data: { stage: toStage, closedAt: closedStages.includes(toStage) ? when : null },
        }),
        ...(nextTask
          ? [db.task.upsert({ where: { id: nextTask.id }, update: {}, create: openTaskRow({ process, caseId }, row.workflowId, nextTask) })]
          : []),
      ]);
    },
  };
}
