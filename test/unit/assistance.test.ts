import fc from 'fast-check';
import { developmentMeasures, exitProblems, measureDepartments, measureTier, measureTypeLabels, measureTypes, pensionBeneficiaryGroups, refuseMeasurePlan, safetyNetMeasures, type ExitFacts, type Measure } from '../../src/domain/monitoring/assistance';
import { measurePlanSchema, measureSchema } from '../../src/domain/monitoring/schemas';
import { departmentLabels, departments } from '../../src/domain/departments';
import { durationMs } from '../../src/domain/duration';
import { defaultPolicySettings, monitoringLineFor } from '../../src/domain/policy';
import { policySettingsSchema } from '../../src/domain/policy-schemas';

const chinese = /[\u4e00-\u9fff]/;
const day = 86_400_000;
const standards = { minimumLivingMonthly: 500 };

describe('measure types', () => {
  test('each has a Chinese label, a tier and a known department or none', () => {
    expect(measureTypes).toHaveLength(12);
    for (const type of measureTypes) {
      expect(measureTypeLabels[type]).toMatch(chinese);
      const department = measureDepartments[type];
      if (department !== null) expect(departments).toContain(department);
    }
    for (const d of departments) expect(departmentLabels[d]).toMatch(chinese);
  });

  test('development measures need labour capacity, the rest are the safety net', () => {
    expect(developmentMeasures.map(measureTier)).toEqual(Array(6).fill('DEVELOPMENT'));
    expect(safetyNetMeasures.map(measureTier)).toEqual(Array(6).fill('SAFETY_NET'));
  });

  test('departments deliver what they run; the village arranges industry and small loans', () => {
    expect(measureDepartments).toMatchObject({
      INDUSTRY: null,
      MICROCREDIT: null,
      EMPLOYMENT: 'HUMAN_RESOURCES',
      WORK_FOR_RELIEF: 'DEVELOPMENT_REFORM',
      MINIMUM_LIVING: 'CIVIL_AFFAIRS',
      EXTREME_POVERTY_SUPPORT: 'CIVIL_AFFAIRS',
      MEDICAL_ASSISTANCE: 'MEDICAL_INSURANCE',
      EDUCATION_AID: 'EDUCATION',
    });
  });
});

describe('measure schema', () => {
  const issues = (body: unknown) => measureSchema.safeParse(body).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

  test('a complete measure passes', () => {
    expect(measureSchema.parse({ type: 'MINIMUM_LIVING', startDate: '2026-03-01', endDate: '2026-12-31', monthlyAmount: 500.5, note: ' 按月发放 ' })).toEqual({
      type: 'MINIMUM_LIVING',
      startDate: '2026-03-01',
      endDate: '2026-12-31',
      monthlyAmount: 500.5,
      note: '按月发放',
    });
    expect(measureSchema.safeParse({ type: 'PENSION_PREMIUM', startDate: '2024-02-29', beneficiaryGroup: 'SEVERE_DISABILITY' }).success).toBe(true);
    expect(measureSchema.safeParse({ type: 'INDUSTRY', startDate: '2026-03-01' }).success).toBe(true);
  });

  test('allowances state their monthly amount; pension premiums state whose', () => {
    expect(issues({ type: 'MINIMUM_LIVING', startDate: '2026-03-01' })).toEqual([['monthlyAmount', '低保须填写月发放金额（元/月）']]);
    expect(issues({ type: 'EXTREME_POVERTY_SUPPORT', startDate: '2026-03-01' })).toEqual([['monthlyAmount', '特困供养须填写月发放金额（元/月）']]);
    expect(issues({ type: 'PENSION_PREMIUM', startDate: '2026-03-01' })).toEqual([['beneficiaryGroup', expect.stringContaining('代缴对象类别')]]);
    expect(issues({ type: 'EDUCATION_AID', startDate: '2026-03-01', beneficiaryGroup: 'MINIMUM_LIVING' })).toEqual([['beneficiaryGroup', expect.stringContaining('只适用于养老保险代缴')]]);
  });

  test('bad fields are reported by path in Chinese', () => {
    const found = issues({ type: 'LOAN', startDate: '2026-02-30', endDate: '2026/03/01', monthlyAmount: 10.005, beneficiaryGroup: 'POOR', note: 'x'.repeat(501) });
    expect(found.map(([path]) => path).sort()).toEqual(['beneficiaryGroup', 'endDate', 'monthlyAmount', 'note', 'startDate', 'type']);
    for (const [, message] of found) expect(message).toMatch(chinese);
    expect(Object.fromEntries(found)).toMatchObject({ type: expect.stringContaining('INDUSTRY'), monthlyAmount: expect.stringContaining('两位小数') });
    expect(issues({ type: 'MINIMUM_LIVING', startDate: '2026-03-01', monthlyAmount: 0 })).toEqual([['monthlyAmount', '月发放金额应大于0（元/月）']]);
    expect(issues('INDUSTRY')[0][1]).toMatch(chinese);
  });

  test('a plan has 1 to 20 measures', () => {
    const m = { type: 'TRAINING', startDate: '2026-03-01' };
    expect(measurePlanSchema.safeParse({ measures: [m] }).success).toBe(true);
    expect(measurePlanSchema.safeParse({ measures: Array(20).fill(m) }).success).toBe(true);
    expect(measurePlanSchema.safeParse({ measures: [] }).error?.issues[0]).toMatchObject({ path: ['measures'], message: '至少安排一项帮扶措施' });
    expect(measurePlanSchema.safeParse({ measures: Array(21).fill(m) }).error?.issues[0]).toMatchObject({ path: ['measures'], message: '帮扶措施不超过20项' });
    expect(measurePlanSchema.safeParse({ measures: [m, { type: 'TRAINING' }] }).error?.issues[0].path).toEqual(['measures', 1, 'startDate']);
    expect(measurePlanSchema.safeParse(null).error?.issues[0].message).toMatch(chinese);
  });
});

