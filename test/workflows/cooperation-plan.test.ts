import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { bundleAssistFlowWorkflows } from '../../src/worker-runtime';
import { actorAssertionInterceptor, verifyAssertion } from '../../src/temporal/actor-assertion';
import type { Activities } from '../../src/activities';
import type { CooperationChange, CooperationPlanInput, CooperationTaskDef } from '../../src/domain/cooperation/messages';
import { carriedTask, cooperationPlanWorkflowId, cooperationTaskWorkflowId, quarterStartAt, yearEndAt } from '../../src/domain/cooperation/plan';
import { defaultCooperationSettings } from '../../src/domain/cooperation/process';
import { beijingQuarter } from '../../src/domain/tasks/calendar';
import type { Transition } from '../../src/domain/tasks/messages';
import type { Actor } from '../../src/domain/roles';
import { temporalTestServerPath } from '../../src/embedded/paths';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import { amendPlanUpdate, cooperationPlanWorkflow, planRegisteredUpdate, planStateQuery, submitReportUpdate, taskStateQuery } from '../../src/workflows/cooperation/cooperation-plan';
import { completeTaskUpdate } from '../../src/workflows/tasks/task-board';
import { eventually } from '../support/eventually';
import { failOnHang } from '../support/fail-on-hang';
import { testDataConverter as dataConverter } from '../support/history-codec';

/**
 * A whole year of a 协作帮扶 plan on the time-skipping server, dates worked out from its clock: four quarterly reports,
 * one late and escalated (coordinator, then district approver), one returned and resubmitted, an amendment mid-year,
 * the year-end self-assessment, grades and sign-off, the plan closed with its targets against actuals, and its
 * unfinished task carried into the next year's plan. Activities are fakes that record what the workflows asked for.
 */

const district = '500154';
const officer: Actor = { userId: 'u-civil', username: 'civil.officer', role: 'DEPARTMENT_OFFICER', jurisdictionCode: district, department: 'CIVIL_AFFAIRS' };
const hrOfficer: Actor = { userId: 'u-hr', username: 'hr.officer', role: 'DEPARTMENT_OFFICER', jurisdictionCode: district, department: 'HUMAN_RESOURCES' };
const coordinator: Actor = { userId: 'u-coord', username: 'coordinator', role: 'COOPERATION_COORDINATOR', jurisdictionCode: district };
const coordinator2: Actor = { userId: 'u-coord2', username: 'coordinator.two', role: 'COOPERATION_COORDINATOR', jurisdictionCode: district };
const approver: Actor = { userId: 'u-district', username: 'district.approver', role: 'DISTRICT_APPROVER', jurisdictionCode: district };

const assertionKey = randomBytes(32);
const day = 86_400_000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleAssistFlowWorkflows({ logger: new DefaultLogger('WARN') });
  env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter, interceptors: { workflow: [actorAssertionInterceptor(assertionKey)] } },
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await ensureSearchAttributes({ address: env.address, namespace: 'default' });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

function fakeActivities() {
  const transitions: Transition[] = [];
  const notices: Parameters<Activities['notifyOverdueTask']>[0][] = [];
  const activities: Partial<Activities> = {
    async recordTransition(t) {
      transitions.push(t);
    },
    async verifyActorAssertion(a) {
      return verifyAssertion(assertionKey, a.assertion, Date.now());
    },
    async notifyOverdueTask(n) {
      notices.push(n);
    },
    async recordTaskClaim() {},
  };
  return { transitions, notices, activities };
}

async function refusalOf(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    return { type: cause.type, message: cause.message };
  }
  throw new Error('expected the update to be refused');
}

/** Moves the server's clock to `at` (epoch ms), firing the timers due meanwhile. */
async function skipTo(at: number) {
  const now = await env.currentTimeMs();
  if (at > now) await env.sleep(at - now);
}

