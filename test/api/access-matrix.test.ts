import { hashPassword } from '../../src/api/auth/passwords';
import { demoPassword, demoTown, demoVillage } from '../../src/demo/seed';
import { defaultPolicySettings } from '../../src/domain/policy';
import { eventually } from '../support/eventually';
import { expressRoutes } from '../support/express-routes';
import { intakeBody } from '../support/intake';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';
import { storePolicyVersion1 } from '../support/fixtures';

/**
 * Every endpoint × every demo role, users of the neighbouring town, and no token at all, against the table below:
 * the table is the specification of who may do what (shared/domain.md), written from the rules, not from the code.
 * A route Express serves that has no row fails the test: a new endpoint needs its row.
 *
 * Codes: a status; `+` a list answered 200 that shows the fixture case (or task), `-` a 200 list that does not.
 * Reads outside one's scope are 404 (no existence leak), actions 403, each with a reason.
 */

const users = ['village.worker', 'village.head', 'town.reviewer', 'district.approver', 'dept.officer', 'coordinator', 'admin', 'neighbour.village', 'neighbour.town', 'anonymous'] as const;
type User = (typeof users)[number];
type Cell = number | '+' | '-';
type Row = readonly [vw: Cell, vh: Cell, tr: Cell, da: Cell, do_: Cell, co: Cell, ad: Cell, nv: Cell, nt: Cell, anon: Cell];

