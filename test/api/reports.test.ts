import { Workbook, type Worksheet } from 'exceljs';
import { hashPassword } from '../../src/api/auth/passwords';
import { parseCsv } from '../../src/api/imports/read-table';
import { demoDepartmentOfficer, demoPassword, demoVillage } from '../../src/demo/seed';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy';
import { eventually } from '../support/eventually';
import { intakeBody } from '../support/intake';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';
import { storePolicyVersion1 } from '../support/fixtures';

let stack: Stack;

/** 大进镇, the demo users' town, and its neighbour 谭家镇. */
const townA = '500154017';
const townB = '500154018';
const villageB = `${townB}001`;
const day = 86_400_000;
const headName = '报表测试户主';

// Posting takes a second; data matching and measure delivery fall due after a second, so open ones are overdue
// when the report is read. Every other step keeps the district's default (days), so it is not.
const policy: PolicySettings = {
  ...defaultPolicySettings,
  postingPeriod: 'PT1S',
  stepDue: { ...defaultPolicySettings.stepDue, DATA_MATCHING: 'PT1S' },
  measureDeliveryDue: 'PT1S',
};

/** The six cases, what the report must say about them is spelled out in the expectations below. */
const cases: Record<'a1' | 'a2' | 'a3' | 'a4' | 'b1' | 'b2', string> = { a1: '', a2: '', a3: '', a4: '', b1: '', b2: '' };
const idNumbers: string[] = [];

async function inbox(username: string, caseId: string) {
  const res = await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token: await stack.login(username) });
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

async function decide(username: string, caseId: string, step: string, decision: string, comment?: string) {
  const task = (await inbox(username, caseId)).find((t) => t.caseId === caseId && t.step === step);
  expect(task).toBeDefined();
  const res = await stack.request('POST', `/api/tasks/${task.id}/complete`, { token: await stack.login(username), body: { decision, comment } });
  expect(res.status).toBe(200);
  return res.body;
}

async function open(username: string, villageCode: string, rest: { category: string; riskTypes: string[] }) {
  const idNumber = newIdNumber();
  idNumbers.push(idNumber);
  const res = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login(username), body: intakeBody({ idNumber, villageCode, headName }, rest) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function stageOf(caseId: string) {
  return (await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('district.approver') })).body.stage as string;
}

/** The whole identification chain, approved by the village, department, town and district users of the case's town. */
async function toMonitored(caseId: string, users: { visitor: string; head: string; town: string }) {
  await decide(users.visitor, caseId, 'HOME_VISIT', 'approve');
  // Each department its case's risks concern matches its own data.
  const view = await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('district.approver') });
  for (const task of view.body.openTasks.filter((t: { step: string }) => t.step === 'DATA_MATCHING')) {
    await decide(demoDepartmentOfficer(task.department), caseId, 'DATA_MATCHING', 'approve', '数据比对无异常');
  }
  await decide(users.head, caseId, 'VILLAGE_REVIEW', 'approve');
  await eventually(async () => (await stageOf(caseId)) === 'TOWN_REVIEW', 20_000);
  await decide(users.town, caseId, 'TOWN_REVIEW', 'approve');
  await decide('district.approver', caseId, 'DISTRICT_APPROVAL', 'approve');
  expect((await decide('district.approver', caseId, 'ANNOUNCEMENT', 'approve')).stage).toBe('MONITORED');
}

async function planMeasure(username: string, caseId: string, measure: Record<string, unknown>) {
  const res = await stack.request('POST', `/api/monitoring-cases/${caseId}/measures`, { token: await stack.login(username), body: { measures: [{ startDate: '2026-12-01', ...measure }] } });
  expect(res.status).toBe(201);
}

/** The case took exactly `days` from discovery to monitored: the read model's discovery time is moved back, as a test cannot wait days. */
async function identifiedIn(caseId: string, days: number) {
  const monitored = await stack.db.timelineEvent.findFirstOrThrow({ where: { caseId, toStage: 'MONITORED' }, orderBy: { at: 'asc' } });
  await stack.db.monitoringCase.update({ where: { id: caseId }, data: { discoveredAt: new Date(monitored.at.getTime() - days * day) } });
}

