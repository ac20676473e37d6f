import { allHandlersFinished, ApplicationFailure, condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { durationMs } from '../../domain/duration';
import { ErrorCode } from '../../domain/errors';
import {
  dropTaskSignal,
  reassignTaskSignal,
  submitReportUpdate,
  taskProgressSignal,
  taskStateQuery,
  type CooperationChange,
  type CooperationDecisionResult,
  type CooperationTaskInput,
  type CooperationTaskResult,
} from '../../domain/cooperation/messages';
import { quarterStartAt, refusePeriod, yearEndAt, type ReportStatus, type TaskStage } from '../../domain/cooperation/plan';
import { cooperationTaskSpec, type CooperationStep } from '../../domain/cooperation/process';
import { cooperationOffice, responsibleUnitLabel } from '../../domain/cooperation/reference';
import type { Actor } from '../../domain/roles';
import { isWithin } from '../../domain/jurisdictions';
import { TaskBoard, type StepRecord } from '../tasks/task-board';

function refuse(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

interface ReportRecord {
  id: string;
  period: string;
  status: ReportStatus;
  actuals: Record<string, number>;
}

/** Whether `actor` acts for `unit`: an officer of its department, or a coordinator for the cooperation office. */
export function actsFor(actor: Actor, unit: string, district: string): boolean {
  if (!isWithin(district, actor.jurisdictionCode)) return false;
  return unit === cooperationOffice ? actor.role === 'COOPERATION_COORDINATOR' : actor.role === 'DEPARTMENT_OFFICER' && actor.department === unit;
}

/**
 * One task of a cooperation plan (a child of the plan's workflow) for its year: a quarterly report owed by its
 * responsible unit each quarter (due at the quarter's end, reminded ahead, escalated coordinator → district approver),
 * each report reviewed by a coordinator (accepted actuals roll up to the plan; a returned report is owed again); on the
 * year-end date the unit's self-assessment, then the coordinator's grade. Dropped or re-assigned by plan amendments.
 */
export async function cooperationTaskWorkflow(input: CooperationTaskInput): Promise<CooperationTaskResult> {
  const { planId, year, district, settings, task: def } = input;
  let unit = def.responsibleUnit;
  let stage: TaskStage = 'REPORTING';
  let dropped: { amendmentId: string } | null = null;
  const reassignments: { amendmentId: string; responsibleUnit: string }[] = [];
  const reports: ReportRecord[] = [];
  /** Open report tasks by period, and the report each review task is about. */
  const reportTaskOf = new Map<string, string>();
  const reviewOf = new Map<string, string>();
  let finished: boolean | null = null;
  let grade: string | null = null;
  const tasks = new TaskBoard<CooperationDecisionResult>({ process: 'cooperation', caseId: def.id }, { escalationAfterMs: durationMs(settings.escalationAfter) });

  setHandler(taskStateQuery, () => ({ taskId: def.id, stage, responsibleUnit: unit, reports: reports.map((r) => ({ ...r })), openTasks: tasks.openTasks() }));
  setHandler(dropTaskSignal, (s) => {
    dropped = s;
  });
  setHandler(reassignTaskSignal, (s) => {
    reassignments.push(s);
  });

  const specFor = (step: CooperationStep, submitterId: string | null) => cooperationTaskSpec(step, { district, submitterId, settings, now: Date.now(), unit });
  const record = (step: StepRecord<CooperationChange>) => tasks.record(step);
  const by = (actor: Actor) => ({ actorId: actor.userId, actorName: actor.username });
  const openReport = (period: string) => {
    const task = tasks.open(specFor('QUARTERLY_REPORT', null));
    reportTaskOf.set(period, task.id);
    return task;
  };

  setHandler(
    submitReportUpdate,
    async ({ period, actuals, note, evidence, actor }) => {
      if (stage !== 'REPORTING') refuse(ErrorCode.CONFLICT, '该任务已进入年终评定或已取消，不能再报送季度报告');
      if (reports.some((r) => r.period === period && r.status !== 'RETURNED')) refuse(ErrorCode.CONFLICT, `${period}的报告已报送`);
      const at = Date.now();
      const owed = reportTaskOf.get(period);
      if (owed) {
        tasks.complete(owed, actor.userId);
        reportTaskOf.delete(period);
      }
      const reportId = `${def.id}.r${reports.length + 1}`;
      const review = tasks.open(specFor('REPORT_REVIEW', actor.userId));
      reviewOf.set(review.id, reportId);
      reports.push({ id: reportId, period, status: 'SUBMITTED', actuals: { ...actuals } });
      await record({
        at,
        timeline: [{ id: `${reportId}:submitted`, at, kind: 'REPORT_SUBMITTED', step: 'QUARTERLY_REPORT', ...by(actor), comment: note ? `${period}：${note}` : period }],
        audit: [
          {
            action: 'cooperation.report',
            actor: { userId: actor.userId, role: actor.role },
            target: { type: 'CooperationTask', id: def.id },
            after: { planId, reportId, period, actuals, note: note ?? null, ...(evidence?.length && { evidence }) },
            key: `cooperation.report:${reportId}`,
          },
        ],
        change: { report: { id: reportId, planId, taskId: def.id, period, actuals, note: note ?? null, ...(evidence?.length && { evidence }), submittedById: actor.userId } },
      });
      return { reportId, reviewTaskId: review.id, period };
    },
    {
      validator: ({ period, actuals, actor }) => {
        if (stage !== 'REPORTING' || Date.now() >= yearEndAt(year, settings)) refuse(ErrorCode.CONFLICT, '该任务已进入年终评定或已取消，不能再报送季度报告');
        if (!actsFor(actor, unit, district)) refuse(ErrorCode.FORBIDDEN, `季度报告须由责任单位（${responsibleUnitLabel(unit)}）报送`);
        const bad = refusePeriod(period, year, Date.now());
        if (bad) throw ApplicationFailure.create({ type: ErrorCode.VALIDATION, message: bad, nonRetryable: true, details: ['period'] });
        const foreign = Object.keys(actuals).filter((code) => !def.indicators.includes(code));
        if (foreign.length) refuse(ErrorCode.VALIDATION, `该任务不涉及指标 ${foreign.join('、')}，可报告：${def.indicators.join('、')}`);
        const earlier = reports.find((r) => r.period === period && r.status !== 'RETURNED');
        if (earlier) refuse(ErrorCode.CONFLICT, `${period}的报告已报送（${earlier.status === 'ACCEPTED' ? '已采纳' : '待审核'}），不能重复报送`);
      },
    },
  );

  // The quarters: the one under way opens now (a plan agreed in February owes Q1 at once), later ones at their start.
  // A second after it, so the new quarter's timer never fires at the instant the last quarter's report falls due (its
  // reminder timer): the time-skipping server was seen to fail a workflow task that completed and cancelled both.
  const opensAt = (quarter: number) => quarterStartAt(year, quarter) + 1000;
  let nextQuarter = 1;
  while (nextQuarter <= 4 && opensAt(nextQuarter) <= Date.now()) nextQuarter++;
  const yearEnd = yearEndAt(year, settings);
  if (nextQuarter > 1 && Date.now() < quarterStartAt(year + 1, 1)) openReport(`${year}Q${nextQuarter - 1}`);
  await record({ at: Date.now(), timeline: [{ id: `${def.id}:started`, at: Date.now(), kind: 'TASK_STARTED', comment: def.title, toStage: stage }], change: { taskStage: { taskId: def.id, stage } } });
  const clocks = tasks.runClocks();

  const result = (): CooperationTaskResult => ({ taskId: def.id, stage: stage as 'GRADED' | 'DROPPED', grade, finished });
  for (;;) {
    const nextAt = stage === 'REPORTING' ? (nextQuarter <= 4 ? opensAt(nextQuarter) : yearEnd) : null;
    const ready = () => tasks.hasPendingDecision() || dropped !== null || reassignments.length > 0;
    const wait = nextAt === null ? null : nextAt - Date.now();
    if (wait === null) await condition(ready);
    else if (wait > 0) await condition(ready, wait);

    if (dropped) {
      const at = Date.now();
      const voided = tasks.takeDecisionsWhere(() => true).map((p) => p.task.id);
      for (const open of tasks.openTasks()) tasks.cancel(open.id);
      voided.forEach((id) => tasks.cancel(id));
      const from = stage;
      stage = 'DROPPED';
      await record({ at, timeline: [{ id: `${def.id}:dropped`, at, kind: 'TASK_DROPPED', comment: `计划调整（${dropped.amendmentId}）取消该任务`, fromStage: from, toStage: stage }], change: { taskStage: { taskId: def.id, stage } } });
      voided.forEach((id) => tasks.settle(id, { caseId: def.id, stage }));
      break;
    }
    const reassignment = reassignments.shift();
    if (reassignment) {
      const at = Date.now();
      const from = unit;
      unit = reassignment.responsibleUnit;
      // The unit's open steps move to the new unit, as they are (a report owed stays owed for its period).
      for (const open of tasks.openTasks()) {
        if (open.step !== 'QUARTERLY_REPORT' && open.step !== 'SELF_ASSESSMENT') continue;
        tasks.cancel(open.id);
        const period = [...reportTaskOf].find(([, id]) => id === open.id)?.[0];
        if (period) openReport(period);
        else tasks.open(specFor(open.step, null));
      }
      await record({
        at,
        timeline: [{ id: `${reassignment.amendmentId}:reassigned`, at, kind: 'TASK_REASSIGNED', comment: `责任单位由${responsibleUnitLabel(from)}调整为${responsibleUnitLabel(unit)}` }],
        change: { reassignTask: { taskId: def.id, responsibleUnit: unit } },
      });
      continue;
    }
    if (!tasks.hasPendingDecision()) {
      if (nextAt === null || Date.now() < nextAt) continue;
      const at = Date.now();
      if (nextQuarter <= 4) {
        const period = `${year}Q${nextQuarter}`;
        nextQuarter++;
        const task = openReport(period);
        await record({ at, timeline: [{ id: `${task.id}:due`, at, kind: 'REPORT_OWED', step: 'QUARTERLY_REPORT', comment: `${period}季度进展报告` }] });
      } else {
        // 年终: reports still owed lapse; the unit assesses the year.
        for (const [, id] of reportTaskOf) tasks.cancel(id);
        reportTaskOf.clear();
        tasks.open(specFor('SELF_ASSESSMENT', null));
        stage = 'SELF_ASSESSMENT';
        await record({ at, timeline: [{ id: `${def.id}:year-end`, at, kind: 'YEAR_END_OPENED', fromStage: 'REPORTING', toStage: stage }], change: { taskStage: { taskId: def.id, stage } } });
      }
      continue;
    }

    const decided = tasks.takeDecision();
    const { task, request, at } = decided;
    const fromStage = stage;
    if (task.step === 'REPORT_REVIEW') {
      const report = reports.find((r) => r.id === reviewOf.get(task.id))!;
      report.status = request.decision === 'accept' ? 'ACCEPTED' : 'RETURNED';
      // A returned report is owed again, while reports are.
      if (report.status === 'RETURNED' && stage === 'REPORTING') openReport(report.period);
      await record({
        at,
        decided: { task, request, fromStage, toStage: stage },
        change: { reportReview: { id: report.id, status: report.status, reviewedById: request.actor.userId, comment: request.comment ?? null } },
      });
      if (report.status === 'ACCEPTED') {
        await getExternalWorkflowHandle(input.planWorkflowId).signal(taskProgressSignal, { taskId: def.id, kind: 'ACCEPTED', reportId: report.id, period: report.period, actuals: report.actuals });
      }
      tasks.settle(task.id, { caseId: def.id, stage });
    } else if (task.step === 'SELF_ASSESSMENT') {
      finished = request.decision === 'DONE';
      stage = 'GRADING';
      tasks.open(specFor('GRADING', request.actor.userId));
      await record({ at, decided: { task, request, fromStage, toStage: stage }, change: { selfAssessment: { taskId: def.id, finished, comment: request.comment ?? null }, taskStage: { taskId: def.id, stage } } });
      await getExternalWorkflowHandle(input.planWorkflowId).signal(taskProgressSignal, { taskId: def.id, kind: 'SELF_ASSESSED', finished });
      tasks.settle(task.id, { caseId: def.id, stage });
    } else if (task.step === 'GRADING') {
      grade = request.decision;
      stage = 'GRADED';
      // Reviews still open are moot once the year is graded.
      const voided = tasks.takeDecisionsWhere(() => true).map((p) => p.task.id);
      for (const open of tasks.openTasks()) tasks.cancel(open.id);
      voided.forEach((id) => tasks.cancel(id));
      await record({ at, decided: { task, request, fromStage, toStage: stage }, change: { taskGrade: { taskId: def.id, grade }, taskStage: { taskId: def.id, stage } } });
      for (const id of [task.id, ...voided]) tasks.settle(id, { caseId: def.id, stage });
      break;
    }
  }
  await condition(allHandlersFinished);
  void clocks;
  return result();
}
