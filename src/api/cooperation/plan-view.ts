import { planReadScope, type PlanScope } from '../../domain/cooperation/access';
import type { PlanClosing } from '../../domain/cooperation/messages';
import { cooperationStageLabels, reportStatusLabels, rollUp, type ReportStatus } from '../../domain/cooperation/plan';
import { partnerKindLabels, responsibleUnitLabel, taskCategoryLabels, type PartnerKind, type TaskCategory } from '../../domain/cooperation/reference';
import type { Actor } from '../../domain/roles';
import { gradeVocabulary, type ProcessRegistry } from '../../domain/tasks/process';
import type { PrismaClient } from '../../generated/prisma/client';
import { taskView } from '../tasks/task-view';

/** A plan as the API shows it, read from the read model; the roll-up is computed from the accepted reports. */

const stageLabel = (stage: string) => cooperationStageLabels[stage as keyof typeof cooperationStageLabels] ?? stage;
const grades: Record<string, string> = gradeVocabulary.labels;

/** Whether the scope may see a plan whose tasks belong to these units. */
export function planVisible(scope: PlanScope, units: readonly string[]): boolean {
  return scope.all || units.includes(scope.department);
}

export async function loadPlanView(db: PrismaClient, planId: string, actor: Actor, processes: ProcessRegistry) {
  const scope = planReadScope(actor);
  const plan = await db.cooperationPlan.findUnique({
    where: { id: planId },
    include: { partner: true, targets: true, tasks: { include: { reports: { orderBy: { submittedAt: 'asc' } } }, orderBy: { createdAt: 'asc' } } },
  });
  if (!plan || !scope || !planVisible(scope, plan.tasks.map((t) => t.responsibleUnit))) return null;
  const indicators = await db.cooperationIndicator.findMany();
  const byCode = new Map(indicators.map((i) => [i.code, i]));
  const accepted = plan.tasks.flatMap((t) => t.reports.filter((r) => r.status === 'ACCEPTED').map((r) => r.actuals as Record<string, number>));
  const targetOrder = [...plan.targets].sort((a, b) => a.position - b.position);
  const visibleTasks = plan.tasks.filter((t) => scope.all || t.responsibleUnit === scope.department);
  const caseIds = [plan.id, ...visibleTasks.map((t) => t.id)];
  const [openTasks, timeline] = await Promise.all([
    db.task.findMany({ where: { caseId: { in: caseIds }, status: 'OPEN' }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
    db.timelineEvent.findMany({ where: { caseId: { in: caseIds } }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
  ]);
  const now = new Date();
  return {
    id: plan.id,
    partner: { code: plan.partner.code, name: plan.partner.name, kind: plan.partner.kind, kindLabel: partnerKindLabels[plan.partner.kind as PartnerKind] ?? plan.partner.kind },
    year: plan.year,
    agreedAt: plan.agreedAt,
    stage: plan.stage,
    stageLabel: stageLabel(plan.stage),
    grade: plan.grade,
    gradeLabel: plan.grade ? (grades[plan.grade] ?? plan.grade) : null,
    carryOverFrom: plan.carryOverFrom,
    createdAt: plan.createdAt.toISOString(),
    closedAt: plan.closedAt?.toISOString() ?? null,
    indicators: rollUp(
      targetOrder.map((t) => ({ indicator: t.indicator, target: t.target })),
      accepted,
    ).map((r) => ({ ...r, label: byCode.get(r.code)?.label ?? r.code, unit: byCode.get(r.code)?.unit ?? '' })),
    tasks: visibleTasks.map((t) => ({
      id: t.id,
      title: t.title,
      category: t.category,
      categoryLabel: taskCategoryLabels[t.category as TaskCategory] ?? t.category,
      responsibleUnit: t.responsibleUnit,
      responsibleUnitLabel: responsibleUnitLabel(t.responsibleUnit),
      dueDate: t.dueDate,
      indicators: t.indicators,
      stage: t.stage,
      stageLabel: stageLabel(t.stage),
      finished: t.finished,
      grade: t.grade,
      gradeLabel: t.grade ? (grades[t.grade] ?? t.grade) : null,
      carriedFromTaskId: t.carriedFromTaskId,
      reports: t.reports.map((r) => ({
        id: r.id,
        period: r.period,
        status: r.status,
        statusLabel: reportStatusLabels[r.status as ReportStatus] ?? r.status,
        actuals: r.actuals as Record<string, number>,
        note: r.note,
        evidence: r.evidence,
        submittedAt: r.submittedAt.toISOString(),
        reviewedAt: r.reviewedAt?.toISOString() ?? null,
        reviewComment: r.reviewComment,
      })),
    })),
    openTasks: openTasks.map((t) => taskView(t, now, processes)),
    timeline: timeline.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      kind: e.kind,
      taskId: e.caseId === plan.id ? null : e.caseId,
      step: e.step,
      stepLabel: e.step ? processes.stepLabel('cooperation', e.step) : null,
      actorName: e.actorName,
      decision: e.decision,
      decisionLabel: e.decision ? processes.decisionLabel('cooperation', e.decision, e.step ?? undefined) : null,
      comment: e.comment,
      fromStage: e.fromStage,
      toStage: e.toStage,
    })),
    closing: (plan.closing as PlanClosing | null) ?? null,
  };
}
export type PlanView = NonNullable<Awaited<ReturnType<typeof loadPlanView>>>;
