import { demoPassword, demoVillage } from '../../src/demo/seed';
import { eventually } from '../support/eventually';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';
import { intakeBody } from '../support/intake';
import { addUser, neighbourTownReviewer, storePolicyVersion1 } from '../support/fixtures';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await storePolicyVersion1(stack.db);
  // A reviewer of the neighbouring town, to check that scope hides other towns' cases.
  await addUser(stack.db, neighbourTownReviewer);
});
afterAll(async () => {
  await stack?.stop();
});

const intake = (idNumber = newIdNumber(), villageCode = demoVillage) => intakeBody({ idNumber, villageCode }, { note: '家中主要劳动力因病住院' });

async function openCase(idNumber?: string) {
  const res = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body: intake(idNumber) });
  expect(res.status).toBe(201);
  return res.body;
}

/** The user's inbox, first page; with `caseId`, that case's tasks only. */
async function inbox(username: string, caseId?: string) {
  const res = await stack.request('GET', `/api/tasks${caseId ? `?caseId=${caseId}` : ''}`, { token: await stack.login(username) });
  expect(res.status).toBe(200);
  return res.body as { items: any[]; escalated: any[]; page: number; pageSize: number; total: number; escalatedTotal: number };
}

async function complete(username: string, taskId: string, decision: string, comment?: string) {
  return stack.request('POST', `/api/tasks/${taskId}/complete`, { token: await stack.login(username), body: { decision, comment } });
}

async function taskOf(username: string, caseId: string, step?: string) {
  const task = (await inbox(username, caseId)).items.find((t) => t.caseId === caseId && (!step || t.step === step));
  expect(task).toBeDefined();
  return task;
}

async function caseView(caseId: string, username = 'district.approver') {
  return (await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login(username) })).body;
}

/** Visit, data matching and village evaluation approved; then posting runs out and the town review opens. */
async function throughPosting(caseId: string) {
  await complete('village.worker', (await taskOf('village.worker', caseId, 'HOME_VISIT')).id, 'approve');
  await complete('dept.medical', (await taskOf('dept.medical', caseId, 'DATA_MATCHING')).id, 'approve', '数据比对无异常');
  expect((await complete('village.head', (await taskOf('village.head', caseId, 'VILLAGE_REVIEW')).id, 'approve')).body.stage).toBe('PUBLIC_POSTING');
  await eventually(async () => (await caseView(caseId)).stage === 'TOWN_REVIEW', 20_000);
}

/** Everything a rejected request must leave untouched. */
async function counts() {
  const { db } = stack;
  const [households, cases, tasks, timeline, decided] = await Promise.all([
    db.household.count(),
    db.monitoringCase.count(),
    db.task.count(),
    db.timelineEvent.count(),
    db.task.count({ where: { status: 'COMPLETED' } }),
  ]);
  return { households, cases, tasks, timeline, decided };
}

test('health reports the database and Temporal', async () => {
  const res = await stack.request('GET', '/api/health');
  expect(res).toEqual({ status: 200, body: { status: 'ok', checks: { database: 'ok', temporal: 'ok' } } });
});

