import type { CooperationChange, CooperationTaskDef } from '../../domain/cooperation/messages';
import { cooperationPlanWorkflowId, cooperationTaskWorkflowId } from '../../domain/cooperation/plan';
import type { Transition } from '../../domain/tasks/messages';
import type { ActivityDeps } from '../deps';
import type { CaseWriter } from '../tasks/task-activities';

/**
 * 协作帮扶's part of a recorded step: its plan, target, task and report rows, in the kit's transaction. Idempotent:
 * creations are upserts keyed by id, updates set values (a retry sets the same ones).
 */
export const writeCooperationChange: CaseWriter = async (tx, transition: Transition) => {
  const change = transition.change as CooperationChange;
  const when = new Date(transition.at);
  if (change.registerPlan) {
    const { input, stage } = change.registerPlan;
    await tx.cooperationPlan.upsert({
      where: { id: input.planId },
      update: {},
      create: {
        id: input.planId,
        workflowId: cooperationPlanWorkflowId(input.planId),
        partnerCode: input.partnerCode,
        year: input.year,
        agreedAt: input.agreedAt,
        stage,
        carryOverFrom: input.carryOverFrom ?? null,
        requestKey: input.requestKey ?? null,
        settings: input.settings as object,
        createdById: input.createdBy.userId,
        createdAt: when,
      },
    });
    await tx.cooperationPlanTarget.createMany({ data: input.targets.map((t, position) => ({ planId: input.planId, indicator: t.indicator, target: t.target, position })), skipDuplicates: true });
    await tx.cooperationTask.createMany({ data: input.tasks.map((t) => taskRow(input.planId, t, when)), skipDuplicates: true });
  }
  if (change.addTask) {
    await tx.cooperationTask.createMany({ data: [taskRow(change.addTask.planId, change.addTask.task, when)], skipDuplicates: true });
  }
  if (change.target) {
    const { planId, indicator, target } = change.target;
    const position = await tx.cooperationPlanTarget.count({ where: { planId } });
    await tx.cooperationPlanTarget.upsert({ where: { planId_indicator: { planId, indicator } }, update: { target }, create: { planId, indicator, target, position } });
  }
  if (change.reassignTask) {
    await tx.cooperationTask.update({ where: { id: change.reassignTask.taskId }, data: { responsibleUnit: change.reassignTask.responsibleUnit } });
  }
  if (change.report) {
    const r = change.report;
    await tx.cooperationReport.upsert({
      where: { id: r.id },
      update: {},
      create: { id: r.id, planId: r.planId, taskId: r.taskId, period: r.period, actuals: r.actuals, note: r.note, evidence: r.evidence ?? [], status: 'SUBMITTED', submittedById: r.submittedById, submittedAt: when },
    });
  }
  if (change.reportReview) {
    const r = change.reportReview;
    await tx.cooperationReport.update({ where: { id: r.id }, data: { status: r.status, reviewedById: r.reviewedById, reviewedAt: when, reviewComment: r.comment } });
  }
  if (change.selfAssessment) {
    await tx.cooperationTask.update({ where: { id: change.selfAssessment.taskId }, data: { finished: change.selfAssessment.finished } });
  }
  if (change.taskGrade) {
    await tx.cooperationTask.update({ where: { id: change.taskGrade.taskId }, data: { grade: change.taskGrade.grade } });
  }
  if (change.taskStage) {
    await tx.cooperationTask.update({ where: { id: change.taskStage.taskId }, data: { stage: change.taskStage.stage } });
  }
  if (change.planGrade) {
    await tx.cooperationPlan.update({ where: { id: change.planGrade.planId }, data: { grade: change.planGrade.grade } });
  }
  if (change.closing) {
    await tx.cooperationPlan.update({ where: { id: change.closing.planId }, data: { closing: change.closing.closing as object, closedAt: when } });
  }
  if (change.planStage) {
    await tx.cooperationPlan.update({ where: { id: change.planStage.planId }, data: { stage: change.planStage.stage } });
  }
};

function taskRow(planId: string, t: CooperationTaskDef, when: Date) {
  return {
    id: t.id,
    planId,
    workflowId: cooperationTaskWorkflowId(planId, t.id),
    title: t.title,
    category: t.category,
    responsibleUnit: t.responsibleUnit,
    dueDate: t.dueDate,
    indicators: t.indicators,
    stage: 'REPORTING',
    carriedFromTaskId: t.carriedFromTaskId ?? null,
    createdAt: when,
  };
}

/** The process's own activities: none yet; every step is recorded by the kit's recordTransition with the writer above. */
export function createCooperationActivities(_deps: ActivityDeps): Record<string, (...args: never[]) => Promise<unknown>> {
  return {};
}
