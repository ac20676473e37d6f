import { randomUUID } from 'node:crypto';
import { Workbook } from 'exceljs';
import { beijingYear } from '../../src/domain/monitoring/elimination';
import { dueAtUnder } from '../../src/domain/monitoring/policy-what-if';
import type { PolicySettings } from '../../src/domain/policy';
import { processRegistry } from '../../src/processes';
import { caseFlow } from '../support/case-flow';
import { shortPostingPolicy, storePolicyVersion1 } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * 政策模拟测算 against reality: the what-if names cases; the proposal is then stored and the cases moved onto it; the
 * real checks (the case view's exit readiness, the measure plan's refusal, the kit's due time) flag exactly those.
 */

let stack: Stack;
const flow = caseFlow(() => stack);
const year = String(beijingYear(Date.now()));
/** Three monitored households: income below the line now (A), between the line now and the proposed one (B), above both (C). */
const cases = { A: '', B: '', C: '' };
const incomes = { A: 7000, B: 8000, C: 9000 };
const proposal: PolicySettings = {
  ...shortPostingPolicy,
  monitoringLines: { ...shortPostingPolicy.monitoringLines, [year]: 8500 },
  // 1.3 × 600 = 780: B's 700 falls under it, A's 900 does not (under 500 the least was 650).
  standards: { minimumLivingMonthly: 600 },
  followUpVisitInterval: 'PT1S',
};

/** The 15th of each of the six whole months before this one, noon Beijing time: the months the exit's income test reads. */
function pastMonths(): Date[] {
  const now = new Date(Date.now() + 8 * 3_600_000);
  return Array.from({ length: 6 }, (_, k) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1 - k, 15, 4)));
}

