import { annualSweepScheduleId, ensureAnnualSweepSchedule } from '../../src/temporal/annual-sweep-schedule';
import { caseFlow } from '../support/case-flow';
import { eventually } from '../support/eventually';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';
import { addUser, neighbourTownReviewer, shortPostingPolicy, storePolicyVersion1 } from '../support/fixtures';

/**
 * 风险消除, 回退 and the yearly sweep against the real stack. The exit's whole chain needs six months of visits, so its
 * success path runs on the time-skipping server (risk-elimination-success.test.ts); here: the refusals as a caseworker
 * sees them, and the sweep's Schedule.
 */

let stack: Stack;
const { as, taskOf, monitoredCase } = caseFlow(() => stack);

beforeAll(async () => {
  stack = await startStack();
  await storePolicyVersion1(stack.db);
  await addUser(stack.db, neighbourTownReviewer);
});
afterAll(async () => {
  await stack?.stop();
});

async function written() {
  const { db } = stack;
  const [tasks, timeline, audit] = await Promise.all([db.task.count(), db.timelineEvent.count(), db.auditEntry.count()]);
  return { tasks, timeline, audit };
}

test('an exit proposal is refused with every unmet precondition, in scope, and writes nothing', async () => {
  const id = await monitoredCase();
  await eventually(async () => (await as('village.worker', 'GET', `/api/monitoring-cases/${id}`)).body.openTasks.some((t: any) => t.step === 'VISIT'), 20_000);
  // Logins are audited: sign everyone in before counting.
  for (const user of ['village.worker', 'town.reviewer', 'neighbour.town']) await stack.login(user);
  const before = await written();

  expect(await as('village.worker', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, {})).toEqual({
    status: 400,
    body: { error: 'validation', issues: [{ path: 'reason', message: expect.stringContaining('reason') }] },
  });
  expect((await as('village.worker', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, { reason: ' ' })).body.issues).toEqual([
    { path: 'reason', message: '请填写申请风险消除的理由' },
  ]);
  expect((await as('neighbour.town', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, { reason: '收入稳定' })).status).toBe(404);
  expect(await as('town.reviewer', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, { reason: '收入稳定' })).toEqual({
    status: 403,
    body: { error: 'forbidden', reason: '风险消除须由本村信息员提出' },
  });
  const refused = await as('village.worker', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, { reason: '收入稳定' });
  expect(refused.status).toBe(409);
  expect(refused.body.reason).toMatch(/^暂不符合风险消除条件：纳入监测未满6个月（已监测.+）；尚未落实任何帮扶措施.*；近6个月.*无收入记录/);
  // The case view shows the same reasons before anyone asks (the time monitored moves on between the two).
  const readiness = (await as('village.worker', 'GET', `/api/monitoring-cases/${id}`)).body.exitReadiness;
  expect(readiness.canPropose).toBe(false);
  expect(readiness.problems).toHaveLength(3);
  expect(readiness.problems[0]).toMatch(/^纳入监测未满6个月/);
  expect(refused.body.reason).toContain(readiness.problems.slice(1).join('；'));

  expect(await as('town.reviewer', 'POST', `/api/monitoring-cases/${id}/rollback`, { reason: '家庭成员重病' })).toEqual({
    status: 409,
    body: { error: 'conflict', reason: '只有已标注风险消除的户可以回退（当前环节：已纳入监测）' },
  });
  expect(await written()).toEqual(before);
  expect((await as('village.worker', 'GET', `/api/monitoring-cases/${id}`)).body).toMatchObject({ stage: 'MONITORED' });
});