describe('refusing a measure plan', () => {
  const measure = (m: Partial<Measure> & Pick<Measure, 'type'>): Measure => ({ startDate: '2026-03-01', ...m });
  const refuse = (measures: Measure[], laborCapacity: 'full' | 'partial' | 'none' = 'full', minimumLivingMonthly = 500) =>
    refuseMeasurePlan({ laborCapacity, measures, standards: { minimumLivingMonthly } });

  test('a plan within policy is allowed', () => {
    expect(
      refuse(
        [
          measure({ type: 'INDUSTRY', endDate: '2026-12-31' }),
          measure({ type: 'TRAINING', startDate: '2026-04-01', endDate: '2026-04-30' }),
          measure({ type: 'MEDICAL_ASSISTANCE' }),
          measure({ type: 'PENSION_PREMIUM', beneficiaryGroup: 'RETURNED_TO_POVERTY' }),
        ],
        'partial',
      ),
    ).toEqual([]);
  });

  describe('特困供养 is at least 1.3 × the 低保 standard', () => {
    test('exactly 1.3 × passes; one 分 less is refused, naming the standard and the minimum', () => {
      expect(refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 650 })])).toEqual([]);
      expect(refuse([measure({ type: 'INDUSTRY' }), measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 649.99 })])).toEqual([
        {
          path: 'measures.1.monthlyAmount',
          message: '第2项（特困供养）为649.99元/月，低于规定。特困供养标准不得低于低保标准的1.3倍：低保标准为500元/月，特困供养至少650元/月',
        },
      ]);
    });

    test('the minimum is rounded up to the 分 and compared exactly', () => {
      // 1.3 × 512.35 = 666.055
      expect(refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 666.06 })], 'full', 512.35)).toEqual([]);
      expect(refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 666.05 })], 'full', 512.35)[0].message).toContain('至少666.06元/月');
      // 1.3 × 3 is 3.9000000000000004 in floating point; 3.9 must still pass.
      expect(refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 3.9 })], 'full', 3)).toEqual([]);
    });

    test('a 特困 measure without an amount is refused with the minimum', () => {
      expect(refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT' })])).toEqual([{ path: 'measures.0.monthlyAmount', message: expect.stringContaining('未填写月发放金额') }]);
    });

    test('property: any amount at or above 1.3 × the standard passes, any below is refused', () => {
      const fen = (n: number) => n / 100;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.nat({ max: 10_000_000 }), (standardFen, extraFen) => {
          const minimumFen = Math.ceil((standardFen * 13) / 10);
          const ok = refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: fen(minimumFen + extraFen) })], 'full', fen(standardFen));
          expect(ok).toEqual([]);
          const below = Math.max(1, minimumFen - 1 - (extraFen % minimumFen));
          const refused = refuse([measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: fen(below) })], 'full', fen(standardFen));
          expect(refused).toEqual([{ path: 'measures.0.monthlyAmount', message: expect.stringContaining(`至少${fen(minimumFen)}元/月`) }]);
        }),
      );
    });

    test('property: whatever else the plan holds, amounts at or above the minimum never raise the 特困 rule', () => {
      const anyMeasure = fc.record({
        type: fc.constantFrom(...measureTypes),
        startDate: fc.constantFrom('2026-01-01', '2026-06-01'),
        monthlyAmount: fc.integer({ min: 65_000, max: 1_000_000 }).map((f) => f / 100),
        beneficiaryGroup: fc.constantFrom(...pensionBeneficiaryGroups),
      });
      fc.assert(
        fc.property(fc.array(anyMeasure, { minLength: 1, maxLength: 20 }), fc.constantFrom('full' as const, 'partial' as const, 'none' as const), (measures, labor) => {
          const problems = refuse(measures, labor);
          expect(problems.filter((p) => p.path.endsWith('monthlyAmount'))).toEqual([]);
        }),
      );
    });
  });

  describe('a household without labour capacity gets the safety net', () => {
    const developmentOnly = [measure({ type: 'INDUSTRY' }), measure({ type: 'PUBLIC_WELFARE_JOB' })];

    test('development measures alone are refused for no labour capacity', () => {
      expect(refuse(developmentOnly, 'none')).toEqual([{ path: 'measures', message: expect.stringMatching(/^该户无劳动能力，不能只安排开发式帮扶.*兜底保障/) }]);
    });

    test('with one safety-net measure beside them, or with some labour capacity, they are allowed', () => {
      expect(refuse([...developmentOnly, measure({ type: 'TEMPORARY_ASSISTANCE' })], 'none')).toEqual([]);
      expect(refuse(developmentOnly, 'partial')).toEqual([]);
      expect(refuse(developmentOnly, 'full')).toEqual([]);
    });
  });

  test('pension premiums are paid only for 低保, 特困, returned-to-poverty and severely disabled people', () => {
    for (const group of ['MINIMUM_LIVING', 'EXTREME_POVERTY', 'RETURNED_TO_POVERTY', 'SEVERE_DISABILITY'] as const) {
      expect(refuse([measure({ type: 'PENSION_PREMIUM', beneficiaryGroup: group })])).toEqual([]);
    }
    expect(refuse([measure({ type: 'PENSION_PREMIUM', beneficiaryGroup: 'OTHER' })])).toEqual([
      { path: 'measures.0.beneficiaryGroup', message: '第1项（养老保险代缴）代缴对象为“其他”：城乡居民养老保险保费代缴仅限低保对象、特困人员、返贫致贫人口和重度残疾人' },
    ]);
    expect(refuse([measure({ type: 'PENSION_PREMIUM' })])[0]).toEqual({ path: 'measures.0.beneficiaryGroup', message: expect.stringContaining('未填写代缴对象类别') });
  });

  test('a measure may not end before it starts; ending the day it starts is fine', () => {
    expect(refuse([measure({ type: 'TEMPORARY_ASSISTANCE', endDate: '2026-03-01' })])).toEqual([]);
    expect(refuse([measure({ type: 'TRAINING' }), measure({ type: 'TEMPORARY_ASSISTANCE', endDate: '2026-02-28' })])).toEqual([
      { path: 'measures.1.endDate', message: '第2项（临时救助）结束日期（2026-02-28）早于开始日期（2026-03-01）' },
    ]);
  });

  describe('the same measure type twice at once', () => {
    test('overlapping spans are refused at the later one, naming both', () => {
      expect(refuse([measure({ type: 'EMPLOYMENT', endDate: '2026-06-30' }), measure({ type: 'TRAINING' }), measure({ type: 'EMPLOYMENT', startDate: '2026-06-01' })])).toEqual([
        { path: 'measures.2.startDate', message: '第3项（就业帮扶）（2026-06-01起）与第1项（就业帮扶）（2026-03-01至2026-06-30）时间重叠：同一类措施不能同时重复安排' },
      ]);
    });

    test('a new measure may not overlap one the household already has; one that ended or was not delivered is no obstacle', () => {
      const existing = [{ type: 'MINIMUM_LIVING' as const, startDate: '2026-01-01' }, { type: 'INDUSTRY' as const, startDate: '2025-01-01', endDate: '2025-12-31' }];
      const plan = (m: Measure) => refuseMeasurePlan({ laborCapacity: 'partial', measures: [m], standards, existing });
      expect(plan(measure({ type: 'MINIMUM_LIVING', monthlyAmount: 500 }))).toEqual([
        { path: 'measures.0.startDate', message: '第1项（低保）（2026-03-01起）与该户已安排的低保（2026-01-01起）时间重叠：同一类措施不能同时重复安排，请先结束原措施或调整日期' },
      ]);
      expect(plan(measure({ type: 'INDUSTRY' }))).toEqual([]);
    });

    test('dates are inclusive: ending on the day the next starts overlaps, the day before does not', () => {
      const first = measure({ type: 'INDUSTRY', endDate: '2026-03-31' });
      expect(refuse([first, measure({ type: 'INDUSTRY', startDate: '2026-03-31' })])).toHaveLength(1);
      expect(refuse([first, measure({ type: 'INDUSTRY', startDate: '2026-04-01' })])).toEqual([]);
    });

    test('a measure without an end date runs on; one starting later still overlaps it', () => {
      expect(refuse([measure({ type: 'INDUSTRY', startDate: '2027-01-01' }), measure({ type: 'INDUSTRY', startDate: '2026-01-01', endDate: '2027-01-01' })])[0].path).toBe('measures.1.startDate');
      expect(refuse([measure({ type: 'INDUSTRY', startDate: '2027-01-01' }), measure({ type: 'INDUSTRY', startDate: '2026-01-01', endDate: '2026-12-31' })])).toEqual([]);
    });

    test('different types may run together; a reversed span is reported once, not also as an overlap', () => {
      expect(refuse([measure({ type: 'MINIMUM_LIVING', monthlyAmount: 500 }), measure({ type: 'MEDICAL_ASSISTANCE' })])).toEqual([]);
      expect(refuse([measure({ type: 'INDUSTRY' }), measure({ type: 'INDUSTRY', endDate: '2026-01-01' })]).map((p) => p.path)).toEqual(['measures.1.endDate']);
    });

    test('three of a kind: each later one is reported once', () => {
      expect(refuse([measure({ type: 'INDUSTRY' }), measure({ type: 'INDUSTRY' }), measure({ type: 'INDUSTRY' })]).map((p) => p.path)).toEqual([
        'measures.1.startDate',
        'measures.2.startDate',
      ]);
    });
  });

  test('every problem is reported together', () => {
    const problems = refuse(
      [measure({ type: 'INDUSTRY' }), measure({ type: 'PENSION_PREMIUM', beneficiaryGroup: 'OTHER' }), measure({ type: 'EXTREME_POVERTY_SUPPORT', monthlyAmount: 600 })],
      'none',
    );
    expect(problems.map((p) => p.path)).toEqual(['measures.1.beneficiaryGroup', 'measures.2.monthlyAmount']);
    expect(refuse([measure({ type: 'INDUSTRY', endDate: '2026-01-01' }), measure({ type: 'WORK_FOR_RELIEF' })], 'none').map((p) => p.path)).toEqual(['measures', 'measures.0.endDate']);
  });
});