// prettier-ignore
const table: Record<string, Row> = {
  //                                                    village  village  town     district dept     coord    admin    neighbour neighbour no
  //                                                    worker   head     reviewer approver officer  inator            village   town      token
  // Login, refresh, logout: every account for itself; health and the document are public.
  'POST /api/auth/login':                              [200,     200,     200,     200,     200,     200,     200,     200,      200,      400],
  'POST /api/auth/refresh':                            [200,     200,     200,     200,     200,     200,     200,     200,      200,      400],
  'POST /api/auth/logout':                             [204,     204,     204,     204,     204,     204,     204,     204,      204,      401],
  'GET /api/health':                                   [200,     200,     200,     200,     200,     200,     200,     200,      200,      200],
  'GET /api/openapi.json':                             [200,     200,     200,     200,     200,     200,     200,     200,      200,      200],
  // Decrypted workflow payloads: the district and admins (operators).
  'POST /api/temporal-codec/decode':                   [403,     403,     403,     200,     403,     403,     200,     403,      403,      401],
  // Cases: village, town and district caseworkers report within their jurisdiction; departments only by import.
  'POST /api/monitoring-cases':                        [201,     201,     201,     201,     403,     403,     403,     403,      403,      401],
  'GET /api/monitoring-cases':                         ['+',     '+',     '+',     '+',     '-',     '-',     '+',     '-',      '-',      401],
  'GET /api/monitoring-cases/{id}':                    [200,     200,     200,     200,     404,     404,     200,     404,      404,      401],
  // Full ID number and phone: the village and town working the case, a department officer with its task (the
  // fixture is 因病: 医保's data matching is open, not 民政's, so to this officer of 民政 the case is not there;
  // data-matching.test.ts has 医保's 200); the district and admins read the case but see the numbers masked.
  'GET /api/monitoring-cases/{id}/personal-data':      [200,     200,     200,     403,     404,     404,     403,     404,      404,      401],
  // 公示异议 on a posted case: the caseworkers of its area; admins read it but do not act.
  'POST /api/monitoring-cases/{id}/objections':        [201,     201,     201,     201,     404,     404,     403,     404,      404,      401],
  // Follow-up of a monitored household: visits by its village; measures by its village or town.
  'POST /api/monitoring-cases/{id}/visits':            [201,     201,     403,     403,     404,     404,     403,     404,      404,      401],
  'POST /api/monitoring-cases/{id}/measures':          [201,     201,     201,     403,     404,     404,     403,     404,      404,      401],
  // 风险消除 is the village's proposal: allowed, it is refused with its reasons (409) for a case monitored a day.
  'POST /api/monitoring-cases/{id}/exit-proposals':    [409,     409,     403,     403,     404,     404,     403,     404,      404,      401],
  // 回退 needs an eliminated case: on a monitored one, those who can read it get 409, the rest 404.
  'POST /api/monitoring-cases/{id}/rollback':          [409,     409,     409,     409,     404,     404,     409,     404,      404,      401],
  // Which policy version a running case follows: the district's decision; others who read the case are refused.
  'PUT /api/monitoring-cases/{id}/policy':             [403,     403,     403,     200,     404,     404,     403,     404,      404,      401],
  // 佐证材料: those who act on the case upload (admins read only); whoever reads the case downloads; 404 outside.
  'POST /api/monitoring-cases/{id}/attachments':       [201,     201,     201,     201,     404,     404,     403,     404,      404,      401],
  'GET /api/monitoring-cases/{id}/attachments/{attachmentId}': [200, 200,  200,     200,     404,     404,     200,     404,      404,      401],
  // Inboxes: the fixture's home visit is the village's (either caseworker), nobody else's.
  'GET /api/tasks':                                    ['+',     '+',     '-',     '-',     '-',     '-',     '-',     '-',      '-',      401],
  'POST /api/tasks/{id}/claim':                        [200,     200,     403,     403,     403,     403,     403,     403,      403,      401],
  'POST /api/tasks/{id}/complete':                     [200,     200,     403,     403,     403,     403,     403,     403,      403,      401],
  // 批量审核: answered 200 with a result per task; the result says whether each was decided (the matrix's fixture
  // is a home visit, so the village's users decide it and the others get their refusal in the result).
  'POST /api/tasks/bulk-complete':                     [200,     200,     200,     200,     200,     200,     200,     200,      200,      401],
  // 代办: everyone names a substitute for themself (of the same role: village.head for the village users, a spare
  // account otherwise refused with 400); listing is open to all, each seeing their own; revoking is for those concerned.
  'POST /api/delegations':                             [201,     201,     400,     400,     400,     400,     400,     201,      400,      401],
  'GET /api/delegations':                              [200,     200,     200,     200,     200,     200,     200,     200,      200,      401],
  'DELETE /api/delegations/{id}':                      [200,     200,     200,     404,     404,     404,     200,     404,      404,      401],
  // A home visit claimed by the village worker: freed by its claimer or a supervisor (its town, the district, admins);
  // handed to the village head by a supervisor only.
  'POST /api/tasks/{id}/release':                      [200,     403,     200,     200,     403,     403,     200,     403,      403,      401],
  'POST /api/tasks/{id}/reassign':                     [403,     403,     200,     200,     403,     403,     200,     403,      403,      401],
  // 户籍迁移: the old town's reviewers or the district (another town's reviewer: no such household, 404); both the
  // old and the new town's people read it (the fixture moves a household from the demo village to the neighbour town).
  'POST /api/households/transfers':                    [403,     403,     201,     201,     403,     403,     403,     403,      404,      401],
  'GET /api/households/transfers':                     ['+',     '+',     '+',     '+',     403,     403,     '+',     '+',      '+',      401],
  // Department alert lists: department officers only.
  'POST /api/imports/department-alerts':               [403,     403,     403,     403,     200,     403,     403,     403,      403,      401],
  // Policy: caseworkers read the version in force, the district and admins the history; only the district sets it.
  'GET /api/policy':                                   [200,     200,     200,     200,     403,     403,     200,     200,      200,      401],
  'PUT /api/policy':                                   [403,     403,     403,     201,     403,     403,     403,     403,      403,      401],
  // Policy what-if: the district approver, who sets policy; it writes nothing.
  'POST /api/policy/what-if':                          [403,     403,     403,     200,     403,     403,     403,     403,      403,      401],
  // Audit log: district roles and admins.
  'GET /api/audit':                                    [403,     403,     403,     200,     403,     403,     200,     403,      403,      401],
  'GET /api/audit/verify':                             [403,     403,     403,     200,     403,     403,     200,     403,      403,      401],
  // Staff accounts: admins only.
  'GET /api/users':                                    [403,     403,     403,     403,     403,     403,     200,     403,      403,      401],
  'POST /api/users':                                   [403,     403,     403,     403,     403,     403,     201,     403,      403,      401],
  'PATCH /api/users/{id}':                             [403,     403,     403,     403,     403,     403,     200,     403,      403,      401],
  'POST /api/users/{id}/password':                     [403,     403,     403,     403,     403,     403,     204,     403,      403,      401],
  // Reports over one's own jurisdiction (no personal data in them); departments and coordinators have none.
  'GET /api/reports/monitoring':                       [200,     200,     200,     200,     403,     403,     200,     200,      200,      401],
  // 易地搬迁后续扶持: sites are reference data everyone reads and admins keep; the town or district opens a case; the
  // village records the baseline; village and town keep the ledgers and visit (人社 too for employment, not this
  // demo officer of 民政, who does not see the cases at all); the district and admins read.
  'GET /api/relocation-sites':                         [200,     200,     200,     200,     200,     200,     200,     200,      200,      401],
  'POST /api/relocation-sites':                        [403,     403,     403,     403,     403,     403,     201,     403,      403,      401],
  'POST /api/relocations':                             [403,     403,     201,     201,     403,     403,     403,     403,      403,      401],
  'GET /api/relocations':                              ['+',     '+',     '+',     '+',     '-',     '-',     '+',     '-',      '-',      401],
  'GET /api/relocations/{id}':                         [200,     200,     200,     200,     404,     404,     200,     404,      404,      401],
  'POST /api/relocations/{id}/baseline':               [201,     201,     403,     403,     404,     404,     403,     404,      404,      401],
  'POST /api/relocations/{id}/employment':             [201,     201,     201,     403,     404,     404,     403,     404,      404,      401],
  'PATCH /api/relocations/{id}/employment/{entryId}':  [200,     200,     200,     403,     404,     404,     403,     404,      404,      401],
  'POST /api/relocations/{id}/projects':               [201,     201,     201,     403,     404,     404,     403,     404,      404,      401],
  'POST /api/relocations/{id}/visits':                 [201,     201,     201,     403,     404,     404,     403,     404,      404,      401],
  // 佐证材料 of a relocation case: added by those who record its visits, downloaded by whoever reads it.
  'POST /api/relocations/{id}/attachments':            [201,     201,     201,     403,     404,     404,     403,     404,      404,      401],
  'GET /api/relocations/{id}/attachments/{attachmentId}': [200,   200,     200,     200,     404,     404,     200,     404,      404,      401],
  // A town's or the district's list; the neighbour town may upload, its rows in the demo town are rejected one by one.
  'POST /api/imports/relocations':                     [403,     403,     200,     200,     403,     403,     403,     403,      200,      401],
  'GET /api/reports/relocation':                       [200,     200,     200,     200,     403,     403,     200,     200,      200,      401],
  // 协作帮扶: the cooperation office plans and amends; the district sees all; a department its own tasks' plans and
  // reports on them; village and town users have no part. Partners and indicators are read by those and admins.
  'GET /api/cooperation/partners':                     [403,     403,     403,     200,     200,     200,     200,     403,      403,      401],
  'POST /api/cooperation/partners':                    [403,     403,     403,     403,     403,     201,     403,     403,      403,      401],
  'GET /api/cooperation/indicators':                   [403,     403,     403,     200,     200,     200,     200,     403,      403,      401],
  'POST /api/cooperation/indicators':                  [403,     403,     403,     403,     403,     201,     403,     403,      403,      401],
  'POST /api/cooperation/plans':                       [403,     403,     403,     403,     403,     201,     403,     403,      403,      401],
  'GET /api/cooperation/plans':                        [403,     403,     403,     '+',     '+',     '+',     403,     403,      403,      401],
  'GET /api/cooperation/plans/{id}':                   [403,     403,     403,     200,     200,     200,     403,     403,      403,      401],
  // The fixture's task is 民政's: only its officer reports on it.
  'POST /api/cooperation/plans/{id}/tasks/{taskId}/reports': [403, 403,     403,     403,     201,     403,     403,     403,      403,      401],
  'POST /api/cooperation/plans/{id}/amendments':       [403,     403,     403,     403,     403,     201,     403,     403,      403,      401],
  'GET /api/reports/cooperation':                      [403,     403,     403,     200,     403,     200,     200,     403,      403,      401],
};

