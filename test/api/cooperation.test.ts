import { hashPassword } from '../../src/api/auth/passwords';
import { planStateQuery } from '../../src/domain/cooperation/messages';
import { cooperationPlanWorkflowId } from '../../src/domain/cooperation/plan';
import { beijingQuarter } from '../../src/domain/tasks/calendar';
import { demoDistrict, demoPassword } from '../../src/demo/seed';
import { eventually } from '../support/eventually';
import { startStack, type Stack } from '../support/stack';

/**
 * 协作帮扶 over HTTP on the real stack (dev server, real time): a plan is created, its units report the quarters under
 * way, coordinators accept or return the reports through the shared /api/tasks, and the plan's indicators are checked
 * against sums this test works out from what it accepted.
 */

let stack: Stack;
const now = Date.now();
const year = Number(beijingQuarter(now).slice(0, 4));
const quarter = Number(beijingQuarter(now).slice(5));
/** The quarter under way and the one before it (or the same, in the first quarter). */
const current = `${year}Q${quarter}`;
const earlier = `${year}Q${Math.max(1, quarter - 1)}`;
const tokens = (u: string) => stack.login(u);
const as = async (user: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => stack.request(method, path, { token: await tokens(user), body, headers });

beforeAll(async () => {
  stack = await startStack();
  const passwordHash = await hashPassword(demoPassword);
  await stack.db.user.create({ data: { username: 'coordinator.two', displayName: '协作办二', email: 'coordinator.two@demo.assistflow.local', passwordHash, role: 'COOPERATION_COORDINATOR', jurisdictionCode: demoDistrict } });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

const planBody = {
  partnerCode: 'JIANGJIN',
  year,
  agreedAt: `${year}-02-15`,
  targets: [
    { indicator: 'FISCAL_FUNDS', target: 500 },
    { indicator: 'WORKERS_PLACED', target: 200 },
    { indicator: 'CONSUMPTION', target: 300 },
  ],
  tasks: [
    { title: '民政兜底协作项目', category: 'LIVELIHOOD', responsibleUnit: 'CIVIL_AFFAIRS', dueDate: `${year}-12-31`, indicators: ['FISCAL_FUNDS', 'WORKERS_PLACED'] },
    { title: '消费帮扶专馆', category: 'CONSUMPTION', responsibleUnit: 'COOPERATION_OFFICE', dueDate: `${year}-12-31`, indicators: ['CONSUMPTION', 'FISCAL_FUNDS'] },
  ],
};

async function reviewTaskOf(user: string, caseId: string) {
  return eventually(async () => (await as(user, 'GET', `/api/tasks?caseId=${caseId}`)).body.items?.find((t: any) => t.step === 'REPORT_REVIEW'));
}

test('a plan is created, reported on, reviewed through /api/tasks, and its indicators roll up to the sums of the accepted reports', async () => {
  expect((await as('village.worker', 'GET', '/api/cooperation/plans')).status).toBe(403);
  expect((await as('dept.officer', 'POST', '/api/cooperation/plans', planBody)).status).toBe(403);
  const bad = await as('coordinator', 'POST', '/api/cooperation/plans', { ...planBody, targets: [{ indicator: 'NO_SUCH', target: 1 }] });
  expect(bad.status).toBe(400);
  expect(bad.body.issues[0]).toMatchObject({ path: 'targets.0.indicator' });

  const created = await as('coordinator', 'POST', '/api/cooperation/plans', planBody, { 'idempotency-key': 'plan-create-0001' });
  expect(created.status).toBe(201);
  const plan = created.body;
  expect(plan).toMatchObject({ id: `JIANGJIN-${year}`, stage: 'IN_PROGRESS', stageLabel: '年度实施中', partner: { code: 'JIANGJIN', name: '江津区', kind: 'COUNTERPART' } });
  expect(plan.indicators.map((i: any) => [i.code, i.unit, i.target, i.actual])).toEqual([
    ['FISCAL_FUNDS', '万元', 500, 0],
    ['WORKERS_PLACED', '人', 200, 0],
    ['CONSUMPTION', '万元', 300, 0],
  ]);
  // The retry answers as the first; another request for the same partner and year is a conflict.
  expect((await as('coordinator', 'POST', '/api/cooperation/plans', planBody, { 'idempotency-key': 'plan-create-0001' })).status).toBe(201);
  expect((await as('coordinator', 'POST', '/api/cooperation/plans', planBody)).status).toBe(409);

  const [civil, office] = plan.tasks;
  // Each task owes the current quarter's report, due at its end, to its unit.
  await eventually(async () => (await as('dept.officer', 'GET', `/api/tasks?caseId=${civil.id}`)).body.items?.some((t: any) => t.step === 'QUARTERLY_REPORT'));
  await eventually(async () => (await as('coordinator', 'GET', `/api/tasks?caseId=${office.id}`)).body.items?.some((t: any) => t.step === 'QUARTERLY_REPORT'));

  // The officer sees only its department's task; the office's task is not its to see or report.
  const officerView = await as('dept.officer', 'GET', `/api/cooperation/plans/${plan.id}`);
  expect(officerView.body.tasks.map((t: any) => t.id)).toEqual([civil.id]);
  expect((await as('dept.officer', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${office.id}/reports`, { period: current, actuals: { CONSUMPTION: 1 } })).status).toBe(404);
  expect((await as('coordinator', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${civil.id}/reports`, { period: current, actuals: { FISCAL_FUNDS: 1 } })).status).toBe(403);
  const future = await as('dept.officer', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${civil.id}/reports`, { period: `${year + 1}Q1`, actuals: { FISCAL_FUNDS: 1 } });
  expect(future.status).toBe(400);
  expect(future.body.issues[0].path).toBe('period');
  expect((await as('dept.officer', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${civil.id}/reports`, { period: current, actuals: { CONSUMPTION: 1 } })).status).toBe(400);

  const accepted: Record<string, number>[] = [];
  // The officer reports the current quarter (with a retry), the coordinator accepts it.
  const q = await as('dept.officer', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${civil.id}/reports`, { period: current, actuals: { FISCAL_FUNDS: 120.5, WORKERS_PLACED: 40 }, note: '首批资金到位', evidence: ['资金拨付凭证.pdf'] }, { 'idempotency-key': 'report-0000001' });
  expect(q.status).toBe(201);
  const retry = await as('dept.officer', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${civil.id}/reports`, { period: current, actuals: { FISCAL_FUNDS: 120.5, WORKERS_PLACED: 40 }, note: '首批资金到位' }, { 'idempotency-key': 'report-0000001' });
  expect(retry).toMatchObject({ status: 201, body: { reportId: q.body.reportId } });
  expect((await as('dept.officer', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${civil.id}/reports`, { period: current, actuals: { FISCAL_FUNDS: 1 } })).status).toBe(409);
  let review = await reviewTaskOf('coordinator', civil.id);
  expect((await as('coordinator', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'accept' })).status).toBe(200);
  accepted.push({ FISCAL_FUNDS: 120.5, WORKERS_PLACED: 40 });

  // The office reports; its own coordinator may not accept it (separation of duties), another one returns it, and
  // the resubmission is accepted.
  if (earlier !== current) {
    expect((await as('coordinator', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${office.id}/reports`, { period: earlier, actuals: { CONSUMPTION: 55, FISCAL_FUNDS: 10 } })).status).toBe(201);
    review = await reviewTaskOf('coordinator.two', office.id);
    expect((await as('coordinator', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'accept' })).status).toBe(403);
    expect((await as('coordinator.two', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'return' })).status).toBe(400);
    expect((await as('coordinator.two', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'return', comment: '消费金额缺少凭证' })).status).toBe(200);
    expect((await as('coordinator', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${office.id}/reports`, { period: earlier, actuals: { CONSUMPTION: 50.25, FISCAL_FUNDS: 10 } })).status).toBe(201);
    review = await reviewTaskOf('coordinator.two', office.id);
    expect((await as('coordinator.two', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'accept' })).status).toBe(200);
    accepted.push({ CONSUMPTION: 50.25, FISCAL_FUNDS: 10 });
  }
  expect((await as('coordinator', 'POST', `/api/cooperation/plans/${plan.id}/tasks/${office.id}/reports`, { period: current, actuals: { CONSUMPTION: 90.75 } })).status).toBe(201);
  review = await reviewTaskOf('coordinator.two', office.id);
  expect((await as('coordinator.two', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'accept' })).status).toBe(200);
  accepted.push({ CONSUMPTION: 90.75 });

  // The roll-up, as this test sums it.
  const sum = (code: string) => accepted.reduce((s, a) => s + (a[code] ?? 0), 0);
  const view = await as('district.approver', 'GET', `/api/cooperation/plans/${plan.id}`);
  expect(view.status).toBe(200);
  expect(view.body.indicators.map((i: any) => [i.code, i.target, i.actual, i.share])).toEqual(
    planBody.targets.map((t) => [t.indicator, t.target, sum(t.indicator), Math.round((sum(t.indicator) / t.target) * 10_000) / 10_000]),
  );
  expect(view.body.tasks.find((t: any) => t.id === office.id).reports.map((r: any) => r.status)).toEqual(earlier !== current ? ['RETURNED', 'ACCEPTED', 'ACCEPTED'] : ['ACCEPTED']);
  expect(view.body.tasks.find((t: any) => t.id === civil.id).reports[0]).toMatchObject({ note: '首批资金到位', evidence: ['资金拨付凭证.pdf'], status: 'ACCEPTED' });
  expect(view.body.timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['PLAN_CREATED', 'REPORT_SUBMITTED', 'TASK_DECIDED']));

  // The plan's workflow holds the same roll-up (its tasks signal each accepted report), which its closing will report.
  const planState = await eventually(async () => {
    const state = await stack.temporal.workflow.getHandle(cooperationPlanWorkflowId(plan.id)).query(planStateQuery);
    return state.indicators.every((i) => i.actual === sum(i.code)) && state;
  });
  expect(planState.indicators.map((i) => i.code)).toEqual(planBody.targets.map((t) => t.indicator));

  // The report: one row per partner × indicator.
  const report = await as('coordinator', 'GET', `/api/reports/cooperation?year=${year}&partnerCode=JIANGJIN`);
  expect(report.status).toBe(200);
  expect(report.body.rows.map((r: any) => [r.partnerName, r.indicator, r.target, r.actual])).toEqual(planBody.targets.map((t) => ['江津区', t.indicator, t.target, sum(t.indicator)]));
  const csv = await fetch(`${stack.url}/api/reports/cooperation?year=${year}&format=csv`, { headers: { authorization: `Bearer ${await tokens('district.approver')}` } });
  expect(csv.status).toBe(200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  // UTF-8 with a BOM, so Excel reads the Chinese.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.subarray(3).toString('utf8').split('\r\n')[0]).toBe('年度,协作伙伴代码,协作伙伴,协作类型,计划阶段,指标代码,指标,计量单位,目标值,完成值,完成率');
  expect((await as('dept.officer', 'GET', '/api/reports/cooperation')).status).toBe(403);
});

test('amendments: a target changed and a task added, with the reason in the timeline and the audit log', async () => {
  const created = await as('coordinator', 'POST', '/api/cooperation/plans', { ...planBody, partnerCode: 'WANSHENG', tasks: [planBody.tasks[0]] });
  expect(created.status).toBe(201);
  const planId = created.body.id;
  expect((await as('dept.officer', 'POST', `/api/cooperation/plans/${planId}/amendments`, { amendment: { kind: 'CHANGE_TARGET', indicator: 'FISCAL_FUNDS', target: 600 }, reason: '追加资金' })).status).toBe(403);
  const changed = await as('coordinator', 'POST', `/api/cooperation/plans/${planId}/amendments`, { amendment: { kind: 'CHANGE_TARGET', indicator: 'FISCAL_FUNDS', target: 600 }, reason: '江津区追加财政援助资金' });
  expect(changed.status).toBe(201);
  expect(changed.body.plan.indicators.find((i: any) => i.code === 'FISCAL_FUNDS').target).toBe(600);
  const added = await as('coordinator', 'POST', `/api/cooperation/plans/${planId}/amendments`, {
    amendment: { kind: 'ADD_TASK', task: { title: '劳务协作培训', category: 'LABOUR', responsibleUnit: 'HUMAN_RESOURCES', dueDate: `${year}-12-31`, indicators: ['WORKERS_PLACED'] } },
    reason: '新增劳务协作',
  });
  expect(added.status).toBe(201);
  expect(added.body.plan.tasks.map((t: any) => t.title)).toContain('劳务协作培训');
  expect(added.body.plan.timeline.filter((e: any) => e.kind === 'PLAN_AMENDED').map((e: any) => e.comment)).toEqual([
    '指标 FISCAL_FUNDS 目标调整为 600。理由：江津区追加财政援助资金',
    '新增任务“劳务协作培训”（人社）。理由：新增劳务协作',
  ]);
  const audit = await as('district.approver', 'GET', `/api/audit?targetId=${planId}`);
  expect(audit.body.items.map((e: any) => e.action)).toEqual(expect.arrayContaining(['cooperation.plan_create', 'cooperation.amend']));
  // Re-assigned: the report owed moves to the new unit's officers, for the same quarter.
  const civilTask = created.body.tasks[0].id;
  await eventually(async () => (await stack.db.task.findFirst({ where: { caseId: civilTask, step: 'QUARTERLY_REPORT', status: 'OPEN' } }))?.department === 'CIVIL_AFFAIRS');
  const reassigned = await as('coordinator', 'POST', `/api/cooperation/plans/${planId}/amendments`, { amendment: { kind: 'REASSIGN_TASK', taskId: civilTask, responsibleUnit: 'EDUCATION' }, reason: '职能调整' });
  expect(reassigned.status).toBe(201);
  expect(reassigned.body.plan.tasks.find((t: any) => t.id === civilTask)).toMatchObject({ responsibleUnit: 'EDUCATION', responsibleUnitLabel: '教育' });
  const owed = await eventually(async () => (await stack.db.task.findFirst({ where: { caseId: civilTask, step: 'QUARTERLY_REPORT', status: 'OPEN', department: 'EDUCATION' } })) ?? null);
  expect(await stack.db.task.count({ where: { caseId: civilTask, status: 'OPEN', department: 'CIVIL_AFFAIRS' } })).toBe(0);
  expect(owed.dueAt.getTime()).toBe((await stack.db.task.findFirst({ where: { caseId: civilTask, step: 'QUARTERLY_REPORT', status: 'CANCELLED' } }))!.dueAt.getTime());
  // The demo officer (民政) no longer reports on it, nor sees the plan.
  expect((await as('dept.officer', 'GET', `/api/cooperation/plans/${planId}`)).status).toBe(404);
  expect((await as('coordinator', 'POST', `/api/cooperation/plans/${planId}/amendments`, { amendment: { kind: 'REASSIGN_TASK', taskId: civilTask, responsibleUnit: 'EDUCATION' }, reason: '再次' })).status).toBe(409);

  const dropped = await as('coordinator', 'POST', `/api/cooperation/plans/${planId}/amendments`, { amendment: { kind: 'DROP_TASK', taskId: added.body.taskId }, reason: '项目合并' });
  expect(dropped.status).toBe(201);
  await eventually(async () => (await stack.db.task.count({ where: { caseId: added.body.taskId, status: 'OPEN' } })) === 0);
  expect((await as('coordinator', 'POST', `/api/cooperation/plans/${planId}/amendments`, { amendment: { kind: 'DROP_TASK', taskId: added.body.taskId }, reason: '再取消' })).status).toBe(409);
});

test('last year’s plan: year-end evaluation through /api/tasks, closed, its unfinished task carried into this year’s plan', async () => {
  // A plan of a year already over opens its year-end evaluation at once.
  const created = await as('coordinator', 'POST', '/api/cooperation/plans', {
    partnerCode: 'SHANDONG_WEIFANG',
    year: year - 1,
    agreedAt: `${year - 1}-02-15`,
    targets: [{ indicator: 'INVESTMENT', target: 1000 }],
    tasks: [
      { title: '鲁渝产业园招商', category: 'INDUSTRY_COOPERATION', responsibleUnit: 'DEVELOPMENT_REFORM', dueDate: `${year - 1}-12-31`, indicators: ['INVESTMENT'] },
      { title: '潍坊消费帮扶', category: 'CONSUMPTION', responsibleUnit: 'COOPERATION_OFFICE', dueDate: `${year - 1}-12-31`, indicators: ['CONSUMPTION'] },
    ],
  });
  expect(created.status).toBe(201);
  const planId = created.body.id;
  const [park, consumption] = created.body.tasks;
  const passwordHash = await hashPassword(demoPassword);
  await stack.db.user.create({ data: { username: 'dev.officer', displayName: '发改', email: 'dev.officer@demo.assistflow.local', passwordHash, role: 'DEPARTMENT_OFFICER', jurisdictionCode: demoDistrict, department: 'DEVELOPMENT_REFORM' } });

  const inboxTask = (user: string, caseId: string, step: string) =>
    eventually(async () => (await as(user, 'GET', `/api/tasks?caseId=${caseId}`)).body.items?.find((t: any) => t.step === step), 30_000);
  const decide = async (user: string, caseId: string, step: string, decision: string, comment?: string) => {
    const task = await inboxTask(user, caseId, step);
    const res = await as(user, 'POST', `/api/tasks/${task.id}/complete`, { decision, ...(comment && { comment }) });
    expect({ step, status: res.status, body: res.body }).toMatchObject({ step, status: 200 });
    return res.body;
  };
  // Reports are over for it.
  expect((await as('dev.officer', 'POST', `/api/cooperation/plans/${planId}/tasks/${park.id}/reports`, { period: `${year - 1}Q4`, actuals: { INVESTMENT: 10 } })).status).toBe(409);
  expect(await decide('dev.officer', park.id, 'SELF_ASSESSMENT', 'DONE')).toMatchObject({ stage: 'GRADING', stageLabel: '年度评定' });
  await decide('coordinator', consumption.id, 'SELF_ASSESSMENT', 'NOT_DONE', '专馆未建成');
  await decide('coordinator', park.id, 'GRADING', 'FAIRLY_GOOD');
  await decide('coordinator.two', consumption.id, 'GRADING', 'POOR', '未完成');
  await decide('coordinator', planId, 'GRADING', 'AVERAGE');
  // The coordinator who graded cannot sign off (the district's step, separation of duties); the district approver does.
  expect((await as('coordinator', 'POST', `/api/tasks/${(await inboxTask('district.approver', planId, 'SIGN_OFF')).id}/complete`, { decision: 'approve' })).status).toBe(403);
  expect(await decide('district.approver', planId, 'SIGN_OFF', 'approve')).toMatchObject({ stage: 'CLOSED', stageLabel: '已办结' });

  const closed = (await as('district.approver', 'GET', `/api/cooperation/plans/${planId}`)).body;
  expect(closed).toMatchObject({ stage: 'CLOSED', grade: 'AVERAGE', gradeLabel: '一般', closing: { grade: 'AVERAGE', unfinishedTaskIds: [consumption.id] } });
  expect(closed.tasks.map((t: any) => [t.title, t.finished, t.grade, t.stage])).toEqual([
    ['鲁渝产业园招商', true, 'FAIRLY_GOOD', 'GRADED'],
    ['潍坊消费帮扶', false, 'POOR', 'GRADED'],
  ]);
  expect(closed.openTasks).toEqual([]);

  const next = await as('coordinator', 'POST', '/api/cooperation/plans', {
    partnerCode: 'SHANDONG_WEIFANG',
    year,
    agreedAt: `${year}-02-20`,
    targets: [{ indicator: 'CONSUMPTION', target: 50 }],
    tasks: [],
    carryOverFrom: planId,
  });
  expect(next.status).toBe(201);
  expect(next.body).toMatchObject({ carryOverFrom: planId, tasks: [{ title: '潍坊消费帮扶', responsibleUnit: 'COOPERATION_OFFICE', dueDate: `${year}-12-31`, carriedFromTaskId: consumption.id, stage: 'REPORTING' }] });
});