describe('login', () => {
  test('demo users log in and get a token and their role', async () => {
    const res = await stack.request('POST', '/api/auth/login', { body: { username: 'town.reviewer', password: demoPassword } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      tokenExpiresAt: expect.any(String),
      refreshToken: expect.any(String),
      refreshTokenExpiresAt: expect.any(String),
      user: expect.objectContaining({ username: 'town.reviewer', role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' }),
    });
  });

  test('a wrong password or unknown user is 401, a missing field 400', async () => {
    expect((await stack.request('POST', '/api/auth/login', { body: { username: 'town.reviewer', password: 'nope' } })).status).toBe(401);
    expect((await stack.request('POST', '/api/auth/login', { body: { username: 'nobody', password: demoPassword } })).body).toEqual({ error: 'unauthenticated', reason: '用户名或密码错误' });
    const missing = await stack.request('POST', '/api/auth/login', { body: { username: 'town.reviewer' } });
    expect(missing).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'password', message: expect.stringContaining('password') }] } });
  });

  test('routes other than login and health need a valid bearer token', async () => {
    expect((await stack.request('GET', '/api/tasks')).status).toBe(401);
    expect((await stack.request('GET', '/api/tasks', { token: 'forged.token.value' })).body).toMatchObject({ error: 'unauthenticated' });
  });

  test('passwords are stored as argon2 hashes', async () => {
    const user = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

test('demo users carry a case from lead to monitored; each step is in the right inbox and the timeline says who did what', async () => {
  const created = await openCase();
  expect(created).toMatchObject({ stage: 'HOME_VISIT', stageLabel: '入户核实', categoryLabel: '边缘易致贫户', villageName: expect.stringContaining('演示'), policyVersion: 1 });
  expect(created.household.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
  expect(created.openTasks.map((t: any) => [t.step, t.stepLabel, t.allowedDecisions])).toEqual([
    ['HOME_VISIT', '入户核实', ['approve', 'reject']],
    ['DATA_MATCHING', '信息比对', ['approve', 'reject']],
  ]);
  expect(created.clocks.map((c: any) => c.name)).toEqual(['入户核实办理期限', '信息比对办理期限', '认定时限']);

  // Read-your-writes: the case is there the moment the POST answered.
  const fetched = await stack.request('GET', `/api/monitoring-cases/${created.id}`, { token: await stack.login('village.worker') });
  expect(fetched.status).toBe(200);
  expect(fetched.body.timeline).toEqual([expect.objectContaining({ kind: 'CASE_CREATED', actor: 'village.worker' })]);

  const visit = await taskOf('village.worker', created.id, 'HOME_VISIT');
  expect(await complete('village.worker', visit.id, 'approve', '已入户核实，签署承诺授权书')).toMatchObject({ status: 200, body: { caseId: created.id, stage: 'VILLAGE_REVIEW' } });
  expect((await complete('dept.medical', (await taskOf('dept.medical', created.id, 'DATA_MATCHING')).id, 'approve', '医保比对无异常')).body.stage).toBe('VILLAGE_REVIEW');

  // The visitor may not evaluate their own visit: the task is not in their inbox and completing it is refused.
  expect((await inbox('village.worker', created.id)).items.find((t) => t.caseId === created.id)).toBeUndefined();
  const review = await taskOf('village.head', created.id, 'VILLAGE_REVIEW');
  const own = await complete('village.worker', review.id, 'approve');
  expect(own).toEqual({ status: 403, body: { error: 'forbidden', reason: expect.stringContaining('自己提交') } });

  expect((await complete('village.head', review.id, 'approve', '评议通过')).body).toMatchObject({ stage: 'PUBLIC_POSTING', stageLabel: '公示' });
  expect((await caseView(created.id)).postingEndsAt).toEqual(expect.any(String));
  await eventually(async () => (await caseView(created.id)).stage === 'TOWN_REVIEW', 20_000);
  expect((await complete('town.reviewer', (await taskOf('town.reviewer', created.id)).id, 'approve')).body.stage).toBe('DISTRICT_APPROVAL');
  expect((await complete('district.approver', (await taskOf('district.approver', created.id)).id, 'approve')).body.stage).toBe('ANNOUNCEMENT');
  const announced = await complete('district.approver', (await taskOf('district.approver', created.id, 'ANNOUNCEMENT')).id, 'approve');
  expect(announced).toMatchObject({ status: 200, body: { stage: 'MONITORED', stageLabel: '已纳入监测' } });

  const done = await caseView(created.id);
  expect(done.stage).toBe('MONITORED');
  // Monitored households are visited regularly: the first visit is due.
  await eventually(async () => (await caseView(created.id)).openTasks.length === 1);
  expect((await caseView(created.id)).openTasks).toEqual([expect.objectContaining({ step: 'VISIT', stepLabel: '定期走访', allowedDecisions: [] })]);
  expect(done.timeline.map((e: any) => [e.kind, e.stepLabel, e.actor, e.decisionLabel])).toEqual([
    ['CASE_CREATED', null, 'village.worker', null],
    ['TASK_DECIDED', '入户核实', 'village.worker', '通过'],
    ['TASK_DECIDED', '信息比对', 'dept.medical', '通过'],
    ['TASK_DECIDED', '村级民主评议', 'village.head', '通过'],
    ['POSTING_ENDED', null, null, null],
    ['TASK_DECIDED', '乡镇审核', 'town.reviewer', '通过'],
    ['TASK_DECIDED', '区级审定', 'district.approver', '通过'],
    ['TASK_DECIDED', '公告', 'district.approver', '通过'],
  ]);

  const listed = await stack.request('GET', '/api/monitoring-cases?stage=MONITORED&townCode=500154017', { token: await stack.login('town.reviewer') });
  expect(listed.body.items.map((c: any) => c.id)).toContain(created.id);
  const workflow = await stack.temporal.workflow.getHandle(`monitoring-${created.household.id}`).describe();
  expect(workflow.status.name).toBe('RUNNING');

  // Follow-up: a visit is recorded and the next one scheduled; measures are checked against the policy.
  const token = await stack.login('village.worker');
  const badVisit = await stack.request('POST', `/api/monitoring-cases/${created.id}/visits`, { token, body: { perCapitaIncome: -1, unresolvedSpending: 'no' } });
  expect(badVisit.status).toBe(400);
  expect(badVisit.body.issues.map((i: any) => i.path).sort()).toEqual(['guaranteesSecure', 'perCapitaIncome', 'unresolvedSpending']);
  const visited = await stack.request('POST', `/api/monitoring-cases/${created.id}/visits`, { token, body: { perCapitaIncome: 7800, unresolvedSpending: false, guaranteesSecure: true } });
  expect(visited.status).toBe(201);
  expect(visited.body.case.visits).toEqual([expect.objectContaining({ perCapitaIncome: 7800 })]);
  expect(visited.body.case.openTasks).toEqual([expect.objectContaining({ id: visited.body.nextVisitTaskId, step: 'VISIT' })]);
  const visitTask = visited.body.case.openTasks[0];
  expect(await complete('village.worker', visitTask.id, 'approve')).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'decision', message: expect.stringContaining('登记') }] } });

  // The household is 'partial': 特困 below 1.3 × the 低保 standard (500 元/月) is refused with the minimum.
  const lowSupport = await stack.request('POST', `/api/monitoring-cases/${created.id}/measures`, {
    token,
    body: { measures: [{ type: 'EXTREME_POVERTY_SUPPORT', startDate: '2026-12-01', monthlyAmount: 600 }] },
  });
  expect(lowSupport).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'measures.0.monthlyAmount', message: expect.stringContaining('650') }] } });
  const planned = await stack.request('POST', `/api/monitoring-cases/${created.id}/measures`, {
    token,
    body: { measures: [{ type: 'MINIMUM_LIVING', startDate: '2026-12-01', monthlyAmount: 500 }, { type: 'PUBLIC_WELFARE_JOB', startDate: '2026-12-01' }] },
  });
  expect(planned.status).toBe(201);
  expect(planned.body.case.measures.map((m: any) => [m.label, m.department, m.statusLabel])).toEqual([
    ['低保', 'CIVIL_AFFAIRS', '待落实'],
    ['公益岗位', 'HUMAN_RESOURCES', '待落实'],
  ]);
  // dept.officer is 民政 (civil affairs): the 低保 is theirs to deliver, the public-welfare job is 人社's.
  const deliveries = (await inbox('dept.officer', created.id)).items.filter((t) => t.caseId === created.id && t.step === 'MEASURE_DELIVERY');
  expect(deliveries).toHaveLength(1);
  const others = await stack.db.task.findFirstOrThrow({ where: { caseId: created.id, step: 'MEASURE_DELIVERY', department: 'HUMAN_RESOURCES' } });
  expect(await complete('dept.officer', others.id, 'approve')).toEqual({ status: 403, body: { error: 'forbidden', reason: '该任务由其他部门办理' } });
  const delivery = deliveries[0];
  expect(await complete('dept.officer', delivery.id, 'approve', '已落实')).toMatchObject({ status: 200, body: { stage: 'MONITORED' } });
  expect((await caseView(created.id)).measures.map((m: any) => m.statusLabel).sort()).toEqual(['已落实', '待落实']);
});