const neighbourTown = '500154018';
let stack: Stack;
/** A case in HOME_VISIT (the village's visit and the departments' data matching open), one posted, one monitored. */
const fixtures = { open: '', posted: '', monitored: '', homeVisitTask: '', transfer: '', relocation: '', employmentEntry: '', plan: '', planTask: '' };
let spareUserId = '';

beforeAll(async () => {
  stack = await startStack();
  const passwordHash = await hashPassword(demoPassword);
  for (const [username, role, jurisdictionCode] of [
    ['neighbour.village', 'VILLAGE_CASEWORKER', `${neighbourTown}001`],
    ['neighbour.town', 'TOWN_REVIEWER', neighbourTown],
    ['spare.account', 'VILLAGE_CASEWORKER', demoVillage],
  ] as const) {
    const user = await stack.db.user.create({ data: { username, displayName: '矩阵测试', email: `${username}@demo.assistflow.local`, passwordHash, role, jurisdictionCode } });
    if (username === 'spare.account') spareUserId = user.id;
  }
  // Posting lasts a second for the monitored fixture, then five days (the default) for the posted one.
  await storePolicyVersion1(stack.db);
  fixtures.monitored = await monitoredCase();
  await stack.db.policyVersion.create({ data: { version: 2, effectiveFrom: new Date(), settings: defaultPolicySettings } });
  fixtures.posted = await postedCase();
  fixtures.open = await openCase();
  fixtures.homeVisitTask = (await taskOf('village.worker', fixtures.open, 'HOME_VISIT')).id;
  const moved = await stack.request('POST', '/api/households/transfers', {
    token: await stack.login('district.approver'),
    body: { idNumber: await householdWithoutCase(), toVillageCode: `${neighbourTown}001`, reason: '矩阵测试迁往邻镇' },
  });
  expect(moved.status).toBe(201);
  fixtures.transfer = moved.body.id;
  fixtures.relocation = await relocationCase();
  expect((await stack.request('POST', `/api/relocations/${fixtures.relocation}/baseline`, { token: await stack.login('village.worker'), body: relocationBaseline })).status).toBe(201);
  const entry = await stack.request('POST', `/api/relocations/${fixtures.relocation}/employment`, { token: await stack.login('village.worker'), body: relocationJob });
  fixtures.employmentEntry = entry.body.entryId;
  await cooperationPlan();
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

/** A household registered in the demo village with no case, for a transfer; returns its ID number. */
async function householdWithoutCase(): Promise<string> {
  const idNumber = newIdNumber();
  await stack.db.household.create({ data: { idNumber, headName: '迁移户', villageCode: demoVillage, townCode: demoTown, memberCount: 2, laborCapacity: 'full', perCapitaIncome: 6000 } });
  return idNumber;
}

async function openCase(): Promise<string> {
  const res = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('village.worker'), body: intakeBody({ phone: '13900001111' }) });
  expect(res.status).toBe(201);
  return res.body.id;
}
const relocationBody = () => ({ household: { headName: '矩阵搬迁户', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 3, laborCapacity: 'full' }, siteCode: 'DJ-JZ-01', relocatedAt: '2026-06-01' });
const relocationBaseline = { memberCount: 3, laborForceCount: 1, laborCapacity: 'full', skills: [], healthStatus: 'GOOD' };
const relocationJob = { memberName: '矩阵成员', employer: '矩阵工厂', industry: '制造', monthlyPay: 3000, startDate: '2026-07-01' };
async function relocationCase(): Promise<string> {
  const res = await stack.request('POST', '/api/relocations', { token: await stack.login('town.reviewer'), body: relocationBody() });
  expect(res.status).toBe(201);
  return res.body.id;
}
async function taskOf(username: string, caseId: string, step: string) {
  return eventually(async () => (await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token: await stack.login(username) })).body.items.find((t: any) => t.caseId === caseId && t.step === step));
}
async function approve(username: string, caseId: string, step: string) {
  const task = await taskOf(username, caseId, step);
  expect((await stack.request('POST', `/api/tasks/${task.id}/complete`, { token: await stack.login(username), body: { decision: 'approve' } })).status).toBe(200);
}
const stageOf = async (caseId: string) => (await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('district.approver') })).body.stage;
async function postedCase(): Promise<string> {
  const id = await openCase();
  await approve('village.worker', id, 'HOME_VISIT');
  await approve('dept.medical', id, 'DATA_MATCHING');
  await approve('village.head', id, 'VILLAGE_REVIEW');
  return id;
}
async function monitoredCase(): Promise<string> {
  const id = await postedCase();
  await eventually(async () => (await stageOf(id)) === 'TOWN_REVIEW', 30_000);
  await approve('town.reviewer', id, 'TOWN_REVIEW');
  await approve('district.approver', id, 'DISTRICT_APPROVAL');
  await approve('district.approver', id, 'ANNOUNCEMENT');
  await taskOf('village.worker', id, 'VISIT');
  return id;
}