beforeAll(async () => {
  stack = await startStack();
  await storePolicyVersion1(stack.db);
  const worker = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
  for (const key of ['A', 'B', 'C'] as const) {
    cases[key] = await flow.monitoredCase();
    const visit = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${cases[key]}/visits`, { perCapitaIncome: incomes[key], unresolvedSpending: false, guaranteesSecure: true });
    expect(visit.status).toBe(201);
    // The six months before: history a test cannot wait for, written as the visit activity writes its rows.
    await stack.db.followUpVisit.createMany({
      data: pastMonths().map((at) => ({ id: randomUUID(), caseId: cases[key], at, actorId: worker.id, perCapitaIncome: incomes[key], unresolvedSpending: false, guaranteesSecure: true })),
    });
  }
  for (const [key, amount] of [['A', 900], ['B', 700]] as const) {
    const planned = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${cases[key]}/measures`, {
      measures: [{ type: 'EXTREME_POVERTY_SUPPORT', startDate: '2027-01-01', endDate: '2027-06-30', monthlyAmount: amount }],
    });
    expect(planned.status).toBe(201);
  }
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

const whatIf = (username: string, body: unknown, query = '') => flow.as(username, 'POST', `/api/policy/what-if${query}`, body);
const incomeFlagged = async (id: string) =>
  ((await flow.as('village.worker', 'GET', `/api/monitoring-cases/${id}`)).body.exitReadiness.problems as string[]).some((p) => p.includes('人均纯收入未稳定高于当年监测线'));
const named = (changes: any[], kind: string) => new Set(changes.filter((c) => c.kind === kind).map((c) => c.caseId));
const byKey = (ids: Set<string>) => new Set((['A', 'B', 'C'] as const).filter((k) => ids.has(cases[k])));

test('district approvers only; bad settings are 400 in Chinese', async () => {
  expect((await whatIf('town.reviewer', { settings: proposal })).status).toBe(403);
  expect((await whatIf('admin', { settings: proposal })).body.reason).toMatch(/区级审批/);
  const bad = await whatIf('district.approver', { settings: { ...proposal, standards: { minimumLivingMonthly: -1 } } });
  expect(bad.status).toBe(400);
  expect(bad.body.issues[0]).toMatchObject({ path: 'settings.standards.minimumLivingMonthly', message: expect.stringMatching(/低保标准/) });
  expect((await whatIf('district.approver', { settings: proposal }, '?format=pdf')).status).toBe(400);
});

test('the what-if names exactly the cases the real checks flag once the proposal is stored and applied', async () => {
  // Every visit task was opened more than the proposed second ago.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const policyRows = await stack.db.policyVersion.count();
  const auditRows = await stack.db.auditEntry.count();
  const res = await whatIf('district.approver', { settings: proposal });
  expect(res.status).toBe(200);
  // Nothing written.
  expect(await stack.db.policyVersion.count()).toBe(policyRows);
  expect(await stack.db.auditEntry.count()).toBe(auditRows);

  const { changes } = res.body;
  expect(byKey(named(changes, 'INCOME_FALLS_BELOW_LINE'))).toEqual(new Set(['B']));
  expect(byKey(named(changes, 'INCOME_RISES_ABOVE_LINE'))).toEqual(new Set());
  expect(byKey(named(changes, 'EXTREME_POVERTY_BELOW_MINIMUM'))).toEqual(new Set(['B']));
  expect(changes.find((c: any) => c.kind === 'EXTREME_POVERTY_BELOW_MINIMUM')).toMatchObject({ monthlyAmount: 700, currentMinimum: 650, proposedMinimum: 780 });
  const overdue = changes.filter((c: any) => c.kind === 'STEP_BECOMES_OVERDUE');
  expect(byKey(new Set(overdue.map((c: any) => c.caseId)))).toEqual(new Set(['A', 'B', 'C']));
  expect(new Set(overdue.map((c: any) => c.step))).toEqual(new Set(['VISIT']));
  // Masked: places and categories, no names or ID numbers.
  expect(JSON.stringify(res.body)).not.toMatch(/演示户主|\d{17}[\dX]/);
  expect(res.body.counts).toEqual([
    expect.objectContaining({ townCode: '500154017', category: 'MARGINAL', cases: 3, byKind: expect.objectContaining({ INCOME_FALLS_BELOW_LINE: 1, EXTREME_POVERTY_BELOW_MINIMUM: 1, STEP_BECOMES_OVERDUE: 3 }) }),
  ]);

  const before = { A: await incomeFlagged(cases.A), B: await incomeFlagged(cases.B), C: await incomeFlagged(cases.C) };
  expect(before).toEqual({ A: true, B: false, C: false });

  // Store the proposal and move the cases onto it (a case keeps its version until the district moves it).
  const stored = await flow.as('district.approver', 'PUT', '/api/policy', { settings: proposal });
  expect(stored.status).toBe(201);
  for (const id of Object.values(cases)) expect((await flow.as('district.approver', 'PUT', `/api/monitoring-cases/${id}/policy`, { version: stored.body.version })).status).toBe(200);

  // Income: the exit's check now flags B, newly, and only B.
  const after = { A: await incomeFlagged(cases.A), B: await incomeFlagged(cases.B), C: await incomeFlagged(cases.C) };
  const newlyFlagged = new Set((['A', 'B', 'C'] as const).filter((k) => after[k] && !before[k]));
  const noLongerFlagged = new Set((['A', 'B', 'C'] as const).filter((k) => !after[k] && before[k]));
  expect(newlyFlagged).toEqual(byKey(named(changes, 'INCOME_FALLS_BELOW_LINE')));
  expect(noLongerFlagged).toEqual(byKey(named(changes, 'INCOME_RISES_ABOVE_LINE')));

  // 特困: a new plan at each standing amount is refused for exactly the case the what-if named.
  const refused = new Set<string>();
  for (const [key, amount] of [['A', 900], ['B', 700]] as const) {
    const plan = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${cases[key]}/measures`, {
      measures: [{ type: 'EXTREME_POVERTY_SUPPORT', startDate: '2027-07-01', endDate: '2027-12-31', monthlyAmount: amount }],
    });
    if (plan.status === 400 && plan.body.issues.some((i: any) => i.path === 'measures.0.monthlyAmount')) refused.add(key);
    else expect(plan.status).toBe(201);
  }
  expect(refused).toEqual(byKey(named(changes, 'EXTREME_POVERTY_BELOW_MINIMUM')));

  // Due times: the visit task the case opens now is due exactly when the what-if's computation says.
  const visit = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${cases.A}/visits`, { perCapitaIncome: 7100, unresolvedSpending: false, guaranteesSecure: true });
  expect(visit.status).toBe(201);
  const task = await stack.db.task.findUniqueOrThrow({ where: { id: visit.body.nextVisitTaskId } });
  const row = await stack.db.monitoringCase.findUniqueOrThrow({ where: { id: cases.A } });
  expect(task.dueAt.getTime()).toBe(dueAtUnder(processRegistry, { process: 'monitoring', villageCode: row.villageCode, stage: row.stage }, 'VISIT', task.openedAt.getTime(), proposal));
  expect(task.dueAt.getTime() - task.openedAt.getTime()).toBe(1000);
});

test('XLSX: the counts and one row per change, no names; the export is audited', async () => {
  const json = (await whatIf('district.approver', { settings: { ...proposal, monitoringLines: { ...proposal.monitoringLines, [year]: 9500 } } })).body;
  const res = await fetch(`${stack.url}/api/policy/what-if?format=xlsx`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.login('district.approver')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...proposal, monitoringLines: { ...proposal.monitoringLines, [year]: 9500 } } }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/policy-what-if-500154-/);
  const workbook = new Workbook();
  await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  expect(workbook.worksheets.map((w) => w.name)).toEqual(['说明', '按乡镇和类别', '变化明细']);
  const rows = workbook.getWorksheet('变化明细')!;
  expect(rows.rowCount).toBe(json.changes.length + 1);
  const text = workbook.worksheets.flatMap((w) => w.getSheetValues().flat().map(String)).join('|');
  expect(text).not.toMatch(/演示户主/);
  expect(text).toContain(cases.C);
  expect(await stack.db.auditEntry.count({ where: { action: 'export.run', targetType: 'PolicyWhatIf' } })).toBe(1);
});
