import { loadCaseView } from '../../src/api/monitoring/case-view';
import { beijingMonth, beijingYear } from '../../src/domain/monitoring/elimination';
import { monitoringLineFor } from '../../src/domain/policy';
import { caseFlow } from '../support/case-flow';
import { shortPostingPolicy, storePolicyVersion1 } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * 风险消除 and 回退 over HTTP against the real API, worker, PostgreSQL and SMTP, with Temporal's time-skipping test
 * server in place of the dev server: the exit needs 180 days monitored and income above the line in each of the last
 * 6 whole months, so the test moves Temporal's clock (stack.skip) between the caseworkers' requests.
 *
 * Two clocks run here. Workflows, and so every time they write to the read model (timeline, visits, task due times),
 * follow Temporal's clock, months ahead once skipped; the API computes what depends on "now" (the case view's
 * exitReadiness, overdue flags) with the real clock. The proposal itself is checked by the workflow, on its clock.
 */

let stack: Stack;
const { as, taskOf, decide, monitoredCase } = caseFlow(() => stack);
const day = 86_400_000;

beforeAll(async () => {
  stack = await startStack({ temporal: 'time-skipping' });
  await storePolicyVersion1(stack.db);
});
afterAll(async () => {
  await stack?.stop();
});

const pastPosting = () => stack.skip('1 minute');