test('an objection during posting is recorded, holds the case, and once resolved the town review opens', async () => {
  const created = await openCase();
  await complete('village.worker', (await taskOf('village.worker', created.id, 'HOME_VISIT')).id, 'approve');
  // Before posting there is nothing to object to.
  const early = await stack.request('POST', `/api/monitoring-cases/${created.id}/objections`, { token: await stack.login('town.reviewer'), body: { content: '异议' } });
  expect(early).toEqual({ status: 409, body: { error: 'conflict', reason: '案件不在公示期，不能登记异议' } });
  await complete('village.head', (await taskOf('village.head', created.id, 'VILLAGE_REVIEW')).id, 'approve');

  const filed = await stack.request('POST', `/api/monitoring-cases/${created.id}/objections`, { token: await stack.login('town.reviewer'), body: { content: '群众反映该户有稳定务工收入' } });
  expect(filed.status).toBe(201);
  expect(filed.body.case.timeline.at(-1)).toMatchObject({ kind: 'OBJECTION_FILED', actor: 'town.reviewer', comment: '群众反映该户有稳定务工收入' });
  expect((await stack.request('POST', `/api/monitoring-cases/${created.id}/objections`, { token: await stack.login('town.reviewer'), body: { content: ' ' } })).status).toBe(400);
  expect((await stack.request('POST', `/api/monitoring-cases/${created.id}/objections`, { token: await stack.login('neighbour.town'), body: { content: '异议' } })).status).toBe(404);

  // Posting's second is long over, but the objection and the data matching are still open.
  await new Promise((r) => setTimeout(r, 2000));
  expect((await caseView(created.id)).stage).toBe('PUBLIC_POSTING');
  const objection = await taskOf('village.worker', created.id, 'OBJECTION');
  expect(objection.stepLabel).toBe('公示异议处理');
  await complete('village.worker', objection.id, 'approve', '经核实务工收入不稳定，异议不成立');
  expect((await caseView(created.id)).stage).toBe('PUBLIC_POSTING');
  await complete('dept.medical', (await taskOf('dept.medical', created.id, 'DATA_MATCHING')).id, 'approve');
  await eventually(async () => (await caseView(created.id)).stage === 'TOWN_REVIEW', 20_000);
});

