import { monitoringProcess } from '../../src/domain/monitoring/process';
import { demoVillage } from '../../src/demo/seed';
import { caseFlow } from '../support/case-flow';
import { eventually } from '../support/eventually';
import { addUser, shortPostingPolicy, storePolicyVersion1 } from '../support/fixtures';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';

/**
 * Separation of duties across the whole chain (issue 11): nobody decides a step whose subject they produced or raised.
 * The probe found an objection decided by its filer, a case reported and then approved by the same town reviewer, a
 * measure's delivery confirmed by its planner, and an evaluator dismissing the objections to their own evaluation.
 */
let stack: Stack;
const flow = caseFlow(() => stack);

beforeAll(async () => {
  stack = await startStack();
  // Posting long enough to file an objection in it, short enough for the test.
  await storePolicyVersion1(stack.db, { ...shortPostingPolicy, postingPeriod: 'PT8S' });
  await addUser(stack.db, { username: 'village.clerk', displayName: '村文书', role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage });
  await addUser(stack.db, { username: 'town.deputy', displayName: '副镇长', role: 'TOWN_REVIEWER', jurisdictionCode: demoVillage.slice(0, 9) });
});

afterAll(async () => {
  await stack?.stop();
});

test('the process declares, step by step, which steps separate duties', () => {
  const separated = Object.entries(monitoringProcess.steps).filter(([, s]) => s.separationOfDuties).map(([step]) => step).sort();
  expect(separated).toEqual(['DISTRICT_APPROVAL', 'EXIT_DISTRICT_APPROVAL', 'EXIT_TOWN_REVIEW', 'EXIT_VILLAGE_REVIEW', 'MEASURE_DELIVERY', 'OBJECTION', 'TOWN_REVIEW', 'VILLAGE_REVIEW']);
});

async function decideAs(username: string, taskId: string, decision = 'approve', comment?: string) {
  return flow.as(username, 'POST', `/api/tasks/${taskId}/complete`, { decision, comment });
}

test('the reporter, an objection’s filer and the evaluator it contests, and a measure’s planner may not decide those steps', async () => {
  // The town reviewer reports the household.
  const created = await flow.as('town.reviewer', 'POST', '/api/monitoring-cases', intakeBody());
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await flow.decide('village.worker', id, 'HOME_VISIT');
  await flow.decide('dept.medical', id, 'DATA_MATCHING');
  await flow.decide('village.head', id, 'VILLAGE_REVIEW');

  // An objection filed by the village worker: neither the filer nor the evaluator (village.head) decides it.
  const filed = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${id}/objections`, { content: '群众反映该户有稳定务工收入' });
  expect(filed.status).toBe(201);
  const objection = filed.body.taskId as string;
  for (const username of ['village.worker', 'village.head']) {
    const refused = await decideAs(username, objection);
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toMatch(/不能(审核自己提交的步骤|办理自己经手的事项)/);
    // Nor is it in their inbox.
    expect((await flow.as(username, 'GET', `/api/tasks?caseId=${id}`)).body.items.map((t: { id: string }) => t.id)).not.toContain(objection);
  }
  expect((await decideAs('village.clerk', objection, 'approve', '经核实，异议不成立')).status).toBe(200);

  // The town reviewer who reported the case may not review it; another town reviewer may.
  const townTask = await flow.taskOf('town.deputy', id, 'TOWN_REVIEW');
  const own = await decideAs('town.reviewer', townTask.id);
  expect(own.status).toBe(403);
  expect(own.body.reason).toContain('不能办理自己经手的事项');
  expect((await decideAs('town.deputy', townTask.id)).status).toBe(200);
  await flow.decide('district.approver', id, 'DISTRICT_APPROVAL');
  await flow.decide('district.approver', id, 'ANNOUNCEMENT');

  // A measure planned by the village worker is confirmed delivered by someone else.
  const planned = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${id}/measures`, { measures: [{ type: 'INDUSTRY', startDate: '2026-12-01' }] });
  expect(planned.status).toBe(201);
  const delivery = await flow.taskOf('village.head', id, 'MEASURE_DELIVERY');
  expect((await decideAs('village.worker', delivery.id)).status).toBe(403);
  expect((await decideAs('village.head', delivery.id, 'approve', '已落实')).status).toBe(200);
  await eventually(async () => (await stack.db.measure.findFirstOrThrow({ where: { caseId: id } })).status === 'DELIVERED');
});
