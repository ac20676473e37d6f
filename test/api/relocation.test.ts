import { hashPassword } from '../../src/api/auth/passwords';
import { demoPassword, demoVillage } from '../../src/demo/seed';
import { eventually } from '../support/eventually';
import { intakeBody } from '../support/intake';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

/** 易地扶贫搬迁后续扶持 over HTTP on the real stack: a case, its baseline through the inbox, ledgers, targets, referral into monitoring. */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  const passwordHash = await hashPassword(demoPassword);
  await stack.db.user.create({
    data: { username: 'hr.officer', displayName: '演示人社部门', email: 'hr.officer@demo.assistflow.local', passwordHash, role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'HUMAN_RESOURCES' },
  });
  await stack.db.user.create({
    data: { username: 'neighbour.town', displayName: '邻镇审核', email: 'neighbour.town@demo.assistflow.local', passwordHash, role: 'TOWN_REVIEWER', jurisdictionCode: '500154018' },
  });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

const as = async (username: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  stack.request(method, path, { token: await stack.login(username), body, headers });
const household = (over: Record<string, unknown> = {}) => ({ headName: '演示搬迁户', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 4, laborCapacity: 'full', ...over });
const baseline = { memberCount: 4, laborForceCount: 2, laborCapacity: 'full', skills: ['电焊'], healthStatus: 'GOOD', workWishes: '就近务工', trainingWishes: '电工培训' };

async function newCase(over: Record<string, unknown> = {}): Promise<any> {
  const res = await as('town.reviewer', 'POST', '/api/relocations', { household: household(over), siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01' });
  expect(res.status).toBe(201);
  return res.body;
}
async function baselineDone(caseId: string, headers?: Record<string, string>) {
  const res = await as('village.worker', 'POST', `/api/relocations/${caseId}/baseline`, baseline, headers);
  expect(res.status).toBe(201);
  return res.body;
}

test('sites: every user reads them, admins add them', async () => {
  const list = await as('village.worker', 'GET', '/api/relocation-sites');
  expect(list.status).toBe(200);
  expect(list.body.items.map((s: any) => s.code)).toEqual(expect.arrayContaining(['DJ-JZ-01', 'DJ-FS-01']));
  expect(list.body.items.find((s: any) => s.code === 'DJ-FS-01').kindLabel).toBe('分散安置');
  const site = { code: 'T-SITE-1', name: '测试安置点', townCode: '500154017', kind: 'SCATTERED', households: 3 };
  expect((await as('town.reviewer', 'POST', '/api/relocation-sites', site)).status).toBe(403);
  expect((await as('admin', 'POST', '/api/relocation-sites', site)).status).toBe(201);
  expect((await as('admin', 'POST', '/api/relocation-sites', site)).status).toBe(409);
  const bad = await as('admin', 'POST', '/api/relocation-sites', { ...site, code: 'T-SITE-2', townCode: '999999999' });
  expect(bad.status).toBe(400);
  expect(bad.body.issues[0].path).toBe('townCode');
});

test('a case is opened by the town, its baseline survey is in the village inbox, ledgers move the targets, one case per household', async () => {
  const idNumber = newIdNumber();
  const created = await newCase({ idNumber, phone: '13900001111' });
  expect(created).toMatchObject({ stage: 'BASELINE_SURVEY', stageLabel: '基线调查', atRisk: false, site: { code: 'DJ-JZ-01', kindLabel: '集中安置' } });
  expect(created.household.idNumber).toMatch(/\*{8}/);
  expect(created.household.phone).toBe('139****1111');
  expect(created.targets).toMatchObject({ safetyNetOnly: false, employment: { required: true, met: false }, project: { required: true, met: false } });
  expect(created.openTasks.map((t: any) => t.step)).toEqual(['BASELINE_SURVEY']);

  // One case per household; the village may not open one.
  const again = await as('town.reviewer', 'POST', '/api/relocations', { household: household({ idNumber }), siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01' });
  expect(again).toMatchObject({ status: 409, body: { caseId: created.id } });
  expect((await as('village.worker', 'POST', '/api/relocations', { household: household(), siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01' })).status).toBe(403);
  const badId = await as('town.reviewer', 'POST', '/api/relocations', { household: household({ idNumber: '110105194912310021' }), siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01' });
  expect(badId.status).toBe(400);
  expect(badId.body.issues[0].path).toBe('household.idNumber');

  // The baseline survey is the village's task in the shared inbox, done by recording the baseline.
  const inbox = await as('village.worker', 'GET', `/api/tasks?caseId=${created.id}`);
  const task = inbox.body.items.find((t: any) => t.step === 'BASELINE_SURVEY');
  expect(task).toMatchObject({ process: 'relocation', stepLabel: '基线调查', processLabel: '易地扶贫搬迁后续扶持', casePath: `/relocations/${created.id}` });
  expect((await as('village.worker', 'POST', `/api/tasks/${task.id}/complete`, { decision: 'approve' })).status).toBe(400);
  expect((await as('town.reviewer', 'POST', `/api/relocations/${created.id}/baseline`, baseline)).status).toBe(403);
  const surveyed = await baselineDone(created.id, { 'idempotency-key': `baseline-${created.id}` });
  // A retry with the same key gets the first answer, not "already recorded".
  expect((await baselineDone(created.id, { 'idempotency-key': `baseline-${created.id}` })).stage).toBe('FOLLOW_UP');
  expect(surveyed.case).toMatchObject({ stage: 'FOLLOW_UP', baseline: { laborForceCount: 2, healthStatusLabel: '健康' } });
  expect(surveyed.case.openTasks.map((t: any) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
  expect((await as('village.worker', 'POST', `/api/relocations/${created.id}/baseline`, baseline)).status).toBe(409);

  // Employment: the village, the town and 人社 write it; another department does not even see the case.
  const job = await as('village.worker', 'POST', `/api/relocations/${created.id}/employment`, { memberName: '演示成员', employer: '演示食品厂', industry: '食品加工', monthlyPay: 3200, startDate: '2026-07-01' });
  expect(job.status).toBe(201);
  expect(job.body.case.targets.employment).toEqual({ required: true, met: true });
  const hrJob = await as('hr.officer', 'POST', `/api/relocations/${created.id}/employment`, { memberName: '演示成员二', employer: '演示工地', industry: '建筑', monthlyPay: 4000, startDate: '2026-08-01' });
  expect(hrJob.status).toBe(201);
  expect((await as('dept.officer', 'POST', `/api/relocations/${created.id}/employment`, { memberName: '甲', employer: '乙', industry: '丙', monthlyPay: 1, startDate: '2026-08-01' })).status).toBe(404);
  expect((await as('hr.officer', 'POST', `/api/relocations/${created.id}/projects`, { name: '柑橘', type: 'PLANTING', startDate: '2026-03-01' })).status).toBe(403);

  // A project, sent twice with one Idempotency-Key: one entry.
  const headers = { 'idempotency-key': `project-${created.id}` };
  const project = await as('village.worker', 'POST', `/api/relocations/${created.id}/projects`, { name: '演示柑橘种植', type: 'PLANTING', startDate: '2026-03-01', expectedYearlyIncome: 8000 }, headers);
  expect(project.status).toBe(201);
  const retry = await as('village.worker', 'POST', `/api/relocations/${created.id}/projects`, { name: '演示柑橘种植', type: 'PLANTING', startDate: '2026-03-01', expectedYearlyIncome: 8000 }, headers);
  expect(retry.body.entryId).toBe(project.body.entryId);
  expect(retry.body.case.projects).toHaveLength(1);
  expect(retry.body.case.targets).toMatchObject({ employment: { met: true }, project: { met: true } });
  expect(retry.body.case.targets.metSince).not.toBeNull();

  // Both jobs end: the employment target is no longer met today.
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  for (const entryId of [job.body.entryId, hrJob.body.entryId]) {
    const ended = await as('town.reviewer', 'PATCH', `/api/relocations/${created.id}/employment/${entryId}`, { endDate: today });
    expect(ended.status).toBe(200);
  }
  const view = (await as('district.approver', 'GET', `/api/relocations/${created.id}`)).body;
  expect(view.targets).toMatchObject({ employment: { met: false }, project: { met: true }, metSince: null });
  expect(view.employment.every((e: any) => e.current === false && e.endDate === today)).toBe(true);
  expect(view.timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['RELOCATION_CASE_CREATED', 'BASELINE_RECORDED', 'EMPLOYMENT_ADDED', 'PROJECT_ADDED', 'EMPLOYMENT_ENDED']));
  expect((await as('village.worker', 'PATCH', `/api/relocations/${created.id}/employment/nope`, { endDate: today })).status).toBe(404);

  // Scope: the neighbouring town sees nothing.
  expect((await as('neighbour.town', 'GET', `/api/relocations/${created.id}`)).status).toBe(404);
  const list = await as('town.reviewer', 'GET', '/api/relocations?siteCode=DJ-JZ-01&pageSize=100');
  expect(list.body.items.some((c: any) => c.id === created.id)).toBe(true);
  expect((await as('neighbour.town', 'GET', '/api/relocations?pageSize=100')).body.items).toEqual([]);
  const audit = await stack.db.auditEntry.findMany({ where: { targetId: created.id } });
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['relocation.start', 'relocation.baseline', 'relocation.employment', 'relocation.project', 'relocation.employment_end']));
}, 120_000);

test('a household without labour capacity has no targets and says so', async () => {
  const created = await newCase({ laborCapacity: 'none' });
  expect(created.targets).toMatchObject({ safetyNetOnly: true, employment: { required: false }, project: { required: false } });
  expect(created.targets.note).toContain('兜底保障');
});

test('a visit at risk refers the household into monitoring; with a monitoring case open, its finding is added there', async () => {
  const referredCase = await newCase();
  await baselineDone(referredCase.id);
  const calm = await as('village.worker', 'POST', `/api/relocations/${referredCase.id}/visits`, { atRisk: false, perCapitaIncome: 9000 });
  expect(calm).toMatchObject({ status: 201, body: { monitoringCaseId: null } });
  const visit = await as('village.worker', 'POST', `/api/relocations/${referredCase.id}/visits`, { atRisk: true, riskTypes: ['UNSTABLE_EMPLOYMENT'], perCapitaIncome: 5200, note: '务工中断' });
  expect(visit.status).toBe(201);
  expect(visit.body.monitoringCaseId).toEqual(expect.any(String));
  expect(visit.body.case).toMatchObject({ atRisk: true, monitoringCaseId: visit.body.monitoringCaseId });
  // What anyone with access to Temporal sees of the relocation case: no name, no ID number, no member's name in clear.
  const row = await stack.db.relocationCase.findUniqueOrThrow({ where: { id: referredCase.id }, include: { household: true } });
  const raw = JSON.stringify(await stack.temporal.workflow.getHandle(row.workflowId).fetchHistory());
  const decodedBase64 = [...raw.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('');
  for (const secret of [row.household.idNumber, row.household.headName, '务工中断']) {
    expect(raw).not.toContain(secret);
    expect(decodedBase64).not.toContain(secret);
  }
  const monitoring = await as('village.worker', 'GET', `/api/monitoring-cases/${visit.body.monitoringCaseId}`);
  expect(monitoring.body).toMatchObject({ stage: 'HOME_VISIT', channel: 'CADRE_VISIT', relocationId: referredCase.id, riskTypes: [{ code: 'UNSTABLE_EMPLOYMENT' }] });
  expect(monitoring.body.household.id).toBe(referredCase.household.id);

  // A household already monitored: the visit's finding goes to its open case.
  const idNumber = newIdNumber();
  const open = await as('village.worker', 'POST', '/api/monitoring-cases', intakeBody({ idNumber }));
  expect(open.status).toBe(201);
  const both = await newCase({ idNumber });
  expect(both.household.id).toBe(open.body.household.id);
  await baselineDone(both.id);
  const found = await as('village.worker', 'POST', `/api/relocations/${both.id}/visits`, { atRisk: true, riskTypes: ['ILLNESS'], perCapitaIncome: 4000 });
  expect(found.body.monitoringCaseId).toBe(open.body.id);
  const withEvidence = await eventually(async () => {
    const view = (await as('village.worker', 'GET', `/api/monitoring-cases/${open.body.id}`)).body;
    return view.timeline.some((e: any) => e.kind === 'RELOCATION_EVIDENCE') ? view : null;
  });
  expect(withEvidence.relocationId).toBe(both.id);
  expect(found.body.case.timeline.map((e: any) => e.kind)).toContain('EVIDENCE_TO_MONITORING');
  // Visits are the village's and town's; a visit before the baseline is refused.
  const fresh = await newCase();
  expect((await as('village.worker', 'POST', `/api/relocations/${fresh.id}/visits`, { atRisk: false, perCapitaIncome: 1 })).status).toBe(409);
  expect((await as('admin', 'POST', `/api/relocations/${both.id}/visits`, { atRisk: false, perCapitaIncome: 1 })).status).toBe(403);
  const missingRisk = await as('village.worker', 'POST', `/api/relocations/${both.id}/visits`, { atRisk: true, perCapitaIncome: 1 });
  expect(missingRisk.status).toBe(400);
  expect(missingRisk.body.issues[0].path).toBe('riskTypes');
}, 120_000);

test('the report counts per site and town, over the caller\'s jurisdiction, as JSON, CSV and XLSX', async () => {
  const created = await newCase();
  await baselineDone(created.id);
  await as('village.worker', 'POST', `/api/relocations/${created.id}/employment`, { memberName: '报表成员', employer: '报表工厂', industry: '制造', monthlyPay: 3000, startDate: '2026-01-01' });
  const report = await as('town.reviewer', 'GET', '/api/reports/relocation?siteCode=DJ-JZ-01');
  expect(report.status).toBe(200);
  expect(report.body.bySite).toEqual([expect.objectContaining({ siteCode: 'DJ-JZ-01', townName: '大进镇' })]);
  const site = report.body.bySite[0];
  expect(site.households).toBeGreaterThanOrEqual(1);
  expect(site.employmentMet).toBeGreaterThanOrEqual(1);
  expect(site.withLabour).toBeLessThanOrEqual(site.households);
  expect(report.body.byTown.map((t: any) => t.townCode)).toEqual(['500154017']);
  expect(report.body.totals.households).toBe(site.households);
  const district = await as('district.approver', 'GET', '/api/reports/relocation');
  expect(district.body.byTown.length).toBeGreaterThan(30);
  expect((await as('town.reviewer', 'GET', '/api/reports/relocation?townCode=500154018')).status).toBe(403);
  expect((await as('dept.officer', 'GET', '/api/reports/relocation')).status).toBe(403);
  const csv = await fetch(`${stack.url}/api/reports/relocation?format=csv`, { headers: { authorization: `Bearer ${await stack.login('town.reviewer')}` } });
  expect(csv.headers.get('content-type')).toContain('text/csv');
  const bytes = Buffer.from(await csv.arrayBuffer());
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const text = bytes.subarray(3).toString('utf8');
  expect(text.split('\r\n')[0]).toBe('分组,代码,名称,乡镇（街道）代码,乡镇（街道）,搬迁户数,有劳动能力户数,就业目标达标户数,产业目标达标户数,存在风险户数,走访逾期户数');
  expect(text).not.toContain('演示搬迁户');
  const xlsx = await fetch(`${stack.url}/api/reports/relocation?format=xlsx`, { headers: { authorization: `Bearer ${await stack.login('town.reviewer')}` } });
  expect(xlsx.status).toBe(200);
  expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
});

test('a list imports one case per valid row, names each bad field, and the same file twice creates nothing', async () => {
  const existing = await newCase();
  const existingId = (await stack.db.household.findUniqueOrThrow({ where: { id: existing.household.id } })).idNumber;
  const good = newIdNumber();
  const twice = newIdNumber();
  const csv = [
    '户主姓名,身份证号,联系电话,村（社区）代码,家庭人口,劳动能力,安置点代码,搬迁入住日期',
    `导入一,${good},13800001111,${demoVillage},3,有劳动能力,DJ-JZ-01,2026/6/1`,
    `导入二,110105194912310021,,${demoVillage},3,full,DJ-JZ-01,2026-06-01`,
    `导入三,${newIdNumber()},,${demoVillage},3,很强,NO-SITE,2026-13-01`,
    `导入四,${existingId},,${demoVillage},3,none,DJ-JZ-01,2026-06-01`,
    `导入五,${twice},,500154018001,2,partial,DJ-FS-01,2026-06-01`,
    `导入六,${twice},,${demoVillage},2,partial,DJ-FS-01,2026-06-01`,
  ].join('\r\n');
  const upload = async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'relocations.csv');
    const res = await fetch(`${stack.url}/api/imports/relocations`, { method: 'POST', headers: { authorization: `Bearer ${await stack.login('town.reviewer')}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
  const before = await stack.db.relocationCase.count();
  const first = await upload();
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ alreadyImported: false, casesCreated: 1, duplicates: 1, accepted: 2 });
  expect(first.body.rejected.map((r: any) => [r.row, r.field])).toEqual([
    [3, 'idNumber'],
    [4, 'laborCapacity'],
    [4, 'siteCode'],
    [4, 'relocatedAt'],
    [6, 'villageCode'],
    [7, 'idNumber'],
  ]);
  expect(first.body.rejected.every((r: any) => /[\u4e00-\u9fff]/.test(r.message))).toBe(true);
  expect(await stack.db.relocationCase.count()).toBe(before + 1);
  const imported = await stack.db.household.findUniqueOrThrow({ where: { idNumber: good }, include: { relocationCases: true } });
  expect(imported.relocationCases[0]).toMatchObject({ siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01', stage: 'BASELINE_SURVEY' });

  const second = await upload();
  expect(second.body).toMatchObject({ alreadyImported: true, importId: first.body.importId, casesCreated: 0 });
  expect(await stack.db.relocationCase.count()).toBe(before + 1);
  // Only the town and the district import.
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'relocations.csv');
  const refused = await fetch(`${stack.url}/api/imports/relocations`, { method: 'POST', headers: { authorization: `Bearer ${await stack.login('village.worker')}` }, body: form });
  expect(refused.status).toBe(403);
}, 120_000);