test('a request sent again with its Idempotency-Key gets the first answer and records nothing twice', async () => {
  const created = await openCase();
  const post = (username: string, path: string, body: unknown, key?: string) =>
    stack.login(username).then((token) => stack.request('POST', `/api/monitoring-cases/${created.id}${path}`, { token, body, headers: key ? { 'Idempotency-Key': key } : {} }));
  await complete('village.worker', (await taskOf('village.worker', created.id, 'HOME_VISIT')).id, 'approve');
  await complete('village.head', (await taskOf('village.head', created.id, 'VILLAGE_REVIEW')).id, 'approve');

  // An objection sent twice with one key: one objection task, one timeline entry, one audit entry, the same answer.
  const key = 'objection-6f1c2d0e-retry';
  const first = await post('town.reviewer', '/objections', { content: '群众反映该户有稳定务工收入' }, key);
  const again = await post('town.reviewer', '/objections', { content: '群众反映该户有稳定务工收入' }, key);
  expect(first.status).toBe(201);
  expect(again).toMatchObject({ status: 201, body: { taskId: first.body.taskId } });
  expect(await stack.db.task.count({ where: { caseId: created.id, step: 'OBJECTION' } })).toBe(1);
  expect(await stack.db.timelineEvent.count({ where: { caseId: created.id, kind: 'OBJECTION_FILED' } })).toBe(1);
  expect(await stack.db.auditEntry.count({ where: { action: 'case.objection', targetId: created.id } })).toBe(1);
  // The same key from another user is another request; without a key each request is a new one.
  expect((await post('district.approver', '/objections', { content: '另一条异议' }, key)).body.taskId).not.toBe(first.body.taskId);
  expect(await stack.db.task.count({ where: { caseId: created.id, step: 'OBJECTION' } })).toBe(2);

  // A malformed key is refused before anything is written.
  const before = await counts();
  expect(await post('town.reviewer', '/objections', { content: '异议' }, 'short')).toEqual({
    status: 400,
    body: { error: 'validation', issues: [{ path: 'idempotency-key', message: expect.stringContaining('Idempotency-Key') }] },
  });
  expect(await counts()).toEqual(before);

  // Once posting is over a new objection is refused, but the first one's retry still gets its answer.
  for (const objection of await stack.db.task.findMany({ where: { caseId: created.id, step: 'OBJECTION' } })) {
    await complete('village.worker', objection.id, 'approve', '经核实异议不成立');
  }
  await complete('dept.medical', (await taskOf('dept.medical', created.id, 'DATA_MATCHING')).id, 'approve');
  await eventually(async () => (await caseView(created.id)).stage === 'TOWN_REVIEW', 20_000);
  expect((await post('town.reviewer', '/objections', { content: '异议' })).status).toBe(409);
  expect(await post('town.reviewer', '/objections', { content: '群众反映该户有稳定务工收入' }, key)).toMatchObject({ status: 201, body: { taskId: first.body.taskId } });
});

