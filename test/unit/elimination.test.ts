import { defaultPolicySettings } from '../../src/domain/policy';
import {
  beijingMonth,
  exitObjectionOutcome,
  exitRefusals,
  followUpStages,
  monitoredStages,
  nextExitStage,
  previousChainStep,
  visitTaskSpec,
  type VisitFinding,
} from '../../src/domain/monitoring/elimination';

const day = 86_400_000;
// 2027-07-10 12:00 Beijing time.
const now = Date.parse('2027-07-10T04:00:00Z');
/** A visit on the 15th of each of the `count` months before July 2027. */
const monthlyFindings = (count: number, over: Partial<VisitFinding> = {}): VisitFinding[] =>
  Array.from({ length: count }, (_, k) => ({
    at: Date.parse(`2027-${String(7 - count + k).padStart(2, '0')}-15T02:00:00Z`),
    perCapitaIncome: 9000,
    unresolvedSpending: false,
    guaranteesSecure: true,
    ...over,
  }));

describe('the exit chain', () => {
  test('approve moves on, return goes back to the step that produced the gap, reject keeps the household monitored', () => {
    expect(nextExitStage('EXIT_VISIT', 'approve')).toBe('EXIT_VILLAGE_REVIEW');
    expect(nextExitStage('EXIT_VILLAGE_REVIEW', 'approve')).toBe('EXIT_POSTING');
    expect(nextExitStage('EXIT_TOWN_REVIEW', 'approve')).toBe('EXIT_DISTRICT_APPROVAL');
    expect(nextExitStage('EXIT_DISTRICT_APPROVAL', 'approve')).toBe('RISK_ELIMINATED');
    expect(nextExitStage('EXIT_VILLAGE_REVIEW', 'return')).toBe('EXIT_VISIT');
    expect(nextExitStage('EXIT_TOWN_REVIEW', 'return')).toBe('EXIT_VILLAGE_REVIEW');
    expect(nextExitStage('EXIT_DISTRICT_APPROVAL', 'return')).toBe('EXIT_TOWN_REVIEW');
    for (const step of ['EXIT_VISIT', 'EXIT_VILLAGE_REVIEW', 'EXIT_TOWN_REVIEW', 'EXIT_DISTRICT_APPROVAL'] as const) expect(nextExitStage(step, 'reject')).toBe('MONITORED');
  });

  test('an objection to the exit: not upheld stays, upheld returns to the evaluation or ends the exit', () => {
    expect(exitObjectionOutcome('approve')).toBeNull();
    expect(exitObjectionOutcome('return')).toBe('EXIT_VILLAGE_REVIEW');
    expect(exitObjectionOutcome('reject')).toBe('MONITORED');
  });

  test('each review step is submitted by whoever decided the step before it in its own chain', () => {
    expect(previousChainStep('EXIT_VISIT')).toBeUndefined();
    expect(previousChainStep('EXIT_TOWN_REVIEW')).toBe('EXIT_VILLAGE_REVIEW');
    expect(previousChainStep('TOWN_REVIEW')).toBe('VILLAGE_REVIEW');
    expect(previousChainStep('VISIT')).toBeUndefined();
  });

  test('an eliminated household is followed but no longer monitored', () => {
    expect(monitoredStages).not.toContain('RISK_ELIMINATED');
    expect(followUpStages).toContain('RISK_ELIMINATED');
    expect(monitoredStages).toContain('EXIT_POSTING');
  });
});

describe('exit preconditions from the case record', () => {
  const facts = { laborCapacity: 'full' as const, monitoredSince: now - 200 * day, now, measuresDelivered: 1, findings: monthlyFindings(6), policy: defaultPolicySettings };

  test('met: nothing to refuse', () => {
    expect(exitRefusals(facts)).toEqual([]);
  });

  test('the year’s line applies; a year without its own line uses the latest earlier one', () => {
    const low = monthlyFindings(6, { perCapitaIncome: 7400 });
    expect(exitRefusals({ ...facts, findings: low })).toEqual([expect.stringContaining('监测线7500元')]);
    expect(exitRefusals({ ...facts, findings: low, policy: { ...defaultPolicySettings, monitoringLines: { '2027': 7000 } } })).toEqual([]);
  });

  test('the latest visit decides spending and the three guarantees', () => {
    const findings = [...monthlyFindings(6), { at: now - day, perCapitaIncome: 9000, unresolvedSpending: true, guaranteesSecure: false }];
    expect(exitRefusals({ ...facts, findings })).toEqual([expect.stringContaining('刚性支出'), expect.stringContaining('三保障')]);
  });

  test('no line set for the year or before: the district is asked to set one', () => {
    const problems = exitRefusals({ ...facts, policy: { ...defaultPolicySettings, monitoringLines: { '2030': 9000 } } });
    expect(problems).toEqual(['2027年及以前年度的监测线尚未设置，请区级审批人员先在政策设置中填写']);
  });

  test('months are counted in Beijing time', () => {
    expect(beijingMonth(Date.parse('2027-06-30T16:30:00Z'))).toBe('2027-07');
    expect(beijingMonth(Date.parse('2027-06-30T15:30:00Z'))).toBe('2027-06');
  });
});

test('visits are monthly while monitored and at the recheck interval once eliminated', () => {
  expect(visitTaskSpec('MONITORED', '500154017001', 'u', defaultPolicySettings).dueInMs).toBe(30 * day);
  expect(visitTaskSpec('EXIT_POSTING', '500154017001', 'u', defaultPolicySettings).dueInMs).toBe(30 * day);
  expect(visitTaskSpec('RISK_ELIMINATED', '500154017001', 'u', defaultPolicySettings).dueInMs).toBe(90 * day);
});