async function report(query = '', username = 'district.approver') {
  return stack.request('GET', `/api/reports/monitoring${query}`, { token: await stack.login(username) });
}

async function download(query: string, username = 'district.approver') {
  const res = await fetch(`${stack.url}/api/reports/monitoring?${query}`, { headers: { authorization: `Bearer ${await stack.login(username)}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  stack = await startStack();
  await storePolicyVersion1(stack.db, policy);
  const passwordHash = await hashPassword(demoPassword);
  const user = (username: string, role: 'TOWN_REVIEWER' | 'VILLAGE_CASEWORKER', jurisdictionCode: string) => ({
    username,
    displayName: username,
    email: `${username}@demo.assistflow.local`,
    passwordHash,
    role,
    jurisdictionCode,
  });
  await stack.db.user.createMany({
    data: [user('neighbour.town', 'TOWN_REVIEWER', townB), user('neighbour.worker', 'VILLAGE_CASEWORKER', villageB), user('neighbour.head', 'VILLAGE_CASEWORKER', villageB)],
  });

  // 大进镇: a1 and a2 monitored (a1's 低保 not yet delivered, overdue; a2's industry project delivered), a3 at the
  // home visit in the second village (its data matching overdue), a4 not included.
  // 谭家镇: b1 monitored with its only measure not deliverable (a risk without a measure), b2 at the home visit.
  cases.a1 = await open('village.worker', demoVillage, { category: 'MARGINAL', riskTypes: ['ILLNESS', 'DISABILITY'] });
  cases.a2 = await open('village.worker', demoVillage, { category: 'UNSTABLE_ESCAPED', riskTypes: ['ILLNESS'] });
  cases.a3 = await open('town.reviewer', `${townA}002`, { category: 'SUDDEN_HARDSHIP', riskTypes: ['DISASTER', 'HOUSING_SAFETY'] });
  cases.a4 = await open('village.worker', demoVillage, { category: 'MARGINAL', riskTypes: ['OTHER'] });
  cases.b1 = await open('neighbour.worker', villageB, { category: 'MARGINAL', riskTypes: ['UNSTABLE_EMPLOYMENT'] });
  cases.b2 = await open('neighbour.worker', villageB, { category: 'UNSTABLE_ESCAPED', riskTypes: ['ILLNESS'] });

  const townAUsers = { visitor: 'village.worker', head: 'village.head', town: 'town.reviewer' };
  await Promise.all([
    toMonitored(cases.a1, townAUsers).then(() => planMeasure('village.worker', cases.a1, { type: 'MINIMUM_LIVING', monthlyAmount: 500 })),
    toMonitored(cases.a2, townAUsers).then(async () => {
      await planMeasure('village.worker', cases.a2, { type: 'INDUSTRY' });
      await decide('village.head', cases.a2, 'MEASURE_DELIVERY', 'approve', '产业项目已落实');
    }),
    toMonitored(cases.b1, { visitor: 'neighbour.worker', head: 'neighbour.head', town: 'neighbour.town' }).then(async () => {
      await planMeasure('neighbour.worker', cases.b1, { type: 'INDUSTRY' });
      await decide('neighbour.head', cases.b1, 'MEASURE_DELIVERY', 'reject', '农户暂无发展意愿');
    }),
    decide('village.worker', cases.a4, 'HOME_VISIT', 'reject', '核实后家庭收入高于监测标准'),
  ]);
  await identifiedIn(cases.a1, 4);
  await identifiedIn(cases.a2, 10);
  await identifiedIn(cases.b1, 6);
  // Due after a second: wait until the four open ones are past it.
  await eventually(async () => (await report()).body.overdueSteps?.total === 4, 20_000);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

const nonZero = (rows: { count: number }[]) => rows.filter((r) => r.count > 0);

test('the district sees every number of its cases, with labels beside codes', async () => {
  const res = await report();
  expect(res.status).toBe(200);
  const body = res.body;
  expect(body.scope).toEqual({ code: '500154', name: '开州区', level: 'DISTRICT' });
  expect(body.filters).toEqual({ townCode: null, year: null });
  expect(body.totals).toEqual({ cases: 6, monitored: 3, overdueTasks: 4 });
  expect(nonZero(body.byStage)).toEqual([
    { stage: 'HOME_VISIT', stageLabel: '入户核实', count: 2 },
    { stage: 'MONITORED', stageLabel: '已纳入监测', count: 3 },
    { stage: 'NOT_INCLUDED', stageLabel: '不予纳入', count: 1 },
  ]);
  // All 40 towns and streets, those without cases too.
  expect(body.byTown).toHaveLength(40);
  expect(nonZero(body.byTown)).toEqual([
    { townCode: townA, townName: '大进镇', count: 4 },
    { townCode: townB, townName: '谭家镇', count: 2 },
  ]);
  expect(body.byCategory).toEqual([
    { category: 'UNSTABLE_ESCAPED', categoryLabel: '脱贫不稳定户', count: 2 },
    { category: 'MARGINAL', categoryLabel: '边缘易致贫户', count: 3 },
    { category: 'SUDDEN_HARDSHIP', categoryLabel: '突发严重困难户', count: 1 },
  ]);
  // A case with two risk types counts under each.
  expect(nonZero(body.byRiskType)).toEqual([
    { riskType: 'ILLNESS', riskTypeLabel: '因病', count: 3 },
    { riskType: 'DISABILITY', riskTypeLabel: '因残', count: 1 },
    { riskType: 'DISASTER', riskTypeLabel: '因灾', count: 1 },
    { riskType: 'UNSTABLE_EMPLOYMENT', riskTypeLabel: '务工就业不稳', count: 1 },
    { riskType: 'HOUSING_SAFETY', riskTypeLabel: '住房安全', count: 1 },
    { riskType: 'OTHER', riskTypeLabel: '其他', count: 1 },
  ]);
  // a3 is 因灾 and 住房安全: 应急 and 住建 each let their data matching run late.
  expect(body.overdueSteps).toEqual({
    total: 4,
    byStep: [
      { step: 'DATA_MATCHING', stepLabel: '信息比对', count: 3 },
      { step: 'MEASURE_DELIVERY', stepLabel: '落实帮扶措施', count: 1 },
    ],
    byStepAndTown: [
      { step: 'DATA_MATCHING', stepLabel: '信息比对', townCode: townA, townName: '大进镇', count: 2, oldestDueAt: expect.any(String) },
      { step: 'DATA_MATCHING', stepLabel: '信息比对', townCode: townB, townName: '谭家镇', count: 1, oldestDueAt: expect.any(String) },
      { step: 'MEASURE_DELIVERY', stepLabel: '落实帮扶措施', townCode: townA, townName: '大进镇', count: 1, oldestDueAt: expect.any(String) },
    ],
  });
  const a3DataMatching = await stack.db.task.findFirstOrThrow({ where: { caseId: cases.a3, step: 'DATA_MATCHING' } });
  expect(body.overdueSteps.byStepAndTown[0].oldestDueAt).toBe(a3DataMatching.dueAt.toISOString());

  // a1 took 4 days, a2 10 and b1 6.
  expect(body.identification.reachedMonitored).toBe(3);
  expect(body.identification.medianDays).toBe(6);
  expect(body.identification.byTown.filter((t: any) => t.reachedMonitored > 0)).toEqual([
    { townCode: townA, townName: '大进镇', reachedMonitored: 2, medianDays: 7 },
    { townCode: townB, townName: '谭家镇', reachedMonitored: 1, medianDays: 6 },
  ]);

  // a1: a measure planned but overdue; a2: cleared; b1: its only measure could not be delivered.
  expect(body.dynamicClearing.overall).toEqual({ monitored: 3, riskWithoutMeasure: 1, withOverdueStep: 1, uncleared: 2, unclearedShare: 0.6667 });
  expect(body.dynamicClearing.byTown.filter((t: any) => t.monitored > 0)).toEqual([
    { townCode: townA, townName: '大进镇', monitored: 2, riskWithoutMeasure: 0, withOverdueStep: 1, uncleared: 1, unclearedShare: 0.5 },
    { townCode: townB, townName: '谭家镇', monitored: 1, riskWithoutMeasure: 1, withOverdueStep: 0, uncleared: 1, unclearedShare: 1 },
  ]);
  expect(body.dynamicClearing.byTown.find((t: any) => t.townCode === '500154001')).toEqual({
    townCode: '500154001',
    townName: '汉丰街道',
    monitored: 0,
    riskWithoutMeasure: 0,
    withOverdueStep: 0,
    uncleared: 0,
    unclearedShare: null,
  });

  // No personal data: no names, no ID numbers.
  const text = JSON.stringify(body);
  expect(text).not.toContain(headName);
  for (const idNumber of idNumbers) expect(text).not.toContain(idNumber);
});

describe('scope', () => {
  test("a neighbouring town's reviewer sees only its own town's cases", async () => {
    const { status, body } = await report('', 'neighbour.town');
    expect(status).toBe(200);
    expect(body.scope).toEqual({ code: townB, name: '谭家镇', level: 'TOWN' });
    expect(body.totals).toEqual({ cases: 2, monitored: 1, overdueTasks: 1 });
    expect(body.byTown).toEqual([{ townCode: townB, townName: '谭家镇', count: 2 }]);
    expect(nonZero(body.byStage)).toEqual([
      { stage: 'HOME_VISIT', stageLabel: '入户核实', count: 1 },
      { stage: 'MONITORED', stageLabel: '已纳入监测', count: 1 },
    ]);
    expect(body.overdueSteps.byStepAndTown).toEqual([expect.objectContaining({ step: 'DATA_MATCHING', townCode: townB, count: 1 })]);
    expect(body.identification).toMatchObject({ reachedMonitored: 1, medianDays: 6 });
    expect(body.dynamicClearing.overall).toEqual({ monitored: 1, riskWithoutMeasure: 1, withOverdueStep: 0, uncleared: 1, unclearedShare: 1 });
    expect(JSON.stringify(body)).not.toContain(townA);
  });

  test('a town outside the caller\'s jurisdiction is refused; the district may narrow to any town', async () => {
    expect(await report(`?townCode=${townA}`, 'neighbour.town')).toEqual({ status: 403, body: { error: 'forbidden', reason: '该乡镇（街道）不在您的辖区内' } });
    const narrowed = await report(`?townCode=${townB}`);
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toEqual({ code: townB, name: '谭家镇', level: 'TOWN' });
    expect(narrowed.body.filters).toEqual({ townCode: townB, year: null });
    const own = (await report('', 'neighbour.town')).body;
    expect({ ...narrowed.body, generatedAt: null, filters: null }).toEqual({ ...own, generatedAt: null, filters: null });
  });

  test('a village caseworker sees its village, even when it names its town', async () => {
    for (const query of ['', `?townCode=${townA}`]) {
      const { body } = await report(query, 'village.worker');
      expect(body.scope).toEqual({ code: demoVillage, name: '大进演示一村', level: 'VILLAGE' });
      // a1, a2 and a4; a3 is in the second village.
      expect(body.totals).toEqual({ cases: 3, monitored: 2, overdueTasks: 1 });
      expect(body.byTown).toEqual([{ townCode: townA, townName: '大进镇', count: 3 }]);
      expect(body.dynamicClearing.overall).toEqual({ monitored: 2, riskWithoutMeasure: 0, withOverdueStep: 1, uncleared: 1, unclearedShare: 0.5 });
    }
  });

  test('departments and the cooperation office are refused with a reason', async () => {
    for (const username of ['dept.officer', 'coordinator']) {
      expect(await report('', username)).toEqual({ status: 403, body: { error: 'forbidden', reason: '只有村、乡镇、区级经办人员和系统管理员可以查看防止返贫监测报表' } });
      expect((await download('format=csv', username)).status).toBe(403);
    }
    expect((await stack.request('GET', '/api/reports/monitoring')).status).toBe(401);
  });

  test('a year counts the cases discovered in it: none in 2000, so no median and no share', async () => {
    const { status, body } = await report('?year=2000');
    expect(status).toBe(200);
    expect(body.filters).toEqual({ townCode: null, year: 2000 });
    expect(body.totals).toEqual({ cases: 0, monitored: 0, overdueTasks: 0 });
    expect(body.identification.medianDays).toBeNull();
    expect(body.dynamicClearing.overall.unclearedShare).toBeNull();
  });
});

describe('bad queries', () => {
  test('400 with each field and its problem', async () => {
    expect(await report('?format=pdf&townCode=12&year=abc')).toEqual({
      status: 400,
      body: {
        error: 'validation',
        issues: [
          { path: 'format', message: '格式应为 json、csv、xlsx 之一' },
          { path: 'townCode', message: '乡镇（街道）代码应为9位数字' },
          { path: 'year', message: '年度应为4位数字，例如 2026' },
        ],
      },
    });
    expect(await report('?format=pdf')).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'format', message: '格式应为 json、csv、xlsx 之一' }] } });
  });

  test('an unknown town is a 400 on townCode', async () => {
    expect(await report('?townCode=500154999')).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'townCode', message: '没有这个乡镇（街道）代码' }] } });
  });
});

describe('exports', () => {
  const exportsLogged = () => stack.db.auditEntry.findMany({ where: { action: 'export.run' }, orderBy: { id: 'asc' } });

  test('CSV: UTF-8 with BOM, one flat table with the same numbers, an attachment, and an audit entry', async () => {
    const before = (await exportsLogged()).length;
    await report(); // JSON is not an export
    expect(await exportsLogged()).toHaveLength(before);

    const res = await download('format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="monitoring-report-500154-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''%E9%98%B2%E6%AD%A2%E8%BF%94%E8%B4%AB.*\.csv$/,
    );
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.bytes.toString('utf8').slice(1);
    expect(text).not.toContain(headName);
    for (const idNumber of idNumbers) expect(text).not.toContain(idNumber);
    const rows = parseCsv(text) as string[][];
    expect(rows[0]).toEqual(['分组', '代码', '名称', '乡镇（街道）代码', '乡镇（街道）', '指标', '数值']);
    const value = (group: string, code: string, townCode: string, figure: string) => {
      const found = rows.filter((r) => r[0] === group && r[1] === code && r[3] === townCode && r[5] === figure);
      expect(found).toHaveLength(1);
      return found[0][6];
    };
    const total = (group: string, figure: string) => rows.find((r) => r[0] === group && r[1] === '' && r[4] === '合计' && r[5] === figure)![6];
    expect(rows.find((r) => r[5] === '统计范围')![6]).toBe('开州区（500154）');
    expect(value('按阶段', 'MONITORED', '', '案件数')).toBe('3');
    expect(value('按阶段', 'HOME_VISIT', '', '案件数')).toBe('2');
    expect(rows.find((r) => r[0] === '按阶段' && r[1] === 'MONITORED')![2]).toBe('已纳入监测');
    expect(value('按乡镇', '', townA, '案件数')).toBe('4');
    expect(value('按乡镇', '', townB, '案件数')).toBe('2');
    expect(value('按类别', 'MARGINAL', '', '案件数')).toBe('3');
    expect(value('按风险类型', 'ILLNESS', '', '案件数')).toBe('3');
    expect(value('逾期环节', 'DATA_MATCHING', townB, '逾期任务数')).toBe('1');
    expect(value('逾期环节', 'MEASURE_DELIVERY', townA, '逾期任务数')).toBe('1');
    expect(total('逾期环节', '逾期任务数')).toBe('4');
    expect(value('认定用时', '', townA, '认定用时中位数（天）')).toBe('7');
    expect(total('认定用时', '认定用时中位数（天）')).toBe('6');
    expect(value('认定用时', '', '500154001', '认定用时中位数（天）')).toBe('');
    expect(value('动态清零', '', townA, '未清零占比')).toBe('0.5');
    expect(value('动态清零', '', townB, '有风险无帮扶措施户数')).toBe('1');
    expect(total('动态清零', '未清零户数')).toBe('2');
    expect(total('动态清零', '未清零占比')).toBe('0.6667');

    const logged = await exportsLogged();
    expect(logged).toHaveLength(before + 1);
    const user = await stack.db.user.findUniqueOrThrow({ where: { username: 'district.approver' } });
    expect(logged.at(-1)).toMatchObject({
      actorId: user.id,
      actorRole: 'DISTRICT_APPROVER',
      targetType: 'MonitoringReport',
      targetId: '500154',
      after: { report: 'monitoring', format: 'csv', scope: '500154', townCode: null, year: null, file: expect.stringMatching(/^monitoring-report-500154-.*\.csv$/) },
    });
  });

  test('XLSX: one sheet per section with Chinese headers and the same numbers, and an audit entry', async () => {
    const before = (await exportsLogged()).length;
    const res = await download(`format=xlsx&townCode=${townA}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="monitoring-report-500154017-\d{4}-\d{2}-\d{2}\.xlsx"; filename\*=UTF-8''/);
    const workbook = new Workbook();
    await workbook.xlsx.load(res.bytes as any);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['说明', '按阶段', '按乡镇', '按类别', '按风险类型', '逾期环节', '认定用时', '动态清零']);
    const rowsOf = (sheet: Worksheet) => {
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const sheet = (name: string) => rowsOf(workbook.getWorksheet(name)!);

    expect(sheet('说明')).toContainEqual(['统计范围', '大进镇（500154017）']);
    expect(sheet('按阶段')[0]).toEqual(['阶段代码', '阶段', '案件数']);
    expect(sheet('按阶段')).toContainEqual(['MONITORED', '已纳入监测', 2]);
    expect(sheet('按阶段')).toContainEqual(['HOME_VISIT', '入户核实', 1]);
    expect(sheet('按阶段').at(-1)).toEqual([undefined, '合计', 4]);
    expect(sheet('按乡镇')).toEqual([['乡镇（街道）代码', '乡镇（街道）', '案件数'], [townA, '大进镇', 4], [undefined, '合计', 4]]);
    expect(sheet('按类别')).toContainEqual(['SUDDEN_HARDSHIP', '突发严重困难户', 1]);
    expect(sheet('按风险类型')).toContainEqual(['DISABILITY', '因残', 1]);
    const overdue = sheet('逾期环节');
    expect(overdue[0]).toEqual(['环节代码', '环节', '乡镇（街道）代码', '乡镇（街道）', '逾期任务数', '最早到期时间（北京时间）']);
    expect(overdue.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['DATA_MATCHING', '信息比对', townA, '大进镇', 2],
      ['DATA_MATCHING', '信息比对', undefined, '小计', 2],
      ['MEASURE_DELIVERY', '落实帮扶措施', townA, '大进镇', 1],
      ['MEASURE_DELIVERY', '落实帮扶措施', undefined, '小计', 1],
      [undefined, undefined, undefined, '合计', 3],
    ]);
    expect(overdue[1][5]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(sheet('认定用时')).toEqual([
      ['乡镇（街道）代码', '乡镇（街道）', '已纳入监测户数', '认定用时中位数（天）'],
      [townA, '大进镇', 2, 7],
      [undefined, '合计', 2, 7],
    ]);
    const clearing = workbook.getWorksheet('动态清零')!;
    expect(rowsOf(clearing)).toEqual([
      ['乡镇（街道）代码', '乡镇（街道）', '监测户数', '有风险无帮扶措施户数', '有逾期环节户数', '未清零户数', '未清零占比'],
      [townA, '大进镇', 2, 0, 1, 1, 0.5],
      [undefined, '合计', 2, 0, 1, 1, 0.5],
    ]);
    expect(clearing.getCell('G2').numFmt).toBe('0.00%');

    const logged = await exportsLogged();
    expect(logged).toHaveLength(before + 1);
    expect(logged.at(-1)!.after).toMatchObject({ format: 'xlsx', scope: townA, townCode: townA });
  });
});