test('a return goes back to the step that produced the gap with its reason; a reject ends the case, after which the household may be reported again', async () => {
  const idNumber = newIdNumber();
  const created = await openCase(idNumber);
  await throughPosting(created.id);
  const returned = await complete('town.reviewer', (await taskOf('town.reviewer', created.id)).id, 'return', '缺少收入证明，请补充');
  expect(returned.body).toMatchObject({ stage: 'VILLAGE_REVIEW', stageLabel: '村级民主评议' });
  const view = await caseView(created.id, 'village.head');
  expect(view.timeline.at(-1)).toMatchObject({ decision: 'return', decisionLabel: '退回补充', comment: '缺少收入证明，请补充', fromStage: 'TOWN_REVIEW', toStage: 'VILLAGE_REVIEW' });

  const rejected = await complete('village.head', (await taskOf('village.head', created.id)).id, 'reject', '核实后家庭收入高于监测标准');
  expect(rejected.body).toMatchObject({ stage: 'NOT_INCLUDED', stageLabel: '不予纳入' });
  expect((await caseView(created.id)).openTasks).toEqual([]);
  const again = await openCase(idNumber);
  expect(again.id).not.toBe(created.id);
  expect(again.household.id).toBe(created.household.id);
});

describe('bad requests get a clear answer and write nothing', () => {
  test('an invalid intake is 400 with each field and its problem', async () => {
    const before = await counts();
    const body = intake('500234198001011231');
    (body.household as any).memberCount = 0;
    (body as any).riskTypes = ['FLOOD'];
    const res = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation');
    expect(res.body.issues.map((i: any) => i.path).sort()).toEqual(['household.idNumber', 'household.memberCount', 'riskTypes.0']);
    expect(await counts()).toEqual(before);
  });

  test('malformed JSON, an unknown village, a village out of scope and a role that may not report are refused', async () => {
    const before = await counts();
    const token = await stack.login('village.worker');
    expect(await stack.request('POST', '/api/monitoring-cases', { token, body: '{"household":' })).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: '', message: '请求体不是有效的JSON' }] } });
    const unknown = await stack.request('POST', '/api/monitoring-cases', { token, body: intake(undefined, '500154017999') });
    expect(unknown).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'household.villageCode', message: expect.stringContaining('不存在') }] } });
    const elsewhere = await stack.request('POST', '/api/monitoring-cases', { token, body: intake(undefined, '500154018001') });
    expect(elsewhere).toEqual({ status: 403, body: { error: 'forbidden', reason: '该村（社区）不在您的辖区内' } });
    const coordinator = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('coordinator'), body: intake() });
    expect(coordinator.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  test('a second open case for the same household is 409 naming the open one', async () => {
    const idNumber = newIdNumber();
    const first = await openCase(idNumber);
    const before = await counts();
    const res = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body: intake(idNumber) });
    expect(res).toEqual({ status: 409, body: { error: 'conflict', reason: expect.stringContaining('同一户'), caseId: first.id } });
    expect(await counts()).toEqual(before);
  });

  test('task decisions: unknown 404, not yours 403, missing reason 400, already done 409', async () => {
    const created = await openCase();
    const visit = await taskOf('village.worker', created.id, 'HOME_VISIT');
    const before = await counts();
    expect(await complete('village.worker', 'no-such-task', 'approve')).toEqual({ status: 404, body: { error: 'not_found', reason: '任务不存在' } });
    expect(await complete('town.reviewer', visit.id, 'approve')).toEqual({ status: 403, body: { error: 'forbidden', reason: expect.stringContaining('村级信息员') } });
    expect(await complete('village.worker', visit.id, 'reject')).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'comment', message: expect.stringContaining('原因') }] } });
    expect(await complete('village.worker', visit.id, 'return', '退回')).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'decision', message: expect.any(String) }] } });
    expect((await complete('village.worker', visit.id, 'maybe')).body.issues[0].path).toBe('decision');
    expect(await counts()).toEqual(before);

    const first = await complete('village.worker', visit.id, 'approve');
    expect(first).toMatchObject({ status: 200, body: { stage: 'VILLAGE_REVIEW' } });
    const afterFirst = await counts();
    // The same request again (a client retry) gets the first answer; nothing is decided twice.
    expect(await complete('village.worker', visit.id, 'approve')).toEqual(first);
    expect((await complete('village.worker', visit.id, 'reject', '改变主意')).status).toBe(409);
    expect(await complete('village.head', visit.id, 'approve')).toEqual({ status: 409, body: { error: 'conflict', reason: expect.stringContaining('已办结') } });
    expect(await counts()).toEqual(afterFirst);
  });

  test('reads outside the caller’s jurisdiction are 404, and lists are scoped', async () => {
    const created = await openCase();
    const neighbour = await stack.login('neighbour.town');
    expect(await stack.request('GET', `/api/monitoring-cases/${created.id}`, { token: neighbour })).toEqual({ status: 404, body: { error: 'not_found', reason: expect.any(String) } });
    const list = await stack.request('GET', '/api/monitoring-cases', { token: neighbour });
    expect(list.body).toMatchObject({ items: [], total: 0 });
    expect((await stack.request('GET', '/api/monitoring-cases/unknown-id', { token: await stack.login('district.approver') })).status).toBe(404);
    const badQuery = await stack.request('GET', '/api/monitoring-cases?overdue=maybe&pageSize=1000', { token: neighbour });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.issues.map((i: any) => i.path).sort()).toEqual(['overdue', 'pageSize']);
  });
});

