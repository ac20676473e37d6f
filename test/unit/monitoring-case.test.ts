import { nextStage, postingComplete, sideStepOutcome } from '../../src/domain/monitoring/case';
import { stepTaskSpec } from '../../src/domain/monitoring/process';
import { createMonitoringCaseSchema, listMonitoringCasesSchema } from '../../src/domain/monitoring/schemas';
import { defaultPolicySettings } from '../../src/domain/policy';
import { newIdNumber } from '../support/ids';

describe('identification chain', () => {
  test('approve moves on (through posting and announcement), return goes back to the step that produced the gap, reject ends as not included', () => {
    expect(nextStage('HOME_VISIT', 'approve')).toBe('VILLAGE_REVIEW');
    expect(nextStage('VILLAGE_REVIEW', 'approve')).toBe('PUBLIC_POSTING');
    expect(nextStage('DISTRICT_APPROVAL', 'approve')).toBe('ANNOUNCEMENT');
    expect(nextStage('ANNOUNCEMENT', 'approve')).toBe('MONITORED');
    expect(nextStage('TOWN_REVIEW', 'return')).toBe('VILLAGE_REVIEW');
    expect(nextStage('VILLAGE_REVIEW', 'return')).toBe('HOME_VISIT');
    expect(nextStage('DISTRICT_APPROVAL', 'return')).toBe('TOWN_REVIEW');
    expect(nextStage('TOWN_REVIEW', 'reject')).toBe('NOT_INCLUDED');
  });

  test('side tasks: a rejecting data match or upheld objection ends or reopens the case; otherwise it stays', () => {
    expect(sideStepOutcome('DATA_MATCHING', 'approve')).toBeNull();
    expect(sideStepOutcome('DATA_MATCHING', 'reject')).toBe('NOT_INCLUDED');
    expect(sideStepOutcome('OBJECTION', 'approve')).toBeNull();
    expect(sideStepOutcome('OBJECTION', 'return')).toBe('VILLAGE_REVIEW');
    expect(sideStepOutcome('OBJECTION', 'reject')).toBe('NOT_INCLUDED');
  });

  test('posting ends only after its period, with no open objection and the data matched', () => {
    const base = { now: 10, postingEndsAt: 10, openObjections: 0, dataMatched: true };
    expect(postingComplete(base)).toBe(true);
    expect(postingComplete({ ...base, now: 9 })).toBe(false);
    expect(postingComplete({ ...base, openObjections: 1 })).toBe(false);
    expect(postingComplete({ ...base, dataMatched: false })).toBe(false);
  });

  test('each step is given to the right role at the right level, due per policy', () => {
    const village = '500154017001';
    expect(stepTaskSpec('HOME_VISIT', village, 'u1', defaultPolicySettings)).toMatchObject({
      role: 'VILLAGE_CASEWORKER',
      jurisdictionCode: village,
      allowedDecisions: ['approve', 'reject'],
      separationOfDuties: false,
      dueInMs: 3 * 86_400_000,
    });
    expect(stepTaskSpec('TOWN_REVIEW', village, 'u1', defaultPolicySettings)).toMatchObject({ role: 'TOWN_REVIEWER', jurisdictionCode: '500154017', separationOfDuties: true });
    const fast = { ...defaultPolicySettings, stepDue: { ...defaultPolicySettings.stepDue, DISTRICT_APPROVAL: 'PT10S' } };
    expect(stepTaskSpec('DISTRICT_APPROVAL', village, 'u1', fast)).toMatchObject({ role: 'DISTRICT_APPROVER', jurisdictionCode: '500154', dueInMs: 10_000 });
  });
});

describe('case intake validation', () => {
  const valid = () => ({
    household: { headName: '演示户主', idNumber: newIdNumber(), villageCode: '500154017001', memberCount: 4, laborCapacity: 'partial' },
    category: 'MARGINAL',
    channel: 'SELF_REPORT',
    riskTypes: ['ILLNESS', 'SCHOOLING'],
    perCapitaIncome: 5800,
  });

  test('a complete intake passes and normalises the ID number', () => {
    const body = valid();
    body.household.idNumber = body.household.idNumber.replace('X', 'x');
    const parsed = createMonitoringCaseSchema.parse(body);
    expect(parsed.household.idNumber).toBe(body.household.idNumber.toUpperCase());
  });

  test('every problem is reported with its path and a Chinese message', () => {
    const body = { ...valid(), household: { ...valid().household, idNumber: '500234198001011231', memberCount: 0 }, riskTypes: [], category: 'POOR' };
    const result = createMonitoringCaseSchema.safeParse(body);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['household.idNumber', expect.stringMatching(/校验码|出生日期|18位/)],
        ['household.memberCount', '家庭人口至少1人'],
        ['riskTypes', '至少选择一项风险类型'],
        ['category', expect.stringContaining('UNSTABLE_ESCAPED')],
      ]),
    );
  });

  test('list filters parse from query strings', () => {
    expect(listMonitoringCasesSchema.parse({ overdue: 'true', page: '2' })).toEqual({ overdue: true, page: 2, pageSize: 20 });
    expect(listMonitoringCasesSchema.safeParse({ overdue: 'yes', townCode: '5001' }).success).toBe(false);
  });
});