test('the yearly sweep runs from a Temporal Schedule and opens one review task per monitored household and year', async () => {
  const id = await monitoredCase();
  const notYet = await as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  expect(notYet.status).toBe(201);

  const options = { taskQueue: stack.taskQueue, cron: '0 9 1 9 *' };
  expect(await ensureAnnualSweepSchedule(stack.temporal, options)).toBe('created');
  expect(await ensureAnnualSweepSchedule(stack.temporal, { ...options, cron: '0 9 15 10 *' })).toBe('updated');
  const schedule = stack.temporal.schedule.getHandle(annualSweepScheduleId);
  const described = await schedule.describe();
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  expect(described.spec.calendars).toEqual([expect.objectContaining({ month: [{ start: 'OCTOBER', end: 'OCTOBER', step: 1 }], dayOfMonth: [{ start: 15, end: 15, step: 1 }] })]);

  const sweeps = async () => {
    let n = 0;
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowType = 'annualSweepWorkflow' AND ExecutionStatus = 'Completed'` })) if (run) n++;
    return n;
  };
  await schedule.trigger();
  await eventually(async () => (await sweeps()) === 1, 30_000);
  const review = await taskOf('village.worker', id, 'ANNUAL_REVIEW');
  expect(review).toMatchObject({ stepLabel: '年度集中排查', allowedDecisions: ['approve'] });
  // Only monitored households are swept.
  expect(await stack.db.task.count({ where: { caseId: notYet.body.id, step: 'ANNUAL_REVIEW' } })).toBe(0);

  // Run again the same year: nothing opens twice.
  await schedule.trigger();
  await eventually(async () => (await sweeps()) === 2, 30_000);
  expect(await stack.db.task.count({ where: { caseId: id, step: 'ANNUAL_REVIEW' } })).toBe(1);

  const done = await as('village.worker', 'POST', `/api/tasks/${review.id}/complete`, { decision: 'approve', comment: '复核：收入稳定' });
  expect(done).toMatchObject({ status: 200, body: { stage: 'MONITORED' } });
  const timeline = (await as('village.worker', 'GET', `/api/monitoring-cases/${id}`)).body.timeline.map((e: any) => e.label);
  expect(timeline).toEqual(expect.arrayContaining(['年度集中排查']));
  await schedule.delete();
});

test('a district approver moves a case onto a newer policy version; others cannot, and bad versions are refused', async () => {
  const created = await as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  expect(created.body.policyVersion).toBe(1);
  const id = created.body.id as string;
  const stored = await as('district.approver', 'PUT', '/api/policy', { settings: { ...shortPostingPolicy, monitoringLines: { ...shortPostingPolicy.monitoringLines, '2027': 8000 } } });
  expect(stored.status).toBe(201);
  const version = stored.body.version as number;

  expect((await as('district.approver', 'PUT', `/api/monitoring-cases/${id}/policy`, { version: 'new' })).status).toBe(400);
  expect(await as('village.worker', 'PUT', `/api/monitoring-cases/${id}/policy`, { version })).toEqual({
    status: 403,
    body: { error: 'forbidden', reason: '只有区级审批人员可以调整案件适用的政策版本' },
  });
  expect(await as('district.approver', 'PUT', `/api/monitoring-cases/${id}/policy`, { version: 99 })).toEqual({ status: 404, body: { error: 'not_found', reason: '政策设置第99版不存在' } });

  const moved = await as('district.approver', 'PUT', `/api/monitoring-cases/${id}/policy`, { version });
  expect(moved.status).toBe(200);
  expect(moved.body.policyVersion).toBe(version);
  expect(moved.body.timeline.at(-1)).toMatchObject({ kind: 'POLICY_APPLIED', label: '调整适用政策版本', actor: 'district.approver', comment: `政策设置由第1版调整为第${version}版` });
  expect(await as('district.approver', 'PUT', `/api/monitoring-cases/${id}/policy`, { version })).toEqual({ status: 409, body: { error: 'conflict', reason: `案件已适用第${version}版政策设置` } });
  const audit = await stack.db.auditEntry.findFirstOrThrow({ where: { action: 'case.policy_change', targetId: id } });
  expect(audit).toMatchObject({ before: { policyVersion: 1 }, after: { policyVersion: version } });
});