test('lists page through cases newest first', async () => {
  const token = await stack.login('village.worker');
  const all = (await stack.request('GET', '/api/monitoring-cases?pageSize=100', { token })).body;
  const page1 = (await stack.request('GET', '/api/monitoring-cases?pageSize=2&page=1', { token })).body;
  const page2 = (await stack.request('GET', '/api/monitoring-cases?pageSize=2&page=2', { token })).body;
  expect(all.total).toBeGreaterThanOrEqual(4);
  expect([...page1.items, ...page2.items].map((c: any) => c.id)).toEqual(all.items.slice(0, 4).map((c: any) => c.id));
});

describe('the inbox pages, and the case list filters on overdue tasks', () => {
  // A village of its own (the demo town's second), so that its caseworker's inbox and case list hold this block's cases only.
  const village = '500154017002';
  const ids: string[] = [];
  const visitOf = async (caseId: string) => (await stack.db.task.findFirstOrThrow({ where: { caseId, step: 'HOME_VISIT', status: 'OPEN' } })).id;
  const get = async (username: string, path: string) => stack.request('GET', path, { token: await stack.login(username) });

  beforeAll(async () => {
    await addUser(stack.db, { username: 'paging.worker', displayName: '二村信息员', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village });
    for (let i = 0; i < 3; i++) {
      const res = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('paging.worker'), body: intake(undefined, village) });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
  });

  test('items come a page at a time, due soonest first, with the total; past the last page the lists are empty', async () => {
    const all = (await get('paging.worker', '/api/tasks?pageSize=200')).body;
    expect(all).toMatchObject({ page: 1, pageSize: 200, total: 3, escalated: [], escalatedTotal: 0 });
    expect(all.items.map((t: any) => t.caseId).sort()).toEqual([...ids].sort());
    const order = [...all.items].sort((a: any, b: any) => a.dueAt.localeCompare(b.dueAt) || (a.id < b.id ? -1 : 1));
    expect(all.items.map((t: any) => t.id)).toEqual(order.map((t: any) => t.id));

    const defaults = (await get('paging.worker', '/api/tasks')).body;
    expect(defaults).toMatchObject({ page: 1, pageSize: 50, total: 3 });
    const pages = await Promise.all([1, 2, 3].map(async (page) => (await get('paging.worker', `/api/tasks?page=${page}&pageSize=2`)).body));
    expect(pages.map((p) => [p.page, p.pageSize, p.total, p.items.length])).toEqual([
      [1, 2, 3, 2],
      [2, 2, 3, 1],
      [3, 2, 3, 0],
    ]);
    expect(pages.flatMap((p) => p.items.map((t: any) => t.id))).toEqual(all.items.map((t: any) => t.id));
  });

  test('caseId narrows both lists to one case’s tasks', async () => {
    const one = (await get('paging.worker', `/api/tasks?caseId=${ids[1]}`)).body;
    expect(one).toMatchObject({ total: 1, items: [{ caseId: ids[1], step: 'HOME_VISIT' }], escalated: [], escalatedTotal: 0 });
    // Another village's caseworker: the case is not theirs to act on.
    expect((await get('village.worker', `/api/tasks?caseId=${ids[1]}`)).body).toMatchObject({ items: [], total: 0 });
  });

  test('tasks escalated to the town are paged the same way, for the town reviewer', async () => {
    // Escalated in the read model only (the workflows' clocks run days): what the inbox reads. Due minutes either side
    // of now, so that a time zone slip in the overdue filter below would show.
    const now = Date.now();
    for (const [i, caseId] of ids.slice(0, 2).entries()) {
      await stack.db.task.update({ where: { id: await visitOf(caseId) }, data: { dueAt: new Date(now - (2 - i) * 300_000), escalationLevel: 1, escalatedToCode: '500154017' } });
    }
    await stack.db.task.update({ where: { id: await visitOf(ids[2]) }, data: { dueAt: new Date(now + 600_000) } });
    const first = (await get('town.reviewer', '/api/tasks?pageSize=1')).body;
    const second = (await get('town.reviewer', '/api/tasks?pageSize=1&page=2')).body;
    expect([first.escalatedTotal, second.escalatedTotal]).toEqual([2, 2]);
    expect([...first.escalated, ...second.escalated].map((t: any) => t.caseId)).toEqual([ids[0], ids[1]]);
    expect(first.escalated[0]).toMatchObject({ overdue: true, escalated: true, escalationLevel: 1 });
    expect((await get('town.reviewer', `/api/tasks?caseId=${ids[1]}`)).body).toMatchObject({ escalatedTotal: 1, escalated: [{ caseId: ids[1] }] });
  });

  test('overdue=true lists the cases with an open task past due, overdue=false the others, each flagged', async () => {
    // The escalations above left the first two cases' home visits past due.
    const list = async (query: string) => (await get('paging.worker', `/api/monitoring-cases${query}`)).body;
    const flags = (body: any) => Object.fromEntries(body.items.map((c: any) => [c.id, c.overdue]));
    expect(flags(await list(''))).toEqual({ [ids[0]]: true, [ids[1]]: true, [ids[2]]: false });
    const overdue = await list('?overdue=true');
    expect(overdue).toMatchObject({ total: 2 });
    expect(flags(overdue)).toEqual({ [ids[0]]: true, [ids[1]]: true });
    const onTime = await list('?overdue=false');
    expect(onTime).toMatchObject({ total: 1, items: [{ id: ids[2], overdue: false }] });
    // Paged like the unfiltered list, newest first; filters combine.
    const page2 = await list('?overdue=true&pageSize=1&page=2');
    expect(page2).toMatchObject({ total: 2, items: [{ id: overdue.items[1].id }] });
    expect(await list('?overdue=true&stage=TOWN_REVIEW')).toMatchObject({ total: 0, items: [] });
    // A task past due that is done no longer counts.
    await stack.db.task.update({ where: { id: await visitOf(ids[1]) }, data: { status: 'COMPLETED', completedAt: new Date() } });
    expect(flags(await list('?overdue=true'))).toEqual({ [ids[0]]: true });
    expect((await list('?overdue=false')).total).toBe(2);
  });

  test('page, pageSize and caseId out of bounds are 400 with each field', async () => {
    const bad = await get('paging.worker', '/api/tasks?page=0&pageSize=201&caseId=no%20pe');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['caseId', 'page', 'pageSize']);
    expect(bad.body.issues.map((i: any) => i.message)).toEqual(expect.arrayContaining(['页码从1开始', '每页最多200条']));
    expect((await get('paging.worker', '/api/tasks?pageSize=0')).body.issues).toEqual([{ path: 'pageSize', message: '每页至少1条' }]);
    expect((await get('paging.worker', '/api/tasks?page=1.5&pageSize=abc')).body.issues.map((i: any) => i.path).sort()).toEqual(['page', 'pageSize']);
    expect((await get('paging.worker', '/api/tasks?pageSize=200')).status).toBe(200);
    expect((await get('paging.worker', `/api/tasks?page=${Number.MAX_SAFE_INTEGER}&pageSize=200`)).body).toMatchObject({ page: Number.MAX_SAFE_INTEGER, items: [] });
  });
});
