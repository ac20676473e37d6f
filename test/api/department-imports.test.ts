import { Workbook } from 'exceljs';
import { hashPassword } from '../../src/api/auth/passwords';
import { demoDistrict, demoPassword, demoVillage } from '../../src/demo/seed';
import { maskIdNumber } from '../../src/domain/id-number';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';
import { intakeBody } from '../support/intake';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  // dept.officer is 民政 (civil affairs), the demo's dept.medical sends 医保's lists, and this one none at all (an account
  // without a department).
  const passwordHash = await hashPassword(demoPassword);
  await stack.db.user.create({
    data: { username: 'dept.none', displayName: '部门测试', email: 'dept.none@demo.assistflow.local', passwordHash, role: 'DEPARTMENT_OFFICER', jurisdictionCode: demoDistrict, department: null },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const otherVillage = '500154017002';
const path = '/api/imports/department-alerts';

/** A multipart upload as a browser form sends it. */
async function upload(file: Buffer | string, { username = 'dept.officer', filename = 'alerts.csv', field = 'file' } = {}) {
  const form = new FormData();
  form.append(field, new Blob([typeof file === 'string' ? Buffer.from(file, 'utf8') : file]), filename);
  const res = await fetch(stack.url + path, { method: 'POST', headers: { authorization: `Bearer ${await stack.login(username)}` }, body: form });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

const csv = (rows: string[][]) => '\uFEFF' + rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

async function openCaseAsVillageWorker(idNumber: string) {
  const res = await stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login('village.worker'),
    body: intakeBody({ headName: '已登记户主', idNumber, memberCount: 3, laborCapacity: 'full' }, { perCapitaIncome: 6200 }),
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function caseView(caseId: string) {
  const res = await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('district.approver') });
  expect(res.status).toBe(200);
  return res.body;
}

async function openCaseOf(idNumber: string) {
  const household = await stack.db.household.findUnique({ where: { idNumber }, include: { cases: { where: { closedAt: null } } } });
  expect(household?.cases).toHaveLength(1);
  return caseView(household!.cases[0].id);
}

/** Everything a refused upload must leave untouched. */
async function counts() {
  const { db } = stack;
  const [households, cases, tasks, timeline, alerts, imports] = await Promise.all([
    db.household.count(),
    db.monitoringCase.count(),
    db.task.count(),
    db.timelineEvent.count(),
    db.departmentAlert.count(),
    db.departmentImport.count(),
  ]);
  return { households, cases, tasks, timeline, alerts, imports };
}

// Household A has an open case; B is registered with none; C, D and E are new to the system.
const A = newIdNumber();
const B = newIdNumber();
const C = newIdNumber();
const D = newIdNumber();
const E = newIdNumber();
const header = ['姓名', '身份证号', '部门', '预警事由', '金额', '日期', '村（社区）代码'];
const firstFile = csv([
  header,
  ['甲某', A, '民政', '申请临时救助', '3000', '2026-10-08', ''],
  ['乙某', B, '区医疗保障局', '大额医疗支出', '45,000.50', '2026/10/9', ''],
  ['丙某', C, '医保', '因病住院，自付费用高', '28000', '2026-10-10', otherVillage],
  ['丁某', '500234198001011230', '民政', '低保边缘', '0', '2026-10-11', ''],
  ['戊某', A, '民政', '临时救助', '-5', '2026-02-30', ''],
  ['己某', D, '教育', '子女上学费用高', '9000', '2026-10-12', ''],
  ['庚某', A, '财政局', '其他', '1', '2026-10-13', ''],
  ['甲 某', A.toLowerCase(), '开州区民政局', ' 申请临时救助 ', '3000.00', '2026年10月8日', ''],
]);
const otherDepartment = (own: string, row: string) => `只能上传本部门（${own}）的预警数据，此行为${row}的数据，请由该部门上传`;
const unknownDepartment = '部门“财政局”不在行业部门名单中，应为民政、医保、教育、人社、住建、水利、残联、应急、发改之一';
/** The file as 民政 (dept.officer) sends it: its own rows only. */
const firstFileRejected = [
  { row: 3, field: 'department', message: otherDepartment('民政', '医保') },
  { row: 4, field: 'department', message: otherDepartment('民政', '医保') },
  { row: 5, field: 'idNumber', message: '身份证号校验码不正确，请核对' },
  { row: 6, field: 'amount', message: '金额不能为负数' },
  { row: 6, field: 'date', message: '日期不存在，请核对' },
  { row: 7, field: 'department', message: otherDepartment('民政', '教育') },
  { row: 8, field: 'department', message: unknownDepartment },
];
/** The same file as 医保 (dept.medical) sends it. */
const firstFileRejectedForMedical = [
  { row: 2, field: 'department', message: otherDepartment('医保', '民政') },
  { row: 5, field: 'idNumber', message: '身份证号校验码不正确，请核对' },
  { row: 5, field: 'department', message: otherDepartment('医保', '民政') },
  { row: 6, field: 'department', message: otherDepartment('医保', '民政') },
  { row: 6, field: 'amount', message: '金额不能为负数' },
  { row: 6, field: 'date', message: '日期不存在，请核对' },
  { row: 7, field: 'department', message: otherDepartment('医保', '教育') },
  { row: 8, field: 'department', message: unknownDepartment },
  { row: 9, field: 'department', message: otherDepartment('医保', '民政') },
];

describe('a department uploads its alert list', () => {
  let caseA: any;

  beforeAll(async () => {
    caseA = await openCaseAsVillageWorker(A);
    await stack.db.household.create({
      data: { idNumber: B, headName: '乙户主', villageCode: demoVillage, townCode: demoVillage.slice(0, 9), memberCount: 5, laborCapacity: 'none', perCapitaIncome: 4800 },
    });
  });

  test('CSV: valid rows go through beside rejected ones; an open case gets evidence, other households get leads; each department sends its own rows', async () => {
    const res = await upload(firstFile);
    expect(res).toEqual({
      status: 200,
      body: { importId: expect.any(String), alreadyImported: false, accepted: 2, rejected: firstFileRejected, leadsCreated: 0, evidenceAdded: 1, duplicates: 1 },
    });
    // 医保's officer sends the same shared list: their rows are theirs to import, not a re-upload.
    const medical = await upload(firstFile, { username: 'dept.medical' });
    expect(medical).toEqual({
      status: 200,
      body: { importId: expect.any(String), alreadyImported: false, accepted: 2, rejected: firstFileRejectedForMedical, leadsCreated: 2, evidenceAdded: 0, duplicates: 0 },
    });
    expect(medical.body.importId).not.toBe(res.body.importId);

    // The upload is audited with its counts, no personal data.
    const entry = await stack.db.auditEntry.findFirstOrThrow({ where: { action: 'import.run', targetId: res.body.importId } });
    expect(entry.after).toMatchObject({ kind: 'department-alerts', accepted: 2, leadsCreated: 0, evidenceAdded: 1, duplicates: 1, rejectedRows: 6 });
    expect(JSON.stringify(entry)).not.toContain(A.slice(6, 14));

    // Evidence on A's open case: the alert with its ID masked, and a timeline entry by the uploading officer.
    const a = await caseView(caseA.id);
    expect(a.alerts).toEqual([
      {
        id: expect.any(String),
        name: '甲某',
        idNumber: maskIdNumber(A),
        department: 'CIVIL_AFFAIRS',
        departmentLabel: '民政',
        trigger: '申请临时救助',
        amount: 3000,
        date: '2026-10-08',
        importId: res.body.importId,
        importedAt: expect.any(String),
      },
    ]);
    expect(a.timeline.at(-1)).toMatchObject({ kind: 'DEPARTMENT_ALERT', label: '部门筛查预警', actor: 'dept.officer', comment: '民政：申请临时救助，金额3000.00元，日期2026-10-08' });
    expect(Math.abs(Date.parse(a.timeline.at(-1).at) - Date.now())).toBeLessThan(60_000);
    expect(JSON.stringify(a)).not.toContain(A);

    // B was registered: a lead in its own village, its household data untouched.
    const b = await openCaseOf(B);
    expect(b).toMatchObject({
      stage: 'HOME_VISIT',
      channel: 'DEPARTMENT_ALERT',
      category: 'SUDDEN_HARDSHIP',
      riskTypes: [{ code: 'ILLNESS', label: '因病' }],
      villageCode: demoVillage,
      household: { headName: '乙户主', memberCount: 5, laborCapacity: 'none', perCapitaIncome: 4800 },
      alerts: [{ name: '乙某', department: 'MEDICAL_INSURANCE', trigger: '大额医疗支出', amount: 45000.5, date: '2026-10-09' }],
    });
    expect(b.timeline.map((e: any) => [e.kind, e.actor])).toEqual([
      ['CASE_CREATED', 'dept.medical'],
      ['DEPARTMENT_ALERT', 'dept.medical'],
    ]);
    // The lead's workflow runs: the home visit is in the village caseworker's inbox.
    const inbox = await stack.request('GET', `/api/tasks?caseId=${b.id}`, { token: await stack.login('village.worker') });
    expect(inbox.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: b.id, step: 'HOME_VISIT' })]));
    expect((await stack.temporal.workflow.getHandle(`monitoring-${b.household.id}`).describe()).status.name).toBe('RUNNING');

    // C was unknown: registered in the village its row names, with placeholders the note owns up to.
    const c = await openCaseOf(C);
    expect(c).toMatchObject({
      villageCode: otherVillage,
      channel: 'DEPARTMENT_ALERT',
      category: 'SUDDEN_HARDSHIP',
      household: { headName: '丙某', memberCount: 1, laborCapacity: 'partial', perCapitaIncome: 0 },
      alerts: [{ trigger: '因病住院，自付费用高', amount: 28000 }],
    });
    expect((await stack.db.monitoringCase.findUniqueOrThrow({ where: { id: c.id } })).note).toContain('待入户核实');
    expect(await stack.db.household.findUnique({ where: { idNumber: D } })).toBeNull();
  });

  test('the same file again creates nothing and gives the same answer', async () => {
    const before = await counts();
    const res = await upload(firstFile, { filename: '再次上传.csv' });
    expect(res).toEqual({
      status: 200,
      body: { importId: expect.any(String), alreadyImported: true, accepted: 2, rejected: firstFileRejected, leadsCreated: 0, evidenceAdded: 0, duplicates: 2 },
    });
    expect((await upload(firstFile, { username: 'dept.medical' })).body).toMatchObject({ alreadyImported: true, accepted: 2, rejected: firstFileRejectedForMedical });
    expect(await counts()).toEqual(before);
  });

  test('XLSX with other headers: alerts re-sent in another file are duplicates, new ones are evidence or leads', async () => {
    const workbook = new Workbook();
    const sheet = workbook.addWorksheet('预警名单');
    sheet.addRow(['序号', '姓名', '身份证号码', '部门', '触发事由', '金额（元）', '预警日期', '村代码']);
    sheet.addRow([1, '甲某', A, '民政', '申请临时救助', 3000, new Date(Date.UTC(2026, 9, 8)), null]); // re-sent from the CSV
    sheet.addRow([2, '甲某', A, '民政', '危房改造', 15000, new Date(Date.UTC(2026, 9, 20)), null]);
    sheet.addRow([3, '丙某', C, '民政', '临时救助', 2000, '2026-10-21', null]); // C's case was opened by the CSV
    sheet.addRow([4, '辛某', E, '民政', '洪灾受灾', 0, '2026-10-22', demoVillage]);
    sheet.addRow([5, '壬某', newIdNumber(), '民政', '洪灾受灾', 0, '2026-10-22', '500154017999']);
    const before = await counts();
    const res = await upload(Buffer.from(await workbook.xlsx.writeBuffer()), { filename: 'alerts.xlsx' });
    expect(res).toEqual({
      status: 200,
      body: {
        importId: expect.any(String),
        alreadyImported: false,
        accepted: 4,
        rejected: [{ row: 6, field: 'villageCode', message: '村（社区）代码不存在，请核对' }],
        leadsCreated: 1,
        evidenceAdded: 2,
        duplicates: 1,
      },
    });
    const after = await counts();
    expect(after).toMatchObject({ alerts: before.alerts + 3, cases: before.cases + 1, households: before.households + 1, imports: before.imports + 1 });
    expect((await caseView(caseA.id)).alerts.map((x: any) => [x.departmentLabel, x.trigger])).toEqual([
      ['民政', '申请临时救助'],
      ['民政', '危房改造'],
    ]);
    expect((await openCaseOf(C)).alerts).toHaveLength(2);
    expect(await openCaseOf(E)).toMatchObject({ category: 'SUDDEN_HARDSHIP', riskTypes: [{ code: 'DISASTER' }], villageCode: demoVillage });
  });
});