async function caseView(id: string, username = 'village.worker') {
  const res = await as(username, 'GET', `/api/monitoring-cases/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The exit's chain from the proposal to the town review: visit, village evaluation by another village user, posting. */
async function toExitTownReview(id: string, reason: string) {
  const proposed = await as('village.worker', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, { reason });
  expect(proposed).toMatchObject({ status: 201, body: { stage: 'EXIT_VISIT', case: { stage: 'EXIT_VISIT' } } });
  expect(proposed.body.case.openTasks).toEqual(expect.arrayContaining([expect.objectContaining({ id: proposed.body.taskId, step: 'EXIT_VISIT' })]));
  expect((await decide('village.worker', id, 'EXIT_VISIT', 'approve', '入户核实收入稳定')).stage).toBe('EXIT_VILLAGE_REVIEW');
  expect((await decide('village.head', id, 'EXIT_VILLAGE_REVIEW')).stage).toBe('EXIT_POSTING');
  expect((await caseView(id)).stage).toBe('EXIT_POSTING');
  await pastPosting();
  return taskOf('town.reviewer', id, 'EXIT_TOWN_REVIEW');
}

test('an exit proposed after seven months of visits above the line: rejected at the town review, then approved, then rolled back', async () => {
  // Identification, in Temporal time; then a measure planned and delivered through its task (产业帮扶: the village delivers it).
  const id = await monitoredCase(pastPosting);
  const monitoredAt = await stack.temporalNow();
  const startDate = new Date(monitoredAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const planned = await as('village.worker', 'POST', `/api/monitoring-cases/${id}/measures`, { measures: [{ type: 'INDUSTRY', startDate, note: '发展中药材种植' }] });
  expect(planned.status).toBe(201);
  expect((await decide('village.head', id, 'MEASURE_DELIVERY', 'approve', '产业项目已落地')).stage).toBe('MONITORED');
  expect((await caseView(id)).measures).toEqual([expect.objectContaining({ type: 'INDUSTRY', status: 'DELIVERED' })]);

  // A visit every 28 days (no month is shorter, so every calendar month has one; the visit task, due in 30 days, never
  // runs late) over 224 days: the 6 whole months before the proposal all lie inside, and 180 days pass.
  const line = monitoringLineFor(shortPostingPolicy, beijingYear(monitoredAt.getTime() + 224 * day))!.line;
  const income = line + 1500;
  const visited: string[] = [];
  for (let visit = 0; visit <= 8; visit++) {
    if (visit > 0) await stack.skip('28 days');
    const res = await as('village.worker', 'POST', `/api/monitoring-cases/${id}/visits`, { perCapitaIncome: income, unresolvedSpending: false, guaranteesSecure: true, note: '务工收入稳定' });
    expect(res).toMatchObject({ status: 201, body: { case: { stage: 'MONITORED' } } });
    visited.push(res.body.case.visits[0].at);
  }
  const now = await stack.temporalNow();
  expect(now.getTime() - monitoredAt.getTime()).toBeGreaterThanOrEqual(224 * day);
  expect(new Set(visited.map((at) => beijingMonth(Date.parse(at)))).size).toBeGreaterThanOrEqual(8);

  // What the case view shows: exitReadiness is computed with the API's real clock, at which the household was monitored
  // minutes ago and has no visit in the last 6 whole months; the visits are months ahead, in Temporal time.
  const view = await caseView(id);
  expect(view.exitReadiness.canPropose).toBe(false);
  expect(view.exitReadiness.problems).toEqual([expect.stringMatching(/^纳入监测未满6个月/), expect.stringMatching(/^近6个月.*无收入记录/)]);
  // The same read model at Temporal's clock has nothing against the exit (not over HTTP: the API has no other clock).
  expect((await loadCaseView(stack.db, id, now))!.exitReadiness).toEqual({ canPropose: true, problems: [] });

  // Negative: proposed, and rejected at the town review; the household stays monitored and the exit's work is gone.
  const firstTownReview = await toExitTownReview(id, '务工收入稳定，连续6个月高于监测线');
  expect(firstTownReview).toMatchObject({ stepLabel: '风险消除乡镇审核', allowedDecisions: ['approve', 'return', 'reject'] });
  const rejected = await as('town.reviewer', 'POST', `/api/tasks/${firstTownReview.id}/complete`, { decision: 'reject', comment: '产业收入受灾影响，暂缓消除' });
  expect(rejected).toMatchObject({ status: 200, body: { stage: 'MONITORED' } });
  const afterReject = await caseView(id);
  expect(afterReject.stage).toBe('MONITORED');
  expect(afterReject.openTasks.map((t: any) => t.step)).toEqual(['VISIT']);
  expect(afterReject.timeline.at(-1)).toMatchObject({ kind: 'TASK_DECIDED', step: 'EXIT_TOWN_REVIEW', decision: 'reject', fromStage: 'EXIT_TOWN_REVIEW', toStage: 'MONITORED', actor: 'town.reviewer' });

  // Success: the preconditions still hold, so it is proposed again and runs the whole chain.
  await toExitTownReview(id, '产业恢复，收入稳定');
  expect((await decide('town.reviewer', id, 'EXIT_TOWN_REVIEW', 'approve', '同意')).stage).toBe('EXIT_DISTRICT_APPROVAL');
  expect((await decide('district.approver', id, 'EXIT_DISTRICT_APPROVAL', 'approve', '同意标注风险消除')).stage).toBe('RISK_ELIMINATED');
  const eliminated = await caseView(id);
  expect(eliminated).toMatchObject({ stage: 'RISK_ELIMINATED', stageLabel: '已消除风险', exitReadiness: null, closedAt: null });
  expect(eliminated.timeline.filter((e: any) => e.kind === 'EXIT_PROPOSED').map((e: any) => [e.label, e.actor, e.comment])).toEqual([
    ['申请风险消除', 'village.worker', '务工收入稳定，连续6个月高于监测线'],
    ['申请风险消除', 'village.worker', '产业恢复，收入稳定'],
  ]);
  expect(eliminated.timeline.filter((e: any) => e.kind === 'POSTING_ENDED' && e.fromStage === 'EXIT_POSTING')).toHaveLength(2);
  expect(eliminated.timeline.at(-1)).toMatchObject({ kind: 'TASK_DECIDED', step: 'EXIT_DISTRICT_APPROVAL', actor: 'district.approver', toStage: 'RISK_ELIMINATED' });
  const listed = await as('district.approver', 'GET', '/api/monitoring-cases?stage=RISK_ELIMINATED');
  expect(listed.body.items.map((c: any) => c.id)).toContain(id);

  // 回头看: a visit of the eliminated household schedules the next one in 90 days, no longer 30.
  const recheck = await as('village.worker', 'POST', `/api/monitoring-cases/${id}/visits`, { perCapitaIncome: income, unresolvedSpending: false, guaranteesSecure: true });
  expect(recheck.status).toBe(201);
  const recheckTask = recheck.body.case.openTasks.find((t: any) => t.id === recheck.body.nextVisitTaskId);
  expect(Date.parse(recheckTask.dueAt) - Date.parse(recheck.body.case.visits[0].at)).toBe(90 * day);

  // 回退: monitored again from now, the recheck replaced by a monthly visit in the village's inbox.
  expect((await as('town.reviewer', 'POST', `/api/monitoring-cases/${id}/rollback`, {})).status).toBe(400);
  const rollback = async () =>
    stack.request('POST', `/api/monitoring-cases/${id}/rollback`, {
      token: await stack.login('town.reviewer'),
      body: { reason: '家庭成员突发重病' },
      headers: { 'Idempotency-Key': 'rollback-2f9e4c1a' },
    });
  const rolled = await rollback();
  expect(rolled).toMatchObject({ status: 201, body: { stage: 'MONITORED', case: { stage: 'MONITORED' } } });
  const rolledBack = rolled.body.case.timeline.at(-1);
  expect(rolledBack).toMatchObject({ kind: 'ROLLED_BACK', label: '风险消除回退', actor: 'town.reviewer', comment: '家庭成员突发重病', fromStage: 'RISK_ELIMINATED', toStage: 'MONITORED' });
  expect(rolled.body.case.openTasks.map((t: any) => t.id)).toEqual([rolled.body.visitTaskId]);
  const visitTask = await taskOf('village.worker', id, 'VISIT');
  expect(visitTask.id).toBe(rolled.body.visitTaskId);
  expect(Date.parse(visitTask.dueAt) - Date.parse(rolledBack.at)).toBe(30 * day);
  expect((await as('town.reviewer', 'POST', `/api/monitoring-cases/${id}/rollback`, { reason: '重复' })).status).toBe(409);
  // Sent again with its key (the answer was lost on the way, say): the first answer, though the case has moved on.
  expect(await rollback()).toMatchObject({ status: 201, body: { stage: 'MONITORED', visitTaskId: rolled.body.visitTaskId } });
  // The six months count afresh.
  const again = await as('village.worker', 'POST', `/api/monitoring-cases/${id}/exit-proposals`, { reason: '收入稳定' });
  expect(again.status).toBe(409);
  expect(again.body.reason).toMatch(/纳入监测未满6个月/);

  // The audit log holds each step: the two proposals, every exit decision with the stage it led to, the rollback.
  const audit = async (query: string) => (await as('district.approver', 'GET', `/api/audit?${query}&pageSize=100`)).body.items as any[];
  const caseEntries = await audit(`targetId=${id}`);
  expect(caseEntries.filter((e) => e.action === 'case.exit_proposal').map((e) => e.after.reason)).toEqual(['产业恢复，收入稳定', '务工收入稳定，连续6个月高于监测线']);
  expect(caseEntries.filter((e) => e.action === 'case.rollback')).toEqual([expect.objectContaining({ actor: 'town.reviewer', before: { stage: 'RISK_ELIMINATED' }, after: { stage: 'MONITORED', reason: '家庭成员突发重病' } })]);
  expect(caseEntries.filter((e) => e.action === 'case.visit')).toHaveLength(10);
  const exitDecisions = (await audit('action=task.decide')).filter((e) => e.after.caseId === id && e.after.step.startsWith('EXIT_')).reverse();
  expect(exitDecisions.map((e) => [e.after.step, e.after.decision, e.after.caseStage])).toEqual([
    ['EXIT_VISIT', 'approve', 'EXIT_VILLAGE_REVIEW'],
    ['EXIT_VILLAGE_REVIEW', 'approve', 'EXIT_POSTING'],
    ['EXIT_TOWN_REVIEW', 'reject', 'MONITORED'],
    ['EXIT_VISIT', 'approve', 'EXIT_VILLAGE_REVIEW'],
    ['EXIT_VILLAGE_REVIEW', 'approve', 'EXIT_POSTING'],
    ['EXIT_TOWN_REVIEW', 'approve', 'EXIT_DISTRICT_APPROVAL'],
    ['EXIT_DISTRICT_APPROVAL', 'approve', 'RISK_ELIMINATED'],
  ]);
  expect((await as('district.approver', 'GET', '/api/audit/verify')).body).toMatchObject({ valid: true });
});