describe('whether risk elimination may be proposed', () => {
  // 2026-03-15 10:00 in Beijing: the last six whole months are 2025-09 to 2026-02.
  const now = Date.parse('2026-03-15T10:00:00+08:00');
  const months = ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'];
  const ready = (over: Partial<ExitFacts> = {}): ExitFacts => ({
    laborCapacity: 'full',
    monitoredSince: now - 200 * day,
    now,
    measuresDelivered: 2,
    monthlyIncomes: months.map((month) => ({ month, perCapitaAnnualized: 9000 })),
    monitoringLine: 7500,
    unresolvedSpending: false,
    guaranteesSecure: true,
    minMonitoredMs: 180 * day,
    stableIncomeMonths: 6,
    ...over,
  });

  test('a household meeting every condition may be proposed', () => {
    expect(exitProblems(ready())).toEqual([]);
    expect(exitProblems(ready({ laborCapacity: 'partial' }))).toEqual([]);
  });

  test('a household with no labour capacity is never eliminated, whatever else holds', () => {
    expect(exitProblems(ready({ laborCapacity: 'none' }))).toEqual(['该户无劳动能力，按政策不标注风险消除，继续跟踪监测并落实兜底保障']);
  });

  test('monitored for exactly the minimum is enough; a moment less is not, with both spans in words', () => {
    expect(exitProblems(ready({ monitoredSince: now - 180 * day }))).toEqual([]);
    expect(exitProblems(ready({ monitoredSince: now - 180 * day + 1 }))).toEqual(['纳入监测未满6个月（已监测5个月29天）']);
    expect(exitProblems(ready({ monitoredSince: now - 120 * day }))).toEqual(['纳入监测未满6个月（已监测4个月）']);
    expect(exitProblems(ready({ monitoredSince: now - 12 * day }))).toEqual(['纳入监测未满6个月（已监测12天）']);
    expect(exitProblems(ready({ monitoredSince: now }))).toEqual(['纳入监测未满6个月（已监测0天）']);
  });

  test('short policy periods (tests, demos) read in their own units', () => {
    expect(exitProblems(ready({ monitoredSince: now - 10_000, minMonitoredMs: 30_000 }))).toEqual(['纳入监测未满30秒（已监测10秒）']);
    expect(exitProblems(ready({ monitoredSince: now - 90 * 60_000, minMonitoredMs: 45 * day }))).toEqual(['纳入监测未满1个月15天（已监测1小时30分钟）']);
  });

  test('at least one measure must have been delivered', () => {
    expect(exitProblems(ready({ measuresDelivered: 0 }))).toEqual(['尚未落实任何帮扶措施：风险消除前至少应落实1项帮扶措施']);
    expect(exitProblems(ready({ measuresDelivered: 1 }))).toEqual([]);
  });

  describe('income stably above the line', () => {
    const incomes = (figures: Record<string, number>) => months.map((month) => ({ month, perCapitaAnnualized: figures[month] ?? 9000 }));

    test('a month at or below the line, or without a record, does not show it; the sentence names each', () => {
      const monthlyIncomes = incomes({ '2025-10': 7500, '2026-01': 6800 }).filter((i) => i.month !== '2025-12');
      expect(exitProblems(ready({ monthlyIncomes }))).toEqual([
        '近6个月（2025-09至2026-02）人均纯收入未稳定高于当年监测线7500元/年：2025-10为7500元，2025-12无收入记录，2026-01为6800元',
      ]);
      expect(exitProblems(ready({ monthlyIncomes: incomes({ '2025-10': 7500.01 }) }))).toEqual([]);
    });

    test('no records at all: every month is missing', () => {
      expect(exitProblems(ready({ monthlyIncomes: [] }))[0]).toContain('2025-09无收入记录，2025-10无收入记录');
    });

    test('the current month is not over and does not count; months older than the window do not either', () => {
      expect(exitProblems(ready({ monthlyIncomes: [...incomes({}), { month: '2026-03', perCapitaAnnualized: 100 }, { month: '2025-08', perCapitaAnnualized: 100 }] }))).toEqual([]);
      expect(exitProblems(ready({ monthlyIncomes: incomes({}).filter((i) => i.month !== '2026-02').concat({ month: '2026-03', perCapitaAnnualized: 9000 }) }))[0]).toContain('2026-02无收入记录');
    });

    test('months turn over in Beijing time', () => {
      // 2026-03-31T16:00Z is already 1 April in Beijing, so March is a whole month and counts.
      const april = ready({ now: Date.parse('2026-03-31T16:00:00Z') });
      expect(exitProblems(april)[0]).toContain('近6个月（2025-10至2026-03）');
      expect(exitProblems(ready({ now: Date.parse('2026-03-31T15:59:59Z') }))).toEqual([]);
    });

    test('a month recorded twice counts at its lower figure', () => {
      expect(exitProblems(ready({ monthlyIncomes: [...incomes({}), { month: '2026-02', perCapitaAnnualized: 7000 }] }))[0]).toContain('2026-02为7000元');
    });

    test('the number of months comes from policy', () => {
      expect(exitProblems(ready({ stableIncomeMonths: 3, monthlyIncomes: incomes({ '2025-09': 1000 }) }))).toEqual([]);
      expect(exitProblems(ready({ stableIncomeMonths: 3, monthlyIncomes: incomes({ '2026-01': 1000 }) }))).toEqual(['近3个月（2025-12至2026-02）人均纯收入未稳定高于当年监测线7500元/年：2026-01为1000元']);
    });

    test('property: incomes above the line in every month of the window always pass', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 6, maxLength: 6 }), fc.integer({ min: 1000, max: 20_000 }), (extras, line) => {
          const monthlyIncomes = months.map((month, k) => ({ month, perCapitaAnnualized: line + extras[k] / 100 }));
          expect(exitProblems(ready({ monitoringLine: line, monthlyIncomes }))).toEqual([]);
        }),
      );
    });
  });

  test('spending and the guarantees must be settled', () => {
    expect(exitProblems(ready({ unresolvedSpending: true }))).toEqual(['因病、因学等刚性支出较大的问题尚未解决']);
    expect(exitProblems(ready({ guaranteesSecure: false }))).toEqual(['义务教育、基本医疗、住房安全“三保障”和饮水安全尚未全部落实']);
  });

  test('every reason is given together, in Chinese', () => {
    const problems = exitProblems(ready({ monitoredSince: now - 30 * day, measuresDelivered: 0, monthlyIncomes: [], unresolvedSpending: true, guaranteesSecure: false }));
    expect(problems).toHaveLength(5);
    for (const p of problems) expect(p).toMatch(chinese);
  });

  test('the default policy gives 6 months monitored and 6 months of income', () => {
    const facts = ready({ minMonitoredMs: durationMs(defaultPolicySettings.exitMinMonitored), stableIncomeMonths: defaultPolicySettings.exitStableIncomeMonths });
    expect(exitProblems({ ...facts, monitoredSince: now - 180 * day })).toEqual([]);
    expect(exitProblems({ ...facts, monitoredSince: now - 179 * day })).toEqual(['纳入监测未满6个月（已监测5个月29天）']);
  });
});

