import fc from 'fast-check';
import { monitoringReportScope } from '../../src/domain/access';
import { stages } from '../../src/domain/monitoring/case';
import {
  beijingYearRange,
  buildMonitoringReport,
  medianOf,
  monitoringReportQuerySchema,
  reportScope,
  shareOf,
  sumBy,
  type MonitoringReportInputs,
} from '../../src/domain/monitoring/reports';
import type { Actor } from '../../src/domain/roles';

const chinese = /[\u4e00-\u9fff]/;

describe('median', () => {
  test('odd and even counts, from (value, count) pairs in any order; null when there is nothing', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([{ value: 3, count: 0 }])).toBeNull();
    expect(medianOf([{ value: 4, count: 1 }])).toBe(4);
    expect(medianOf([{ value: 10, count: 1 }, { value: 4, count: 1 }, { value: 6, count: 1 }])).toBe(6);
    expect(medianOf([{ value: 10, count: 1 }, { value: 4, count: 1 }])).toBe(7);
    // 1, 1, 1, 2, 9, 9: the middle two are 1 and 2.
    expect(medianOf([{ value: 9, count: 2 }, { value: 1, count: 3 }, { value: 2, count: 1 }])).toBe(1.5);
  });

  test('equals the median of the values written out one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ value: fc.integer({ min: -50, max: 500 }), count: fc.integer({ min: 0, max: 5 }) }), { maxLength: 20 }), (buckets) => {
        const values = buckets.flatMap((b) => Array<number>(b.count).fill(b.value)).sort((a, b) => a - b);
        const expected = values.length === 0 ? null : (values[Math.floor((values.length - 1) / 2)] + values[Math.floor(values.length / 2)]) / 2;
        expect(medianOf(buckets)).toBe(expected);
      }),
    );
  });
});

describe('shares and sums', () => {
  test('a share is 0..1 to four decimals, null without a whole', () => {
    expect(shareOf(0, 0)).toBeNull();
    expect(shareOf(0, 5)).toBe(0);
    expect(shareOf(1, 2)).toBe(0.5);
    expect(shareOf(2, 3)).toBe(0.6667);
    expect(shareOf(3, 3)).toBe(1);
  });

  test('sumBy adds counts per key in first-seen order', () => {
    const sums = sumBy([{ k: 'b', n: 2 }, { k: 'a', n: 1 }, { k: 'b', n: 3 }], (r) => r.k, (r) => r.n);
    expect([...sums]).toEqual([['b', 5], ['a', 1]]);
  });
});