/** A cooperation plan of this year with one task of 民政 (the demo officer's department). */
async function cooperationPlan() {
  const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
  const res = await stack.request('POST', '/api/cooperation/plans', {
    token: await stack.login('coordinator'),
    body: {
      partnerCode: 'JIANGJIN',
      year,
      agreedAt: `${year}-02-15`,
      targets: [{ indicator: 'FISCAL_FUNDS', target: 100 }],
      tasks: [{ title: '矩阵测试任务', category: 'LIVELIHOOD', responsibleUnit: 'CIVIL_AFFAIRS', dueDate: `${year}-12-31`, indicators: ['FISCAL_FUNDS'] }],
    },
  });
  expect(res.status).toBe(201);
  fixtures.plan = res.body.id;
  fixtures.planTask = res.body.tasks[0].id;
}
let planYears = 0;
const beijingPeriod = () => {
  const now = new Date(Date.now() + 8 * 3_600_000);
  return `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
};

/** A type per user: a second measure of one type would overlap the first, and be refused for that instead. */
const measureTypes: Partial<Record<User, string>> = {
  'village.worker': 'TRAINING',
  'village.head': 'EMPLOYMENT',
  'town.reviewer': 'INDUSTRY',
  'district.approver': 'MICROCREDIT',
  admin: 'PUBLIC_WELFARE_JOB',
};
let sequence = 0;

/** One request per route, as `user`; routes that change what the next user would meet get a fixture of their own. */
async function call(route: string, user: User): Promise<{ status: number; body: any }> {
  const token = user === 'anonymous' ? undefined : await stack.login(user);
  const as = (method: string, path: string, body?: unknown) => stack.request(method, path, { token, body });
  const fresh = async () => {
    // The user's own session, so a logout or refresh leaves the shared tokens alone.
    if (user === 'anonymous') return { token: undefined, refreshToken: undefined };
    const res = await stack.request('POST', '/api/auth/login', { body: { username: user, password: demoPassword } });
    return res.body as { token: string; refreshToken: string };
  };
  switch (route) {
    case 'POST /api/auth/login':
      return stack.request('POST', '/api/auth/login', { body: user === 'anonymous' ? {} : { username: user, password: demoPassword } });
    case 'POST /api/auth/refresh':
      return stack.request('POST', '/api/auth/refresh', { body: { refreshToken: (await fresh()).refreshToken } });
    case 'POST /api/auth/logout':
      return stack.request('POST', '/api/auth/logout', { token: (await fresh()).token });
    case 'GET /api/health':
      return as('GET', '/api/health');
    case 'GET /api/openapi.json':
      return as('GET', '/api/openapi.json');
    case 'POST /api/temporal-codec/decode':
      return as('POST', '/api/temporal-codec/decode', { payloads: [] });
    case 'POST /api/monitoring-cases':
      return as('POST', '/api/monitoring-cases', intakeBody());
    case 'GET /api/monitoring-cases':
      return listed(await as('GET', '/api/monitoring-cases?pageSize=100'), (c) => c.id === fixtures.open);
    case 'GET /api/monitoring-cases/{id}':
      return as('GET', `/api/monitoring-cases/${fixtures.open}`);
    case 'GET /api/monitoring-cases/{id}/personal-data':
      return as('GET', `/api/monitoring-cases/${fixtures.open}/personal-data`);
    case 'POST /api/monitoring-cases/{id}/objections':
      return as('POST', `/api/monitoring-cases/${fixtures.posted}/objections`, { content: `矩阵测试异议 ${user}` });
    case 'POST /api/monitoring-cases/{id}/visits':
      return as('POST', `/api/monitoring-cases/${fixtures.monitored}/visits`, { perCapitaIncome: 7000, unresolvedSpending: false, guaranteesSecure: true });
    case 'POST /api/monitoring-cases/{id}/measures':
      return as('POST', `/api/monitoring-cases/${fixtures.monitored}/measures`, { measures: [{ type: measureTypes[user] ?? 'WORK_FOR_RELIEF', startDate: '2027-01-01' }] });
    case 'POST /api/monitoring-cases/{id}/exit-proposals':
      return as('POST', `/api/monitoring-cases/${fixtures.monitored}/exit-proposals`, { reason: '收入稳定' });
    case 'POST /api/monitoring-cases/{id}/rollback':
      return as('POST', `/api/monitoring-cases/${fixtures.monitored}/rollback`, { reason: '复核发现收入不稳定' });
    case 'PUT /api/monitoring-cases/{id}/policy':
      return as('PUT', `/api/monitoring-cases/${fixtures.monitored}/policy`, { version: 2 });
    case 'POST /api/monitoring-cases/{id}/attachments':
      return uploadAttachment(token, `monitoring-cases/${fixtures.open}`);
    case 'POST /api/relocations/{id}/attachments':
      return uploadAttachment(token, `relocations/${fixtures.relocation}`);
    case 'GET /api/monitoring-cases/{id}/attachments/{attachmentId}':
    case 'GET /api/relocations/{id}/attachments/{attachmentId}': {
      const base = route.includes('relocations') ? `relocations/${fixtures.relocation}` : `monitoring-cases/${fixtures.open}`;
      fixtureAttachments[base] ||= (await uploadAttachment(await stack.login('village.worker'), base)).body.id;
      const res = await fetch(`${stack.url}/api/${base}/attachments/${fixtureAttachments[base]}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : null;
      return { status: res.status, body };
    }
    case 'GET /api/tasks':
      return listed(await as('GET', `/api/tasks?caseId=${fixtures.open}`), (t) => t.id === fixtures.homeVisitTask);
    case 'POST /api/tasks/{id}/claim':
    case 'POST /api/tasks/{id}/complete': {
      // A home visit of its own per cell: a claim or decision by one user would change what the next one meets.
      const task = await taskOf('village.worker', await openCase(), 'HOME_VISIT');
      return route.endsWith('claim') ? as('POST', `/api/tasks/${task.id}/claim`) : as('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve' });
    }
    case 'POST /api/tasks/{id}/release':
    case 'POST /api/tasks/{id}/reassign': {
      // A claimed home visit of its own per cell.
      const task = await taskOf('village.worker', await openCase(), 'HOME_VISIT');
      const claimed = await stack.request('POST', `/api/tasks/${task.id}/claim`, { token: await stack.login('village.worker') });
      expect(claimed.status).toBe(200);
      return route.endsWith('release') ? as('POST', `/api/tasks/${task.id}/release`) : as('POST', `/api/tasks/${task.id}/reassign`, { username: 'village.head' });
    }
    case 'POST /api/tasks/bulk-complete': {
      const task = await taskOf('village.worker', await openCase(), 'HOME_VISIT');
      const res = await as('POST', '/api/tasks/bulk-complete', { taskIds: [task.id], decision: 'approve' });
      // The cell is the request's status; the one result is checked against who may decide a village's home visit.
      if (res.status === 200) expect(res.body.results[0].status).toBe(['village.worker', 'village.head'].includes(user) ? 200 : 403);
      return res;
    }
    case 'POST /api/delegations':
      // A substitute of the same role where there is one: each village user names the other; the rest name a village user (400).
      return as('POST', '/api/delegations', { delegateUsername: user === 'village.head' ? 'village.worker' : 'village.head', from: new Date(Date.now() + (++sequence) * 86_400_000 * 2).toISOString(), to: new Date(Date.now() + (sequence * 2 + 1) * 86_400_000).toISOString(), reason: '矩阵测试' });
    case 'GET /api/delegations':
      return as('GET', '/api/delegations');
    case 'DELETE /api/delegations/{id}': {
      // The village worker's delegation to the village head, set by the town reviewer: revoked by those concerned.
      const setBy = await stack.request('POST', '/api/delegations', {
        token: await stack.login('town.reviewer'),
        body: { forUsername: 'village.worker', delegateUsername: 'village.head', from: new Date(Date.now() + 400 * 86_400_000 + ++sequence * 3 * 86_400_000).toISOString(), to: new Date(Date.now() + 401 * 86_400_000 + sequence * 3 * 86_400_000).toISOString(), reason: '矩阵测试' },
      });
      expect(setBy.status).toBe(201);
      return as('DELETE', `/api/delegations/${setBy.body.id}`);
    }
    case 'POST /api/households/transfers':
      return as('POST', '/api/households/transfers', { idNumber: await householdWithoutCase(), toVillageCode: `${demoTown}002`, reason: `矩阵测试迁移 ${user}` });
    case 'GET /api/households/transfers':
      return listed(await as('GET', '/api/households/transfers?pageSize=200'), (t) => t.id === fixtures.transfer);
    case 'POST /api/imports/department-alerts': {
      const form = new FormData();
      const csv = `姓名,身份证号,部门,预警事由,金额,日期,村（社区）代码\r\n矩阵,${newIdNumber()},民政,临时救助,100,2026-10-01,${demoVillage}\r\n`;
      form.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'matrix.csv');
      const res = await fetch(`${stack.url}/api/imports/department-alerts`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
      return { status: res.status, body: await res.json() };
    }
    case 'GET /api/policy':
      return as('GET', '/api/policy');
    case 'PUT /api/policy':
      return as('PUT', '/api/policy', { settings: defaultPolicySettings });
    case 'POST /api/policy/what-if':
      return as('POST', '/api/policy/what-if', { settings: defaultPolicySettings });
    case 'GET /api/audit':
      return as('GET', '/api/audit');
    case 'GET /api/audit/verify':
      return as('GET', '/api/audit/verify');
    case 'GET /api/users':
      return as('GET', '/api/users');
    case 'POST /api/users':
      return as('POST', '/api/users', {
        username: `matrix.${++sequence}`,
        displayName: '矩阵新用户',
        email: 'matrix@example.gov.cn',
        password: 'matrix-password-1',
        role: 'TOWN_REVIEWER',
        jurisdictionCode: demoTown,
      });
    case 'PATCH /api/users/{id}':
      return as('PATCH', `/api/users/${spareUserId}`, { displayName: `矩阵 ${++sequence}` });
    case 'POST /api/users/{id}/password':
      return as('POST', `/api/users/${spareUserId}/password`, { password: 'matrix-password-2' });
    case 'GET /api/reports/monitoring':
      return as('GET', '/api/reports/monitoring');
    case 'POST /api/imports/relocations': {
      const form = new FormData();
      const csv = `户主姓名,身份证号,村（社区）代码,家庭人口,劳动能力,安置点代码,搬迁入住日期\r\n矩阵,${newIdNumber()},${demoVillage},3,有劳动能力,DJ-JZ-01,2026-06-01\r\n`;
      form.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'relocations.csv');
      const res = await fetch(`${stack.url}/api/imports/relocations`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
      return { status: res.status, body: await res.json() };
    }
    case 'GET /api/reports/relocation':
      return as('GET', '/api/reports/relocation');
    case 'GET /api/relocation-sites':
      return as('GET', '/api/relocation-sites');
    case 'POST /api/relocation-sites':
      return as('POST', '/api/relocation-sites', { code: `MX-${++sequence}`, name: '矩阵安置点', townCode: demoTown, kind: 'SCATTERED', households: 1 });
    case 'POST /api/relocations':
      return as('POST', '/api/relocations', relocationBody());
    case 'GET /api/relocations':
      return listed(await as('GET', '/api/relocations?pageSize=100'), (c) => c.id === fixtures.relocation);
    case 'GET /api/relocations/{id}':
      return as('GET', `/api/relocations/${fixtures.relocation}`);
    case 'POST /api/relocations/{id}/baseline':
      // A case of its own per cell: the baseline is recorded once.
      return as('POST', `/api/relocations/${await relocationCase()}/baseline`, relocationBaseline);
    case 'POST /api/relocations/{id}/employment':
      return as('POST', `/api/relocations/${fixtures.relocation}/employment`, relocationJob);
    case 'PATCH /api/relocations/{id}/employment/{entryId}':
      return as('PATCH', `/api/relocations/${fixtures.relocation}/employment/${fixtures.employmentEntry}`, { endDate: '2027-01-01' });
    case 'POST /api/relocations/{id}/projects':
      return as('POST', `/api/relocations/${fixtures.relocation}/projects`, { name: '矩阵项目', type: 'OTHER', startDate: '2026-07-01' });
    case 'POST /api/relocations/{id}/visits':
      return as('POST', `/api/relocations/${fixtures.relocation}/visits`, { atRisk: false, perCapitaIncome: 8000 });
    case 'GET /api/cooperation/partners':
      return as('GET', '/api/cooperation/partners');
    case 'POST /api/cooperation/partners':
      return as('POST', '/api/cooperation/partners', { name: `矩阵企业 ${++sequence}`, kind: 'ENTERPRISE' });
    case 'GET /api/cooperation/indicators':
      return as('GET', '/api/cooperation/indicators');
    case 'POST /api/cooperation/indicators':
      return as('POST', '/api/cooperation/indicators', { code: `MATRIX_${++sequence}`, label: `矩阵指标 ${sequence}`, unit: '个' });
    case 'POST /api/cooperation/plans':
      // A year of its own per call (one plan per partner and year); only the coordinator's is created.
      return as('POST', '/api/cooperation/plans', { partnerCode: 'WANSHENG', year: 2041 + planYears++, agreedAt: '2041-02-15', targets: [{ indicator: 'DONATIONS', target: 10 }], tasks: [] });
    case 'GET /api/cooperation/plans':
      return listed(await as('GET', '/api/cooperation/plans?pageSize=100'), (p) => p.id === fixtures.plan);
    case 'GET /api/cooperation/plans/{id}':
      return as('GET', `/api/cooperation/plans/${fixtures.plan}`);
    case 'POST /api/cooperation/plans/{id}/tasks/{taskId}/reports':
      return as('POST', `/api/cooperation/plans/${fixtures.plan}/tasks/${fixtures.planTask}/reports`, { period: beijingPeriod(), actuals: { FISCAL_FUNDS: 10 } });
    case 'POST /api/cooperation/plans/{id}/amendments':
      return as('POST', `/api/cooperation/plans/${fixtures.plan}/amendments`, { amendment: { kind: 'CHANGE_TARGET', indicator: 'FISCAL_FUNDS', target: 100 + ++sequence }, reason: '矩阵测试' });
    case 'GET /api/reports/cooperation':
      return as('GET', '/api/reports/cooperation');
    default:
      throw new Error(`no request written for ${route}: add it here and a row to the table`);
  }
}