describe('refused uploads write nothing', () => {
  test.each([
    ['not a CSV or XLSX', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), '文件不是 CSV 或 XLSX 格式'],
    ['a missing column', csv([['姓名', '身份证号', '部门', '日期'], ['甲', newIdNumber(), '民政', '2026-10-01']]), '文件缺少必需的列：预警事由、金额'],
    ['an unreadable XLSX', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), '无法读取该 Excel 文件'],
    ['an old .xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(100)]), '不支持旧版 Excel（.xls）'],
    ['an unclosed quote', csv([header]) + `甲,${newIdNumber()},民政,"临时救助,1,2026-10-01,\r\n`, '未闭合的引号'],
    ['an empty file', Buffer.alloc(0), '文件是空的'],
    ['only a header', csv([header]), '没有预警数据行'],
    ['over the size limit (10 MB)', Buffer.concat([Buffer.from(csv([header])), Buffer.alloc(10 * 1024 * 1024, 0x20)]), '文件超过大小上限 10 MB'],
  ])('%s → 400 with a clear reason', async (_what, file, reason) => {
    const before = await counts();
    const res = await upload(file);
    expect(res).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'file', message: expect.stringContaining(reason) }] } });
    expect(await counts()).toEqual(before);
  });

  test('no file, or the file under another field name → 400', async () => {
    const before = await counts();
    const token = await stack.login('dept.officer');
    const json = await stack.request('POST', path, { token, body: { file: 'x' } });
    expect(json).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'file', message: expect.stringContaining('字段名为 file') }] } });
    expect(await upload(csv([header]), { field: 'upload' })).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'file', message: '每次只能上传一个文件，字段名为 file' }] } });
    expect(await counts()).toEqual(before);
  });

  test.each(['village.worker', 'town.reviewer', 'district.approver', 'coordinator', 'admin'])('%s → 403', async (username) => {
    const before = await counts();
    const res = await upload(csv([header, ['甲', newIdNumber(), '民政', '临时救助', '1', '2026-10-01', demoVillage]]), { username });
    expect(res).toEqual({ status: 403, body: { error: 'forbidden', reason: '只有行业部门人员可以上传部门筛查预警名单' } });
    expect(await counts()).toEqual(before);
  });

  test('an officer whose account names no department → 403', async () => {
    const before = await counts();
    const res = await upload(csv([header, ['甲', newIdNumber(), '民政', '临时救助', '1', '2026-10-01', demoVillage]]), { username: 'dept.none' });
    expect(res).toEqual({ status: 403, body: { error: 'forbidden', reason: '您的账号未设置所属行业部门，请联系系统管理员设置后再上传' } });
    expect(await counts()).toEqual(before);
  });

  test('without a token → 401', async () => {
    const form = new FormData();
    form.append('file', new Blob([csv([header])]), 'a.csv');
    expect((await fetch(stack.url + path, { method: 'POST', body: form })).status).toBe(401);
  });
});
