import { allHandlersFinished, ApplicationFailure, condition, setHandler, startChild, upsertSearchAttributes, type ChildWorkflowHandle } from '@temporalio/workflow';
import { durationMs } from '../../domain/duration';
import { ErrorCode } from '../../domain/errors';
import {
  amendPlanUpdate,
  dropTaskSignal,
  planRegisteredUpdate,
  planStateQuery,
  reassignTaskSignal,
  taskProgressSignal,
  type Amendment,
  type CooperationChange,
  type CooperationDecisionResult,
  type CooperationPlanInput,
  type CooperationTaskDef,
  type CooperationTaskResult,
  type PlanClosing,
} from '../../domain/cooperation/messages';
import { cooperationPlanWorkflowId, cooperationTaskWorkflowId, rollUp, yearEndAt, type PlanStage, type TaskStage } from '../../domain/cooperation/plan';
import { cooperationTaskSpec } from '../../domain/cooperation/process';
import { responsibleUnitLabel } from '../../domain/cooperation/reference';
import { isWithin } from '../../domain/jurisdictions';
import type { Actor } from '../../domain/roles';
import { caseStageKey } from '../../temporal/search-attributes';
import { TaskBoard, type StepRecord } from '../tasks/task-board';
import { cooperationTaskWorkflow } from './cooperation-task';

export { amendPlanUpdate, planRegisteredUpdate, planStateQuery, submitReportUpdate, taskStateQuery } from '../../domain/cooperation/messages';

