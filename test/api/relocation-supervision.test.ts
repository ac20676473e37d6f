import { demoVillage } from '../../src/demo/seed';
import { eventually } from '../support/eventually';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

/**
 * 目标未达标督办 over HTTP on the time-skipping server: targets unmet 90 days after the baseline put a supervision task
 * in the town's inbox (/api/tasks, process relocation); overdue, it is escalated to the district's supervision list;
 * the town decides it through the shared decision route. Closing after the stable period is seen in the read model.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ temporal: 'time-skipping' });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

const as = async (username: string, method: string, path: string, body?: unknown) => stack.request(method, path, { token: await stack.login(username), body });
const baseline = { memberCount: 3, laborForceCount: 1, laborCapacity: 'full', skills: [], healthStatus: 'GOOD' };

async function openWithBaseline(): Promise<string> {
  const created = await as('town.reviewer', 'POST', '/api/relocations', {
    household: { headName: '督办测试户', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 3, laborCapacity: 'full' },
    siteCode: 'DJ-JZ-01',
    relocatedAt: '2026-06-01',
  });
  expect(created.status).toBe(201);
  expect((await as('village.worker', 'POST', `/api/relocations/${created.body.id}/baseline`, baseline)).status).toBe(201);
  return created.body.id;
}

test('unmet targets: the town supervises through its inbox, the district sees it escalated, the decision goes through /api/tasks', async () => {
  const id = await openWithBaseline();
  await stack.skip('91 days');
  const task = await eventually(async () => (await as('town.reviewer', 'GET', `/api/tasks?caseId=${id}`)).body.items.find((t: any) => t.step === 'TARGET_SUPERVISION'), 30_000);
  expect(task).toMatchObject({ process: 'relocation', stepLabel: '目标未达标督办', allowedDecisions: ['approve'], decisionLabels: { approve: '已督办' } });
  expect((await as('district.approver', 'GET', `/api/relocations/${id}`)).body).toMatchObject({ atRisk: true });
  expect((await as('district.approver', 'GET', '/api/relocations?atRisk=true&pageSize=100')).body.items.map((c: any) => c.id)).toContain(id);

  // Due in 15 days, escalated to the district 7 days later.
  await stack.skip('23 days');
  const escalated = await eventually(async () => (await as('district.approver', 'GET', `/api/tasks?caseId=${id}`)).body.escalated.find((t: any) => t.id === task.id), 30_000);
  expect(escalated).toMatchObject({ escalationLevel: 1, escalatedToCode: '500154' });

  // A reason is required; then the town's decision is recorded and the case stays in follow-up.
  expect((await as('town.reviewer', 'POST', `/api/tasks/${task.id}/complete`, { decision: 'approve' })).status).toBe(400);
  const decided = await as('town.reviewer', 'POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', comment: '已协调园区就业岗位' });
  expect(decided).toMatchObject({ status: 200, body: { stage: 'FOLLOW_UP', stageLabel: '后续扶持' } });
  const view = (await as('town.reviewer', 'GET', `/api/relocations/${id}`)).body;
  expect(view.timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['TARGETS_UNMET', 'TASK_ESCALATED', 'TASK_DECIDED']));
  expect(view.openTasks.map((t: any) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
}, 180_000);

test('both targets kept for the stable period: the case is closed in the read model', async () => {
  const id = await openWithBaseline();
  expect((await as('village.worker', 'POST', `/api/relocations/${id}/employment`, { memberName: '成员', employer: '园区工厂', industry: '制造', monthlyPay: 3500, startDate: '2020-01-01' })).status).toBe(201);
  expect((await as('village.worker', 'POST', `/api/relocations/${id}/projects`, { name: '光伏分红', type: 'DIVIDEND', startDate: '2020-01-01' })).status).toBe(201);
  await stack.skip('366 days');
  const closed = await eventually(async () => {
    const view = (await as('town.reviewer', 'GET', `/api/relocations/${id}`)).body;
    return view.stage === 'CLOSED' ? view : null;
  }, 30_000);
  expect(closed).toMatchObject({ stageLabel: '稳定达标已结案', openTasks: [] });
  expect(closed.closedAt).not.toBeNull();
  expect((await as('village.worker', 'POST', `/api/relocations/${id}/visits`, { atRisk: false, perCapitaIncome: 9000 })).status).toBe(409);
}, 180_000);