test('the workflow bundle holds no zod (cooperation schemas stay in *schemas.ts)', () => {
  expect(bundle.code).not.toMatch(/node_modules\/zod\//);
});

test('a whole year of a plan in skipped time, closed, and its unfinished task carried into the next year', async () => {
  const { transitions, notices, activities } = fakeActivities();
  const taskQueue = 'cooperation-year';
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities, dataConverter });
  await worker.runUntil(async () => {
    const start = await env.currentTimeMs();
    const year = Number(beijingQuarter(start).slice(0, 4)) + 1;
    const planId = `JIANGJIN-${year}`;
    const labour: CooperationTaskDef = { id: 'task-labour', title: '劳务协作', category: 'LABOUR', responsibleUnit: 'CIVIL_AFFAIRS', dueDate: `${year}-12-31`, indicators: ['FISCAL_FUNDS', 'WORKERS_PLACED'] };
    const consumption: CooperationTaskDef = { id: 'task-consumption', title: '消费帮扶专馆', category: 'CONSUMPTION', responsibleUnit: 'COOPERATION_OFFICE', dueDate: `${year}-12-31`, indicators: ['CONSUMPTION'] };
    const input: CooperationPlanInput = {
      planId,
      partnerCode: 'JIANGJIN',
      year,
      agreedAt: `${year}-02-15`,
      targets: [
        { indicator: 'FISCAL_FUNDS', target: 400 },
        { indicator: 'WORKERS_PLACED', target: 100 },
        { indicator: 'CONSUMPTION', target: 200 },
      ],
      tasks: [labour, consumption],
      district,
      createdBy: coordinator,
      settings: defaultCooperationSettings,
    };
    const plan: WorkflowHandle<typeof cooperationPlanWorkflow> = await env.client.workflow.start(cooperationPlanWorkflow, { taskQueue, workflowId: cooperationPlanWorkflowId(planId), args: [input] });
    // A hang fails after 90 s with the plan's stack trace, rather than at jest's timeout.
    await failOnHang(plan, async () => {
      expect(await plan.executeUpdate(planRegisteredUpdate)).toEqual({ planId, stage: 'IN_PROGRESS' });
      const registered = transitions.find((t) => (t.change as CooperationChange | undefined)?.registerPlan);
      expect(registered).toMatchObject({ process: 'cooperation', caseId: planId });

      const child = (id: string) => env.client.workflow.getHandle(cooperationTaskWorkflowId(planId, id));
      const openTask = async (taskId: string, step: string) => {
        const state = await child(taskId).query(taskStateQuery);
        const task = state.openTasks.find((t) => t.step === step);
        if (!task) throw new Error(`no open ${step} on ${taskId}: ${state.openTasks.map((t) => t.step).join(', ')}`);
        return task;
      };
      const decide = async (taskId: string, step: string, actor: Actor, decision: string, comment?: string) =>
        child(taskId).executeUpdate(completeTaskUpdate, { args: [{ taskId: (await openTask(taskId, step)).id, decision, comment, actor }] });
      const report = (taskId: string, actor: Actor, period: string, actuals: Record<string, number>, note?: string) =>
        child(taskId).executeUpdate(submitReportUpdate, { args: [{ period, actuals, note, actor }] });
      const accepted: Record<string, number>[] = [];

      // Before the year begins nothing is owed.
      await eventually(async () => (await child(labour.id).query(taskStateQuery)).stage === 'REPORTING');
      expect((await child(labour.id).query(taskStateQuery)).openTasks).toEqual([]);
      expect(await refusalOf(report(labour.id, officer, `${year}Q1`, { FISCAL_FUNDS: 1 }))).toMatchObject({ type: 'VALIDATION' });

      // Q1: each task owes its report, due at the quarter's end, to its unit.
      await skipTo(quarterStartAt(year, 1) + 60_000);
      const q1 = await eventually(() => openTask(labour.id, 'QUARTERLY_REPORT').catch(() => null));
      expect(q1).toMatchObject({ role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS', dueAt: quarterStartAt(year, 2), remindBeforeMs: 10 * day });
      expect(await eventually(() => openTask(consumption.id, 'QUARTERLY_REPORT').catch(() => null))).toMatchObject({ role: 'COOPERATION_COORDINATOR', department: null });
      // Only the responsible unit reports, for a quarter that has begun, on the task's indicators.
      expect(await refusalOf(report(labour.id, hrOfficer, `${year}Q1`, { FISCAL_FUNDS: 1 }))).toMatchObject({ type: 'FORBIDDEN' });
      expect(await refusalOf(report(labour.id, officer, `${year}Q2`, { FISCAL_FUNDS: 1 }))).toMatchObject({ type: 'VALIDATION' });
      expect(await refusalOf(report(labour.id, officer, `${year}Q1`, { CONSUMPTION: 1 }))).toMatchObject({ type: 'VALIDATION' });

      await report(labour.id, officer, `${year}Q1`, { FISCAL_FUNDS: 100, WORKERS_PLACED: 20 }, '一季度');
      expect(await refusalOf(report(labour.id, officer, `${year}Q1`, { FISCAL_FUNDS: 1 }))).toMatchObject({ type: 'CONFLICT' });
      await decide(labour.id, 'REPORT_REVIEW', coordinator, 'accept');
      accepted.push({ FISCAL_FUNDS: 100, WORKERS_PLACED: 20 });

      // The office's report: not reviewed by the coordinator who filed it; returned, owed again, resubmitted, accepted.
      await report(consumption.id, coordinator, `${year}Q1`, { CONSUMPTION: 60 });
      expect(await refusalOf(decide(consumption.id, 'REPORT_REVIEW', coordinator, 'accept'))).toMatchObject({ type: 'FORBIDDEN' });
      expect(await refusalOf(decide(consumption.id, 'REPORT_REVIEW', coordinator2, 'return'))).toMatchObject({ type: 'VALIDATION' });
      await decide(consumption.id, 'REPORT_REVIEW', coordinator2, 'return', '缺少销售凭证');
      expect(await openTask(consumption.id, 'QUARTERLY_REPORT')).toBeTruthy();
      await report(consumption.id, coordinator, `${year}Q1`, { CONSUMPTION: 55.5 }, '补充凭证后');
      await decide(consumption.id, 'REPORT_REVIEW', coordinator2, 'accept');
      accepted.push({ CONSUMPTION: 55.5 });
      await eventually(async () => (await plan.query(planStateQuery)).indicators.find((i) => i.code === 'CONSUMPTION')?.actual === 55.5);
      expect((await child(consumption.id).query(taskStateQuery)).reports.map((r) => r.status)).toEqual(['RETURNED', 'ACCEPTED']);

      // Q2: an amendment mid-year: a target raised and a task added, with a reason; the running tasks carry on.
      await skipTo(quarterStartAt(year, 2) + 60_000);
      expect(await refusalOf(plan.executeUpdate(amendPlanUpdate, { args: [{ amendment: { kind: 'CHANGE_TARGET', indicator: 'FISCAL_FUNDS', target: 500 }, reason: '追加', actor: officer }] }))).toMatchObject({ type: 'FORBIDDEN' });
      await plan.executeUpdate(amendPlanUpdate, { args: [{ amendment: { kind: 'CHANGE_TARGET', indicator: 'FISCAL_FUNDS', target: 500 }, reason: '江津区追加财政援助资金', actor: coordinator }] });
      const training: CooperationTaskDef = { id: 'task-training', title: '技能培训', category: 'TALENT', responsibleUnit: 'HUMAN_RESOURCES', dueDate: `${year}-12-31`, indicators: ['WORKERS_PLACED'] };
      expect(await plan.executeUpdate(amendPlanUpdate, { args: [{ amendment: { kind: 'ADD_TASK', task: training }, reason: '新增人才交流', actor: coordinator }] })).toMatchObject({ taskId: training.id });
      const amended = transitions.filter((t) => t.timeline?.[0]?.kind === 'PLAN_AMENDED');
      expect(amended.map((t) => [t.timeline![0].comment, t.audit![0].action])).toEqual([
        ['指标 FISCAL_FUNDS 目标调整为 500。理由：江津区追加财政援助资金', 'cooperation.amend'],
        ['新增任务“技能培训”（人社）。理由：新增人才交流', 'cooperation.amend'],
      ]);
      expect((await plan.query(planStateQuery)).targets.find((t) => t.indicator === 'FISCAL_FUNDS')?.target).toBe(500);
      expect(await eventually(() => openTask(training.id, 'QUARTERLY_REPORT').catch(() => null))).toMatchObject({ department: 'HUMAN_RESOURCES', dueAt: quarterStartAt(year, 3) });

      // Q2's report is late: reminded ten days ahead and at the quarter's end, then escalated to the coordinators and,
      // a period later, to the district approver; filed in Q3 for Q2, it is accepted.
      const q2 = await openTask(labour.id, 'QUARTERLY_REPORT');
      await skipTo(quarterStartAt(year, 3) + 15 * day + 3_600_000);
      const q2Notices = await eventually(() => {
        const found = notices.filter((n) => n.task.id === q2.id);
        return found.length === 4 && found;
      });
      // Days from the due time (timers fire a few milliseconds late).
      expect(q2Notices.map((n) => [n.ahead ?? false, n.escalation?.role ?? null, Math.round((n.at - q2.dueAt) / day)])).toEqual([
        [true, null, -10],
        [false, null, 0],
        [false, 'COOPERATION_COORDINATOR', 7],
        [false, 'DISTRICT_APPROVER', 14],
      ]);
      await report(labour.id, officer, `${year}Q2`, { FISCAL_FUNDS: 150, WORKERS_PLACED: 30 }, '延迟报送');
      await decide(labour.id, 'REPORT_REVIEW', coordinator, 'accept');
      accepted.push({ FISCAL_FUNDS: 150, WORKERS_PLACED: 30 });
      await report(labour.id, officer, `${year}Q3`, { FISCAL_FUNDS: 80.25, WORKERS_PLACED: 25 });
      await decide(labour.id, 'REPORT_REVIEW', coordinator2, 'accept');
      accepted.push({ FISCAL_FUNDS: 80.25, WORKERS_PLACED: 25 });

      // Q4, the fourth report of the labour task.
      await skipTo(quarterStartAt(year, 4) + 60_000);
      await report(labour.id, officer, `${year}Q4`, { FISCAL_FUNDS: 120, WORKERS_PLACED: 30 });
      await decide(labour.id, 'REPORT_REVIEW', coordinator, 'accept');
      accepted.push({ FISCAL_FUNDS: 120, WORKERS_PLACED: 30 });
      expect((await child(labour.id).query(taskStateQuery)).reports.map((r) => [r.period, r.status])).toEqual([1, 2, 3, 4].map((q) => [`${year}Q${q}`, 'ACCEPTED']));

      // Year-end on 31 January next year: reports still owed lapse; each unit assesses its task.
      const yearEnd = yearEndAt(year, defaultCooperationSettings);
      await skipTo(yearEnd + 60_000);
      await eventually(async () => (await plan.query(planStateQuery)).stage === 'YEAR_END');
      const endOfFebruary = Date.UTC(year + 1, 2, 1) - 8 * 3_600_000;
      for (const id of [labour.id, consumption.id, training.id]) {
        const state = await eventually(async () => {
          const s = await child(id).query(taskStateQuery);
          return s.stage === 'SELF_ASSESSMENT' && s;
        });
        expect(state.openTasks.map((t) => [t.step, t.dueAt])).toEqual([['SELF_ASSESSMENT', endOfFebruary]]);
      }
      expect(await refusalOf(report(labour.id, officer, `${year}Q4`, { FISCAL_FUNDS: 1 }))).toMatchObject({ type: 'CONFLICT' });
      expect(await refusalOf(decide(consumption.id, 'SELF_ASSESSMENT', coordinator, 'NOT_DONE'))).toMatchObject({ type: 'VALIDATION' });
      await decide(labour.id, 'SELF_ASSESSMENT', officer, 'DONE', '全年任务完成');
      await decide(consumption.id, 'SELF_ASSESSMENT', coordinator, 'NOT_DONE', '专馆建设未完成，结转下年');
      await decide(training.id, 'SELF_ASSESSMENT', hrOfficer, 'DONE');
      // The coordinator grades each task.
      await decide(labour.id, 'GRADING', coordinator, 'GOOD');
      await decide(consumption.id, 'GRADING', coordinator2, 'POOR', '未完成年度任务');
      await decide(training.id, 'GRADING', coordinator, 'AVERAGE');

      // Then the plan's grade, and the district approver's sign-off (returned once, then approved).
      const planTask = async (step: string) =>
        eventually(async () => (await plan.query(planStateQuery)).openTasks.find((t) => t.step === step));
      const decidePlan = async (step: string, actor: Actor, decision: string, comment?: string) =>
        plan.executeUpdate(completeTaskUpdate, { args: [{ taskId: (await planTask(step)).id, decision, comment, actor }] });
      expect(await planTask('GRADING')).toMatchObject({ role: 'COOPERATION_COORDINATOR', dueAt: endOfFebruary });
      expect(await decidePlan('GRADING', coordinator, 'FAIRLY_GOOD')).toEqual({ caseId: planId, stage: 'SIGN_OFF' });
      expect(await decidePlan('SIGN_OFF', approver, 'return', '消费帮扶未完成，等次偏高')).toEqual({ caseId: planId, stage: 'PLAN_GRADING' });
      await decidePlan('GRADING', coordinator, 'AVERAGE');
      expect(await decidePlan('SIGN_OFF', approver, 'approve')).toEqual({ caseId: planId, stage: 'CLOSED' });

      const sum = (code: string) => accepted.reduce((s, a) => s + (a[code] ?? 0), 0);
      const result = await plan.result();
      expect(result.stage).toBe('CLOSED');
      expect(result.closing).toEqual({
        grade: 'AVERAGE',
        indicators: [
          { code: 'FISCAL_FUNDS', target: 500, actual: sum('FISCAL_FUNDS'), share: sum('FISCAL_FUNDS') / 500 },
          { code: 'WORKERS_PLACED', target: 100, actual: sum('WORKERS_PLACED'), share: sum('WORKERS_PLACED') / 100 },
          { code: 'CONSUMPTION', target: 200, actual: sum('CONSUMPTION'), share: Math.round((sum('CONSUMPTION') / 200) * 10_000) / 10_000 },
        ],
        unfinishedTaskIds: [consumption.id],
      });
      const closed = transitions.find((t) => (t.change as CooperationChange | undefined)?.closing);
      expect(closed).toMatchObject({ caseId: planId, change: { planStage: { stage: 'CLOSED' } } });

      // The unfinished task goes into next year's plan.
      const nextInput: CooperationPlanInput = {
        ...input,
        planId: `JIANGJIN-${year + 1}`,
        year: year + 1,
        agreedAt: `${year + 1}-02-20`,
        tasks: result.closing.unfinishedTaskIds.map((id, i) => ({ ...carriedTask([labour, consumption, training].find((t) => t.id === id)!, year + 1), id: `carried-${i}` })),
        carryOverFrom: planId,
      };
      const next = await env.client.workflow.start(cooperationPlanWorkflow, { taskQueue, workflowId: cooperationPlanWorkflowId(nextInput.planId), args: [nextInput] });
      await next.executeUpdate(planRegisteredUpdate);
      const nextState = await next.query(planStateQuery);
      expect(nextState.tasks).toEqual([{ id: 'carried-0', stage: 'REPORTING', grade: null, finished: null, responsibleUnit: 'COOPERATION_OFFICE' }]);
      const nextRegistration = transitions.find((t) => t.caseId === nextInput.planId && (t.change as CooperationChange | undefined)?.registerPlan);
      expect((nextRegistration!.change as CooperationChange).registerPlan!.input.tasks[0]).toMatchObject({ title: '消费帮扶专馆', carriedFromTaskId: consumption.id, dueDate: `${year + 1}-12-31` });
      expect(nextRegistration!.timeline![0].comment).toBe(`承接${planId}未完成任务`);
      // `RECORD_HISTORIES=<version>` saves the year's histories (the plan and each task) for the replay test.
      if (process.env.RECORD_HISTORIES) {
        const dir = path.join(__dirname, 'histories', process.env.RECORD_HISTORIES);
        fs.mkdirSync(dir, { recursive: true });
        const save = async (name: string, handle: WorkflowHandle) =>
          fs.writeFileSync(path.join(dir, `${name}.binpb`), temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
        await save('cooperation-plan-year', plan);
        for (const t of [labour, consumption, training]) await save(`cooperation-task-${t.id.replace('task-', '')}`, child(t.id));
      }
      await next.terminate('test finished');
    }, 90_000);
  });
}, 300_000);
