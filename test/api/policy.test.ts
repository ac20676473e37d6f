import { demoVillage } from '../../src/demo/seed';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const day = 86_400_000;
const chinese = /[\u4e00-\u9fff]/;
const longerVisits: PolicySettings = { ...defaultPolicySettings, stepDue: { ...defaultPolicySettings.stepDue, HOME_VISIT: 'P5D' } };

const getPolicy = async (username: string) => stack.request('GET', '/api/policy', { token: await stack.login(username) });
const putPolicy = async (username: string, body: unknown) => stack.request('PUT', '/api/policy', { token: await stack.login(username), body });
const storedVersions = () => stack.db.policyVersion.findMany({ orderBy: { version: 'asc' } });

async function openCase() {
  const res = await stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login('village.worker'),
    body: {
      household: { headName: '政策测试户', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 2, laborCapacity: 'full' },
      category: 'MARGINAL',
      channel: 'CADRE_VISIT',
      riskTypes: ['ILLNESS'],
      perCapitaIncome: 5000,
    },
  });
  expect(res.status).toBe(201);
  return res.body;
}

test('the district sets a new version; cases started afterwards pin it, cases started before keep theirs', async () => {
  // Nothing stored: the built-in defaults are version 0.
  const initial = await getPolicy('district.approver');
  expect(initial).toEqual({ status: 200, body: { current: { version: 0, effectiveFrom: null, settings: defaultPolicySettings }, versions: [{ version: 0, effectiveFrom: null, settings: defaultPolicySettings }] } });
  const before = await openCase();
  expect(before.policyVersion).toBe(0);

  const put = await putPolicy('district.approver', { settings: longerVisits });
  expect(put).toEqual({
    status: 201,
    body: { version: 1, effectiveFrom: expect.any(String), settings: longerVisits, createdBy: 'district.approver', createdAt: expect.any(String) },
  });
  expect(Math.abs(Date.parse(put.body.effectiveFrom) - Date.now())).toBeLessThan(60_000);

  const after = await openCase();
  expect(after.policyVersion).toBe(1);
  const afterVisit = after.openTasks.find((t: any) => t.step === 'HOME_VISIT');
  expect(Date.parse(afterVisit.dueAt) - Date.parse(afterVisit.openedAt)).toBe(5 * day);
  const token = await stack.login('village.worker');
  expect((await stack.request('GET', `/api/monitoring-cases/${after.id}`, { token })).body.policyVersion).toBe(1);
  const old = (await stack.request('GET', `/api/monitoring-cases/${before.id}`, { token })).body;
  expect(old.policyVersion).toBe(0);
  const oldVisit = old.openTasks.find((t: any) => t.step === 'HOME_VISIT');
  expect(Date.parse(oldVisit.dueAt) - Date.parse(oldVisit.openedAt)).toBe(3 * day);

  const read = await getPolicy('district.approver');
  expect(read.body.current).toEqual(put.body);
  expect(read.body.versions.map((v: any) => [v.version, v.createdBy])).toEqual([
    [1, 'district.approver'],
    [0, undefined],
  ]);
  expect((await getPolicy('admin')).body).toEqual(read.body);
});

test('village and town caseworkers read the version in force only; departments and coordinators are refused', async () => {
  const current = (await getPolicy('district.approver')).body.current;
  for (const username of ['town.reviewer', 'village.worker']) {
    expect(await getPolicy(username)).toEqual({ status: 200, body: { current: { version: current.version, effectiveFrom: current.effectiveFrom, settings: current.settings } } });
  }
  for (const username of ['dept.officer', 'coordinator']) {
    expect(await getPolicy(username)).toEqual({ status: 403, body: { error: 'forbidden', reason: expect.stringMatching(chinese) } });
  }
  expect((await stack.request('GET', '/api/policy')).status).toBe(401);
});

