import { refuseMeasurePlan } from '../../src/domain/monitoring/assistance';
import { policyWhatIf, whatIfCounts, type WhatIfCase } from '../../src/domain/monitoring/policy-what-if';
import { stepTaskSpec } from '../../src/domain/monitoring/process';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy';
import { openTask } from '../../src/domain/tasks/task';
import { processRegistry } from '../../src/processes';

const now = Date.parse('2026-12-07T02:00:00Z');
const day = 86_400_000;
const current: PolicySettings = { ...defaultPolicySettings, monitoringLines: { ...defaultPolicySettings.monitoringLines, 2026: 7500 }, standards: { minimumLivingMonthly: 500 } };

function aCase(id: string, over: Partial<WhatIfCase> = {}): WhatIfCase {
  return {
    id,
    process: 'monitoring',
    villageCode: '500154017001',
    townCode: '500154017',
    category: 'MARGINAL',
    stage: 'MONITORED',
    policyVersion: 1,
    settings: current,
    latestVisit: null,
    measures: [],
    openTasks: [],
    ...over,
  };
}
const run = (cases: WhatIfCase[], proposed: PolicySettings) => policyWhatIf({ cases, proposed, now, processes: processRegistry });

test('income: falls below and rises above the proposed line, compared with the line each case follows; equal to the line is not above', () => {
  const cases = [
    aCase('below-now', { latestVisit: { at: now - day, perCapitaIncome: 7000 } }),
    aCase('between', { latestVisit: { at: now - day, perCapitaIncome: 8000 } }),
    aCase('on-the-line', { latestVisit: { at: now - day, perCapitaIncome: 8500 } }),
    aCase('no-visit'),
    aCase('not-monitored', { stage: 'TOWN_REVIEW', latestVisit: { at: now - day, perCapitaIncome: 8000 } }),
  ];
  const up = run(cases, { ...current, monitoringLines: { 2026: 8500 } });
  expect(up.map((c) => [c.caseId, c.kind])).toEqual([
    ['between', 'INCOME_FALLS_BELOW_LINE'],
    ['on-the-line', 'INCOME_FALLS_BELOW_LINE'],
  ]);
  const down = run(cases, { ...current, monitoringLines: { 2026: 6500 } });
  expect(down.map((c) => [c.caseId, c.kind, c.currentLine, c.proposedLine])).toEqual([['below-now', 'INCOME_RISES_ABOVE_LINE', 7500, 6500]]);
});

test('特困: exactly the standing amounts a new plan would be refused for under the proposed standard, and were not before', () => {
  const amounts = [649.99, 650, 700, 779.99, 780, 900];
  const measures = amounts.map((a, i) => ({ id: `m${i}`, type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: a, endDate: null }));
  const ended = { id: 'old', type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 700, endDate: '2026-01-31' };
  const proposed = { ...current, standards: { minimumLivingMonthly: 600 } };
  const named = run([aCase('c', { measures: [...measures, ended] })], proposed).map((c) => c.monthlyAmount);
  const refusedUnder = (standards: PolicySettings['standards']) =>
    amounts.filter((a) => refuseMeasurePlan({ laborCapacity: 'full', standards, measures: [{ type: 'EXTREME_POVERTY_SUPPORT', startDate: '2027-01-01', monthlyAmount: a }] }).length > 0);
  expect(named).toEqual(refusedUnder(proposed.standards).filter((a) => !refusedUnder(current.standards).includes(a)));
  expect(named).toEqual([650, 700, 779.99]);
});

test('steps: overdue under the proposed due period (openedAt + due, by the kit), or no longer', () => {
  const openedAt = now - 4 * day;
  const homeVisit = openTask('t1', stepTaskSpec('HOME_VISIT', '500154017001', null, current), openedAt);
  const cases = [aCase('open', { stage: 'HOME_VISIT', openTasks: [{ id: 't1', step: 'HOME_VISIT', openedAt, dueAt: homeVisit.dueAt }] })];
  // Due after 3 days: overdue now. Under P5D it would not be; under P2D it still is.
  expect(run(cases, { ...current, stepDue: { ...current.stepDue, HOME_VISIT: 'P5D' } }).map((c) => [c.kind, c.proposedDueAt])).toEqual([
    ['STEP_NO_LONGER_OVERDUE', new Date(openedAt + 5 * day).toISOString()],
  ]);
  expect(run(cases, { ...current, stepDue: { ...current.stepDue, HOME_VISIT: 'P2D' } })).toEqual([]);
  const visit = [aCase('visit', { openTasks: [{ id: 't2', step: 'VISIT', openedAt, dueAt: openedAt + 30 * day }] })];
  expect(run(visit, { ...current, followUpVisitInterval: 'P3D' }).map((c) => c.kind)).toEqual(['STEP_BECOMES_OVERDUE']);
  // Eliminated households are visited at the recheck interval.
  const recheck = [aCase('recheck', { stage: 'RISK_ELIMINATED', openTasks: [{ id: 't3', step: 'VISIT', openedAt, dueAt: openedAt + 90 * day }] })];
  expect(run(recheck, { ...current, followUpVisitInterval: 'P3D' })).toEqual([]);
  expect(run(recheck, { ...current, recheckInterval: 'P3D' }).map((c) => c.kind)).toEqual(['STEP_BECOMES_OVERDUE']);
});

test('counts per town and category', () => {
  const changes = run(
    [
      aCase('a', { latestVisit: { at: now, perCapitaIncome: 8000 } }),
      aCase('b', { category: 'SUDDEN_HARDSHIP', latestVisit: { at: now, perCapitaIncome: 8000 }, openTasks: [{ id: 't', step: 'VISIT', openedAt: now - 4 * day, dueAt: now + day }] }),
    ],
    { ...current, monitoringLines: { 2026: 8500 }, followUpVisitInterval: 'P3D' },
  );
  expect(whatIfCounts(changes)).toEqual([
    { townCode: '500154017', category: 'MARGINAL', cases: 1, byKind: expect.objectContaining({ INCOME_FALLS_BELOW_LINE: 1, STEP_BECOMES_OVERDUE: 0 }) },
    { townCode: '500154017', category: 'SUDDEN_HARDSHIP', cases: 1, byKind: expect.objectContaining({ INCOME_FALLS_BELOW_LINE: 1, STEP_BECOMES_OVERDUE: 1 }) },
  ]);
});