function refuse(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

interface TaskInfo {
  def: CooperationTaskDef;
  stage: TaskStage;
  grade: string | null;
  finished: boolean | null;
}

/** What an amendment says, in a line of the timeline. */
function amendmentText(a: Amendment, tasks: Map<string, TaskInfo>): string {
  switch (a.kind) {
    case 'ADD_TASK':
      return `新增任务“${a.task.title}”（${responsibleUnitLabel(a.task.responsibleUnit)}）`;
    case 'DROP_TASK':
      return `取消任务“${tasks.get(a.taskId)?.def.title ?? a.taskId}”`;
    case 'REASSIGN_TASK':
      return `任务“${tasks.get(a.taskId)?.def.title ?? a.taskId}”改由${responsibleUnitLabel(a.responsibleUnit)}负责`;
    case 'CHANGE_TARGET':
      return `指标 ${a.indicator} 目标调整为 ${a.target}`;
  }
}

/**
 * 协作帮扶年度计划: one per partner and year. Each task runs as a child workflow (quarterly reports, year-end
 * self-assessment and grade); accepted reports roll up into the plan's indicators; amendments add, drop or re-assign
 * tasks and change targets. After the year-end date, once every task is graded, the coordinator grades the plan and
 * the district approver signs it off; the plan closes with targets against actuals and its unfinished tasks listed.
 */
export async function cooperationPlanWorkflow(input: CooperationPlanInput): Promise<{ planId: string; stage: PlanStage; closing: PlanClosing }> {
  const { planId, year, district, settings } = input;
  let stage: PlanStage = 'IN_PROGRESS';
  let registered = false;
  const targets = input.targets.map((t) => ({ ...t }));
  const accepted: Record<string, number>[] = [];
  const infos = new Map<string, TaskInfo>();
  const children = new Map<string, ChildWorkflowHandle<typeof cooperationTaskWorkflow>>();
  let amendments = 0;
  let grade: string | null = null;
  const tasks = new TaskBoard<CooperationDecisionResult>({ process: 'cooperation', caseId: planId }, { escalationAfterMs: durationMs(settings.escalationAfter) });
  const record = (step: StepRecord<CooperationChange>) => tasks.record(step);
  const by = (actor: Actor) => ({ actorId: actor.userId, actorName: actor.username });

  setHandler(planRegisteredUpdate, async () => {
    await condition(() => registered);
    return { planId, stage };
  });
  setHandler(planStateQuery, () => ({
    planId,
    stage,
    targets: targets.map((t) => ({ ...t })),
    indicators: rollUp(targets, accepted),
    tasks: [...infos.values()].map((i) => ({ id: i.def.id, stage: i.stage, grade: i.grade, finished: i.finished, responsibleUnit: i.def.responsibleUnit })),
    openTasks: tasks.openTasks(),
    grade,
  }));
  setHandler(taskProgressSignal, (progress) => {
    if (progress.kind === 'ACCEPTED') accepted.push(progress.actuals);
    else {
      const info = infos.get(progress.taskId);
      if (info) Object.assign(info, { finished: progress.finished, stage: 'GRADING' });
    }
  });

  async function startTask(def: CooperationTaskDef): Promise<void> {
    const handle = await startChild(cooperationTaskWorkflow, {
      workflowId: cooperationTaskWorkflowId(planId, def.id),
      args: [{ planId, planWorkflowId: cooperationPlanWorkflowId(planId), year, district, settings, task: def }],
    });
    children.set(def.id, handle);
    void handle.result().then((r: CooperationTaskResult) => {
      const info = infos.get(r.taskId);
      if (info) Object.assign(info, { stage: r.stage, grade: r.grade, finished: r.finished });
    });
  }

  setHandler(
    amendPlanUpdate,
    async ({ amendment, reason, actor }) => {
      if (stage !== 'IN_PROGRESS') refuse(ErrorCode.CONFLICT, '计划已进入年终评定，不能再调整');
      const amendmentId = `${planId}.a${++amendments}`;
      const at = Date.now();
      const text = amendmentText(amendment, infos);
      let change: CooperationChange = {};
      let before: Record<string, unknown> | null = null;
      let taskId: string | null = null;
      switch (amendment.kind) {
        case 'ADD_TASK':
          taskId = amendment.task.id;
          infos.set(taskId, { def: { ...amendment.task }, stage: 'REPORTING', grade: null, finished: null });
          change = { addTask: { planId, task: amendment.task } };
          break;
        case 'DROP_TASK': {
          taskId = amendment.taskId;
          const info = infos.get(taskId)!;
          before = { stage: info.stage };
          info.stage = 'DROPPED';
          change = { taskStage: { taskId, stage: 'DROPPED' } };
          break;
        }
        case 'REASSIGN_TASK': {
          taskId = amendment.taskId;
          const info = infos.get(taskId)!;
          before = { responsibleUnit: info.def.responsibleUnit };
          info.def.responsibleUnit = amendment.responsibleUnit;
          change = { reassignTask: { taskId, responsibleUnit: amendment.responsibleUnit } };
          break;
        }
        case 'CHANGE_TARGET': {
          const existing = targets.find((t) => t.indicator === amendment.indicator);
          before = { indicator: amendment.indicator, target: existing?.target ?? null };
          if (existing) existing.target = amendment.target;
          else targets.push({ indicator: amendment.indicator, target: amendment.target });
          change = { target: { planId, indicator: amendment.indicator, target: amendment.target } };
          break;
        }
      }
      await record({
        at,
        timeline: [{ id: `${amendmentId}:amended`, at, kind: 'PLAN_AMENDED', ...by(actor), comment: `${text}。理由：${reason}` }],
        audit: [
          {
            action: 'cooperation.amend',
            actor: { userId: actor.userId, role: actor.role },
            target: { type: 'CooperationPlan', id: planId },
            before,
            after: { amendmentId, amendment, reason },
            key: `cooperation.amend:${amendmentId}`,
          },
        ],
        change,
      });
      // Running tasks carry on; the amended one hears of it.
      if (amendment.kind === 'ADD_TASK') await startTask(amendment.task);
      else if (amendment.kind === 'DROP_TASK') await children.get(amendment.taskId)!.signal(dropTaskSignal, { amendmentId });
      else if (amendment.kind === 'REASSIGN_TASK') await children.get(amendment.taskId)!.signal(reassignTaskSignal, { amendmentId, responsibleUnit: amendment.responsibleUnit });
      return { amendmentId, taskId };
    },
    {
      validator: ({ amendment, reason, actor }) => {
        if (actor.role !== 'COOPERATION_COORDINATOR' || !isWithin(district, actor.jurisdictionCode)) refuse(ErrorCode.FORBIDDEN, '计划调整须由区协作办办理');
        if (stage !== 'IN_PROGRESS') refuse(ErrorCode.CONFLICT, '计划已进入年终评定，不能再调整');
        if (!reason.trim()) refuse(ErrorCode.VALIDATION, '请填写调整理由');
        if (amendment.kind === 'ADD_TASK') {
          if (infos.has(amendment.task.id)) refuse(ErrorCode.CONFLICT, '该任务已在计划中');
        } else if (amendment.kind === 'DROP_TASK' || amendment.kind === 'REASSIGN_TASK') {
          const info = infos.get(amendment.taskId);
          if (!info) refuse(ErrorCode.NOT_FOUND, '计划中没有这个任务');
          if (info.stage === 'DROPPED') refuse(ErrorCode.CONFLICT, '该任务已取消');
          if (amendment.kind === 'REASSIGN_TASK' && info.def.responsibleUnit === amendment.responsibleUnit) refuse(ErrorCode.CONFLICT, `该任务已由${responsibleUnitLabel(amendment.responsibleUnit)}负责`);
        }
      },
    },
  );

  for (const def of input.tasks) infos.set(def.id, { def: { ...def }, stage: 'REPORTING', grade: null, finished: null });
  await record({
    at: Date.now(),
    timeline: [{ id: `${planId}:created`, at: Date.now(), kind: 'PLAN_CREATED', ...by(input.createdBy), toStage: stage, comment: input.carryOverFrom ? `承接${input.carryOverFrom}未完成任务` : null }],
    change: { registerPlan: { input, stage } },
    local: true,
  });
  // The plan answers its creator once every task's workflow runs, so a report filed right after finds its task.
  await Promise.all(input.tasks.map(startTask));
  registered = true;
  const clocks = tasks.runClocks();

  const moveTo = async (to: PlanStage, extra: Omit<StepRecord<CooperationChange>, 'at' | 'change'> & { change?: CooperationChange } = {}) => {
    const at = Date.now();
    const from = stage;
    stage = to;
    upsertSearchAttributes([{ key: caseStageKey, value: stage }]);
    const { change, ...rest } = extra;
    await record({ at, timeline: rest.decided ? [] : [{ id: `${planId}:${to}:${at}`, at, kind: 'PLAN_STAGE', fromStage: from, toStage: to }], ...rest, change: { ...change, planStage: { planId, stage: to } } });
  };

  // The year runs in the tasks; the evaluation opens on the year-end date.
  const wait = yearEndAt(year, settings) - Date.now();
  if (wait > 0) await condition(() => false, wait);
  await condition(allHandlersFinished);
  await moveTo('YEAR_END');
  await condition(() => [...infos.values()].every((i) => i.stage === 'GRADED' || i.stage === 'DROPPED'));

  let closing: PlanClosing | null = null;
  tasks.open(cooperationTaskSpec('GRADING', { district, submitterId: null, settings, now: Date.now() }));
  await moveTo('PLAN_GRADING');
  while (!closing) {
    await condition(() => tasks.hasPendingDecision());
    const { task, request, at } = tasks.takeDecision();
    const fromStage = stage;
    if (task.step === 'GRADING') {
      grade = request.decision;
      tasks.open(cooperationTaskSpec('SIGN_OFF', { district, submitterId: request.actor.userId, settings, now: at }));
      await moveTo('SIGN_OFF', { decided: { task, request, fromStage, toStage: 'SIGN_OFF' }, change: { planGrade: { planId, grade } } });
    } else if (request.decision === 'approve') {
      closing = {
        indicators: rollUp(targets, accepted),
        grade,
        unfinishedTaskIds: [...infos.values()].filter((i) => i.stage === 'GRADED' && i.finished === false).map((i) => i.def.id),
      };
      await moveTo('CLOSED', { decided: { task, request, fromStage, toStage: 'CLOSED' }, change: { closing: { planId, closing } } });
    } else {
      tasks.open(cooperationTaskSpec('GRADING', { district, submitterId: null, settings, now: at }));
      await moveTo('PLAN_GRADING', { decided: { task, request, fromStage, toStage: 'PLAN_GRADING' } });
    }
    tasks.settle(task.id, { caseId: planId, stage });
  }
  await condition(allHandlersFinished);
  void clocks;
  return { planId, stage, closing };
}