const fixtureAttachments: Record<string, string> = {};
async function uploadAttachment(token: string | undefined, base: string): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1')]), 'matrix.pdf');
  const res = await fetch(`${stack.url}/api/${base}/attachments`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
  return { status: res.status, body: await res.json() };
}

/** A 200 list as `+` (it shows the fixture) or `-` (it does not). */
function listed(res: { status: number; body: any }, isFixture: (item: any) => boolean): { status: number; body: any } {
  if (res.status !== 200) return res;
  return { status: res.body.items.some(isFixture) ? ('+' as never) : ('-' as never), body: res.body };
}

test('every route Express serves under /api has a row in the table, and every row is a route', () => {
  const served = expressRoutes(stack.app).filter((r) => r.split(' ')[1].startsWith('/api/'));
  expect({ withoutRow: served.filter((r) => !(r in table)), rowWithoutRoute: Object.keys(table).filter((r) => !served.includes(r)) }).toEqual({ withoutRow: [], rowWithoutRoute: [] });
});

test.each(Object.keys(table))('%s answers each user as the table says', async (route) => {
  const actual: Record<string, Cell> = {};
  const refusalsWithoutReason: string[] = [];
  for (const user of users) {
    const res = await call(route, user);
    actual[user] = res.status as Cell;
    if ([403, 404, 409].includes(res.status) && !(typeof res.body?.reason === 'string' && /[\u4e00-\u9fff]/.test(res.body.reason))) refusalsWithoutReason.push(user);
  }
  const expected = Object.fromEntries(users.map((u, i) => [u, table[route][i]]));
  expect(actual).toEqual(expected);
  // Every refusal says why, in Chinese.
  expect(refusalsWithoutReason).toEqual([]);
});

test('district, town and village jurisdictions: the district sees the neighbour town’s case, the demo town does not', async () => {
  const neighbourCase = await stack.request('POST', '/api/monitoring-cases', { token: await stack.login('neighbour.village'), body: intakeBody({ villageCode: `${neighbourTown}001` }) });
  expect(neighbourCase.status).toBe(201);
  const read = async (username: string) => (await stack.request('GET', `/api/monitoring-cases/${neighbourCase.body.id}`, { token: await stack.login(username) })).status;
  expect(Object.fromEntries(await Promise.all(['neighbour.village', 'neighbour.town', 'district.approver', 'village.worker', 'town.reviewer'].map(async (u) => [u, await read(u)])))).toEqual({
    'neighbour.village': 200,
    'neighbour.town': 200,
    'district.approver': 200,
    'village.worker': 404,
    'town.reviewer': 404,
  });
});
