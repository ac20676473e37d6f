import { caseFlow } from '../support/case-flow';
import { eventually } from '../support/eventually';
import { shortPostingPolicy, storePolicyVersion1 } from '../support/fixtures';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';

/**
 * 信息比对 per department (issue 11, claims): each department whose data a case's risks concern compares it on its own
 * task, which only that department's officers see, claim, decide, and read the full ID number for. Before, one task
 * was open to every department officer of the district.
 */
let stack: Stack;
const flow = caseFlow(() => stack);

beforeAll(async () => {
  stack = await startStack();
  await storePolicyVersion1(stack.db, shortPostingPolicy);
});

afterAll(async () => {
  await stack?.stop();
});

interface TaskView {
  id: string;
  caseId: string;
  step: string;
  department: string | null;
  departmentLabel: string | null;
}
const inbox = async (username: string, caseId: string): Promise<TaskView[]> =>
  (await flow.as(username, 'GET', `/api/tasks?caseId=${caseId}`)).body.items.filter((t: TaskView) => t.caseId === caseId);
const stageOf = async (caseId: string): Promise<string> => (await flow.as('district.approver', 'GET', `/api/monitoring-cases/${caseId}`)).body.stage;

test('因病 and 因学: 医保 and 教育 each match their own data, 民政 has no part, and posting waits for both', async () => {
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody({}, { riskTypes: ['ILLNESS', 'SCHOOLING'] }));
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const matching = (created.body.openTasks as TaskView[]).filter((t) => t.step === 'DATA_MATCHING');
  expect(matching.map((t) => [t.department, t.departmentLabel])).toEqual([
    ['MEDICAL_INSURANCE', '医保'],
    ['EDUCATION', '教育'],
  ]);
  const [medical, education] = matching;

  // 民政's officer: neither task in the inbox, each refused with the reason; the case is not theirs to read (404).
  expect(await inbox('dept.officer', id)).toEqual([]);
  for (const task of matching) {
    for (const action of ['claim', 'complete']) {
      const refused = await flow.as('dept.officer', 'POST', `/api/tasks/${task.id}/${action}`, { decision: 'approve' });
      expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden', reason: '该任务由其他部门办理' } });
    }
  }
  expect((await flow.as('dept.officer', 'GET', `/api/monitoring-cases/${id}/personal-data`)).status).toBe(404);

  // 医保's officer: its own task only; it reads the full ID number to match, claims and decides its task, not 教育's.
  expect((await inbox('dept.medical', id)).map((t) => t.id)).toEqual([medical.id]);
  expect((await flow.as('dept.medical', 'GET', `/api/monitoring-cases/${id}/personal-data`)).status).toBe(200);
  expect((await flow.as('dept.medical', 'POST', `/api/tasks/${education.id}/claim`)).status).toBe(403);
  expect((await flow.as('dept.medical', 'POST', `/api/tasks/${medical.id}/claim`)).status).toBe(200);

  await flow.decide('village.worker', id, 'HOME_VISIT');
  expect((await flow.decide('dept.medical', id, 'DATA_MATCHING', 'approve', '医保：本年住院自付 2.1 万元')).stage).toBe('VILLAGE_REVIEW');
  expect((await flow.decide('village.head', id, 'VILLAGE_REVIEW')).stage).toBe('PUBLIC_POSTING');
  // The one-second posting is long over, and the case still waits for 教育.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await stageOf(id)).toBe('PUBLIC_POSTING');
  expect((await inbox('dept.education', id)).map((t) => t.id)).toEqual([education.id]);
  await flow.decide('dept.education', id, 'DATA_MATCHING', 'approve', '教育：子女就读资助已落实');
  await eventually(async () => (await stageOf(id)) === 'TOWN_REVIEW', 30_000);
});

test('a risk no department of its own holds (产业失败) is matched by 民政; the officer sees it and nobody else does', async () => {
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody({}, { riskTypes: ['INDUSTRY_FAILURE'] }));
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const [task] = (created.body.openTasks as TaskView[]).filter((t) => t.step === 'DATA_MATCHING');
  expect(task).toMatchObject({ department: 'CIVIL_AFFAIRS', departmentLabel: '民政' });
  expect((await inbox('dept.officer', id)).map((t) => t.id)).toEqual([task.id]);
  expect(await inbox('dept.medical', id)).toEqual([]);
  // A finding that rules the household out ends the case, as before.
  expect((await flow.decide('dept.officer', id, 'DATA_MATCHING', 'reject', '民政：该户已纳入低保且收入稳定')).stage).toBe('NOT_INCLUDED');
});