describe('scope and query', () => {
  const actor = (role: Actor['role'], jurisdictionCode: string): Actor => ({ userId: 'u', username: 'u', role, jurisdictionCode });

  test('reports follow case visibility; departments and coordinators are refused in Chinese', () => {
    expect(monitoringReportScope(actor('VILLAGE_CASEWORKER', '500154017001'))).toEqual({ scope: '500154017001' });
    expect(monitoringReportScope(actor('TOWN_REVIEWER', '500154017'))).toEqual({ scope: '500154017' });
    expect(monitoringReportScope(actor('DISTRICT_APPROVER', '500154'))).toEqual({ scope: '500154' });
    expect(monitoringReportScope(actor('ADMIN', '500154'))).toEqual({ scope: '500154' });
    for (const role of ['DEPARTMENT_OFFICER', 'COOPERATION_COORDINATOR'] as const) {
      expect(monitoringReportScope(actor(role, '500154'))).toEqual({ refusal: { code: 'FORBIDDEN', reason: expect.stringMatching(chinese) } });
    }
  });

  test('a town filter narrows the scope, never widens it', () => {
    expect(reportScope('500154', undefined)).toBe('500154');
    expect(reportScope('500154', '500154018')).toBe('500154018');
    expect(reportScope('500154017', '500154017')).toBe('500154017');
    // A village caseworker asking for its own town still sees only its village.
    expect(reportScope('500154017001', '500154017')).toBe('500154017001');
    expect(reportScope('500154017', '500154018')).toEqual({ code: 'FORBIDDEN', reason: '该乡镇（街道）不在您的辖区内', path: 'townCode' });
  });

  test('the query defaults to JSON; each bad field is named with its problem', () => {
    expect(monitoringReportQuerySchema.parse({})).toEqual({ format: 'json' });
    expect(monitoringReportQuerySchema.parse({ format: 'xlsx', townCode: '500154017', year: '2026' })).toEqual({ format: 'xlsx', townCode: '500154017', year: 2026 });
    const bad = monitoringReportQuerySchema.safeParse({ format: 'pdf', townCode: '5001', year: 'abc' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['format', '格式应为 json、csv、xlsx 之一'],
      ['townCode', '乡镇（街道）代码应为9位数字'],
      ['year', '年度应为4位数字，例如 2026'],
    ]);
    expect(monitoringReportQuerySchema.safeParse({ year: '1999' }).error!.issues[0].message).toBe('年度不早于2000年');
  });

  test('a year runs from 1 January to 1 January in Beijing time', () => {
    expect(beijingYearRange(2026)).toEqual({ from: new Date('2025-12-31T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
  });
});

describe('the report from grouped counts', () => {
  const towns = [
    { code: '500154018', name: '谭家镇' },
    { code: '500154017', name: '大进镇' },
    { code: '500154001', name: '汉丰街道' },
  ];
  const inputs: MonitoringReportInputs = {
    generatedAt: new Date('2026-11-29T08:00:00Z'),
    scope: { code: '500154', name: '开州区', level: 'DISTRICT' },
    filters: { townCode: null, year: null },
    towns,
    caseCounts: [
      { townCode: '500154017', stage: 'MONITORED', category: 'MARGINAL', count: 2 },
      { townCode: '500154017', stage: 'HOME_VISIT', category: 'SUDDEN_HARDSHIP', count: 1 },
      { townCode: '500154018', stage: 'MONITORED', category: 'MARGINAL', count: 1 },
      { townCode: '500154018', stage: 'RISK_ELIMINATED', category: 'UNSTABLE_ESCAPED', count: 3 },
    ],
    riskTypeCounts: [
      { riskType: 'ILLNESS', count: 5 },
      { riskType: 'DISASTER', count: 2 },
    ],
    overdueTasks: [
      { step: 'MEASURE_DELIVERY', townCode: '500154017', count: 1, oldestDueAt: new Date('2026-11-20T00:00:00Z') },
      { step: 'DATA_MATCHING', townCode: '500154018', count: 2, oldestDueAt: new Date('2026-11-10T00:00:00Z') },
      { step: 'DATA_MATCHING', townCode: '500154017', count: 1, oldestDueAt: new Date('2026-11-11T00:00:00Z') },
    ],
    identificationDays: [
      { townCode: '500154017', days: 4, count: 1 },
      { townCode: '500154017', days: 10, count: 1 },
      { townCode: '500154018', days: 6.04, count: 1 },
    ],
    clearing: [
      { townCode: '500154017', monitored: 2, riskWithoutMeasure: 0, withOverdueStep: 1, uncleared: 1 },
      { townCode: '500154018', monitored: 1, riskWithoutMeasure: 1, withOverdueStep: 1, uncleared: 1 },
    ],
  };
  const report = buildMonitoringReport(inputs);

  test('every stage, category and risk type is listed in its defined order with its label, zeros included', () => {
    expect(report.byStage.map((r) => r.stage)).toEqual([...stages]);
    expect(report.byStage.filter((r) => r.count > 0)).toEqual([
      { stage: 'HOME_VISIT', stageLabel: '入户核实', count: 1 },
      { stage: 'MONITORED', stageLabel: '已纳入监测', count: 3 },
      { stage: 'RISK_ELIMINATED', stageLabel: '已消除风险', count: 3 },
    ]);
    expect(report.byCategory).toEqual([
      { category: 'UNSTABLE_ESCAPED', categoryLabel: '脱贫不稳定户', count: 3 },
      { category: 'MARGINAL', categoryLabel: '边缘易致贫户', count: 3 },
      { category: 'SUDDEN_HARDSHIP', categoryLabel: '突发严重困难户', count: 1 },
    ]);
    expect(report.byRiskType).toHaveLength(10);
    expect(report.byRiskType.filter((r) => r.count > 0)).toEqual([
      { riskType: 'ILLNESS', riskTypeLabel: '因病', count: 5 },
      { riskType: 'DISASTER', riskTypeLabel: '因灾', count: 2 },
    ]);
    for (const r of [...report.byStage, ...report.byRiskType]) expect(Object.values(r).find((v) => typeof v === 'string' && chinese.test(v))).toBeDefined();
  });

  test('towns are listed by code with their names, those without cases too', () => {
    expect(report.byTown).toEqual([
      { townCode: '500154001', townName: '汉丰街道', count: 0 },
      { townCode: '500154017', townName: '大进镇', count: 3 },
      { townCode: '500154018', townName: '谭家镇', count: 4 },
    ]);
    expect(report.totals).toEqual({ cases: 7, monitored: 3, overdueTasks: 4 });
  });

  test('overdue steps: by step in the chain order, and by step and town with the oldest due time', () => {
    expect(report.overdueSteps).toEqual({
      total: 4,
      byStep: [
        { step: 'DATA_MATCHING', stepLabel: '信息比对', count: 3 },
        { step: 'MEASURE_DELIVERY', stepLabel: '落实帮扶措施', count: 1 },
      ],
      byStepAndTown: [
        { step: 'DATA_MATCHING', stepLabel: '信息比对', townCode: '500154017', townName: '大进镇', count: 1, oldestDueAt: '2026-11-11T00:00:00.000Z' },
        { step: 'DATA_MATCHING', stepLabel: '信息比对', townCode: '500154018', townName: '谭家镇', count: 2, oldestDueAt: '2026-11-10T00:00:00.000Z' },
        { step: 'MEASURE_DELIVERY', stepLabel: '落实帮扶措施', townCode: '500154017', townName: '大进镇', count: 1, oldestDueAt: '2026-11-20T00:00:00.000Z' },
      ],
    });
  });

  test('median identification days overall and per town, to 0.1 day; null where no case reached monitored', () => {
    expect(report.identification).toEqual({
      reachedMonitored: 3,
      medianDays: 6,
      byTown: [
        { townCode: '500154001', townName: '汉丰街道', reachedMonitored: 0, medianDays: null },
        { townCode: '500154017', townName: '大进镇', reachedMonitored: 2, medianDays: 7 },
        { townCode: '500154018', townName: '谭家镇', reachedMonitored: 1, medianDays: 6 },
      ],
    });
  });

  test('dynamic clearing: counts and the uncleared share overall and per town, null without monitored households', () => {
    expect(report.dynamicClearing).toEqual({
      overall: { monitored: 3, riskWithoutMeasure: 1, withOverdueStep: 2, uncleared: 2, unclearedShare: 0.6667 },
      byTown: [
        { townCode: '500154001', townName: '汉丰街道', monitored: 0, riskWithoutMeasure: 0, withOverdueStep: 0, uncleared: 0, unclearedShare: null },
        { townCode: '500154017', townName: '大进镇', monitored: 2, riskWithoutMeasure: 0, withOverdueStep: 1, uncleared: 1, unclearedShare: 0.5 },
        { townCode: '500154018', townName: '谭家镇', monitored: 1, riskWithoutMeasure: 1, withOverdueStep: 1, uncleared: 1, unclearedShare: 1 },
      ],
    });
  });

  test('nothing in scope: zeros, and null medians and shares', () => {
    const empty = buildMonitoringReport({ ...inputs, caseCounts: [], riskTypeCounts: [], overdueTasks: [], identificationDays: [], clearing: [] });
    expect(empty.totals).toEqual({ cases: 0, monitored: 0, overdueTasks: 0 });
    expect(empty.identification.medianDays).toBeNull();
    expect(empty.dynamicClearing.overall).toEqual({ monitored: 0, riskWithoutMeasure: 0, withOverdueStep: 0, uncleared: 0, unclearedShare: null });
    expect(empty.byTown.map((t) => t.count)).toEqual([0, 0, 0]);
  });

  test('codes the labels do not know yet are kept, shown by their code', () => {
    const odd = buildMonitoringReport({ ...inputs, caseCounts: [{ townCode: '500154099', stage: 'SOME_NEW_STAGE', category: 'MARGINAL', count: 1 }] });
    expect(odd.byStage.at(-1)).toEqual({ stage: 'SOME_NEW_STAGE', stageLabel: 'SOME_NEW_STAGE', count: 1 });
    expect(odd.byTown.at(-1)).toEqual({ townCode: '500154099', townName: '500154099', count: 1 });
  });
});