describe('refusals write nothing', () => {
  test('only the district approver may change policy: others are 403 with a reason, even with a bad body', async () => {
    const before = await storedVersions();
    for (const username of ['town.reviewer', 'village.worker', 'admin', 'dept.officer']) {
      expect(await putPolicy(username, { settings: longerVisits })).toEqual({ status: 403, body: { error: 'forbidden', reason: '只有区乡村振兴局审定人员可以修改政策设置' } });
    }
    expect((await putPolicy('village.worker', { settings: 'P1D' })).status).toBe(403);
    expect(await storedVersions()).toEqual(before);
  });

  test('bad input is 400 with each field’s path and a Chinese message', async () => {
    const before = await storedVersions();
    const res = await putPolicy('district.approver', {
      effectiveFrom: 'next monday',
      settings: {
        ...defaultPolicySettings,
        stepDue: { ...defaultPolicySettings.stepDue, HOME_VISIT: '3 days', VILLAGE_REVIEW: 'P1Y', TOWN_REVIEW: 'PT0S' },
        escalationAfter: 48,
        identificationLimit: undefined,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation');
    expect(res.body.issues.map((i: any) => i.path).sort()).toEqual([
      'effectiveFrom',
      'settings.escalationAfter',
      'settings.identificationLimit',
      'settings.stepDue.HOME_VISIT',
      'settings.stepDue.TOWN_REVIEW',
      'settings.stepDue.VILLAGE_REVIEW',
    ]);
    for (const issue of res.body.issues) expect(issue.message).toMatch(chinese);
    expect(await putPolicy('district.approver', {})).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'settings', message: '缺少必填项 settings' }] } });
    expect((await putPolicy('district.approver', '{"settings":')).body.issues).toEqual([{ path: '', message: '请求体不是有效的JSON' }]);
    expect(await storedVersions()).toEqual(before);
  });

  test('a version effective before the one in force is 409: history is not rewritten', async () => {
    const before = await storedVersions();
    const current = (await getPolicy('district.approver')).body.current;
    expect(current.version).toBeGreaterThan(0);
    const backdated = new Date(Date.parse(current.effectiveFrom) - day).toISOString();
    expect(await putPolicy('district.approver', { effectiveFrom: backdated, settings: longerVisits })).toEqual({
      status: 409,
      body: { error: 'conflict', reason: expect.stringContaining(`不能早于现行第${current.version}版`) },
    });
    expect(await storedVersions()).toEqual(before);
  });
});

test('a version dated ahead is listed but not in force until then', async () => {
  const current = (await getPolicy('district.approver')).body.current;
  const tomorrow = new Date(Date.now() + day).toISOString();
  const put = await putPolicy('district.approver', { effectiveFrom: tomorrow.replace('Z', '+00:00'), settings: defaultPolicySettings });
  expect(put).toMatchObject({ status: 201, body: { version: current.version + 1, effectiveFrom: tomorrow } });
  const read = (await getPolicy('district.approver')).body;
  expect(read.current.version).toBe(current.version);
  expect(read.versions[0]).toEqual(put.body);
  const opened = await openCase();
  expect(opened.policyVersion).toBe(current.version);
  // Nor can a running case be moved onto it before its date.
  const moved = await stack.request('PUT', `/api/monitoring-cases/${opened.id}/policy`, { token: await stack.login('district.approver'), body: { version: put.body.version } });
  expect(moved).toEqual({ status: 409, body: { error: 'conflict', reason: expect.stringMatching(new RegExp(`^政策设置第${put.body.version}版自 .*尚未生效`)) } });
  expect((await stack.request('GET', `/api/monitoring-cases/${opened.id}`, { token: await stack.login('district.approver') })).body.policyVersion).toBe(current.version);
});

test('concurrent updates each get their own version number', async () => {
  const highest = (await storedVersions()).at(-1)?.version ?? 0;
  const results = await Promise.all(Array.from({ length: 6 }, () => putPolicy('district.approver', { settings: longerVisits })));
  expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
  expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6].map((n) => highest + n));
  const current = (await getPolicy('district.approver')).body.current.version;
  expect(current).toBe(Math.max(...results.map((r) => r.body.version)));
});