describe('assistance policy settings', () => {
  test('defaults: monitoring lines per year, the 低保 standard, visit interval and exit rules', () => {
    expect(defaultPolicySettings).toMatchObject({
      monitoringLines: { '2021': 6000, '2022': 6900, '2023': 7500, '2024': 7500, '2025': 7500, '2026': 7500 },
      standards: { minimumLivingMonthly: 500 },
      followUpVisitInterval: 'P30D',
      exitMinMonitored: 'P180D',
      exitStableIncomeMonths: 6,
    });
    expect(policySettingsSchema.parse(defaultPolicySettings)).toEqual(defaultPolicySettings);
  });

  test('versions stored before these settings existed still load, with the defaults', () => {
    const { monitoringLines, standards: s, followUpVisitInterval, exitMinMonitored, exitStableIncomeMonths, ...stored } = defaultPolicySettings;
    void [monitoringLines, s, followUpVisitInterval, exitMinMonitored, exitStableIncomeMonths];
    expect(policySettingsSchema.parse(stored)).toEqual(defaultPolicySettings);
  });

  test('bad values are reported by path in Chinese', () => {
    const result = policySettingsSchema.safeParse({
      ...defaultPolicySettings,
      monitoringLines: { '2024': 0, '24': 7000 },
      standards: { minimumLivingMonthly: '500' },
      followUpVisitInterval: 'P1M',
      exitStableIncomeMonths: 0,
    });
    const found = result.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(found.map(([path]) => path).sort()).toEqual(['exitStableIncomeMonths', 'followUpVisitInterval', 'monitoringLines.2024', 'monitoringLines.24', 'standards.minimumLivingMonthly']);
    for (const [, message] of found) expect(message).toMatch(chinese);
    expect(policySettingsSchema.safeParse({ ...defaultPolicySettings, monitoringLines: {} }).error?.issues[0]).toMatchObject({ path: ['monitoringLines'], message: '至少填写一个年份的监测线' });
  });

  test('the monitoring line for a year is its own, or the latest earlier one flagged as carried forward', () => {
    const settings = { monitoringLines: { '2021': 6000, '2023': 7500, '2022': 6900 } };
    expect(monitoringLineFor(settings, 2022)).toEqual({ line: 6900, year: 2022, carriedForward: false });
    expect(monitoringLineFor(settings, 2027)).toEqual({ line: 7500, year: 2023, carriedForward: true });
    expect(monitoringLineFor({ monitoringLines: { '2021': 6000, '2024': 8000 } }, 2023)).toEqual({ line: 6000, year: 2021, carriedForward: true });
    expect(monitoringLineFor(settings, 2020)).toBeNull();
    expect(monitoringLineFor(defaultPolicySettings, 2026)).toEqual({ line: 7500, year: 2026, carriedForward: false });
  });
});
