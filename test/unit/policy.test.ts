import { policyReadAccess, refusePolicyChange } from '../../src/domain/access';
import { defaultPolicySettings, nextPolicyVersion, policyInForce, refuseBackdatedPolicy } from '../../src/domain/policy';
import { policySettingsSchema, putPolicySchema } from '../../src/domain/policy-schemas';
import { roles, type Actor, type Role } from '../../src/domain/roles';

const actor = (role: Role): Actor => ({ userId: 'u1', username: 'someone', role, jurisdictionCode: '500154' });
const at = (iso: string) => new Date(iso);
const chinese = /[\u4e00-\u9fff]/;

describe('who may read and change policy settings', () => {
  test('the district and admins read the history, village and town caseworkers the version in force, others nothing', () => {
    expect(Object.fromEntries(roles.map((r) => [r, policyReadAccess(actor(r))]))).toEqual({
      VILLAGE_CASEWORKER: 'current',
      TOWN_REVIEWER: 'current',
      DISTRICT_APPROVER: 'history',
      DEPARTMENT_OFFICER: null,
      COOPERATION_COORDINATOR: null,
      ADMIN: 'history',
    });
  });

  test('only the district approver stores a new version; everyone else is refused with a reason', () => {
    expect(refusePolicyChange(actor('DISTRICT_APPROVER'))).toBeNull();
    for (const role of roles.filter((r) => r !== 'DISTRICT_APPROVER')) {
      expect(refusePolicyChange(actor(role))).toEqual({ code: 'FORBIDDEN', reason: expect.stringMatching(chinese) });
    }
  });
});

describe('the version in force', () => {
  const versions = [
    { version: 1, effectiveFrom: at('2026-01-01T00:00:00Z') },
    { version: 2, effectiveFrom: at('2026-03-01T00:00:00Z') },
    { version: 3, effectiveFrom: at('2026-03-01T00:00:00Z') },
    { version: 4, effectiveFrom: at('2026-06-01T00:00:00Z') },
  ];

  test('is the latest effective at that moment, the higher version on a tie; a future version is not yet in force', () => {
    expect(policyInForce(versions, at('2026-02-01T00:00:00Z'))?.version).toBe(1);
    expect(policyInForce(versions, at('2026-03-01T00:00:00Z'))?.version).toBe(3);
    expect(policyInForce([...versions].reverse(), at('2026-05-31T23:59:59Z'))?.version).toBe(3);
    expect(policyInForce(versions, at('2026-06-01T00:00:00Z'))?.version).toBe(4);
  });

  test('is none before the first stored version or when none is stored (the built-in defaults apply)', () => {
    expect(policyInForce(versions, at('2025-12-31T23:59:59Z'))).toBeNull();
    expect(policyInForce([], at('2026-01-01T00:00:00Z'))).toBeNull();
  });

  test('the next version is one more than the highest, 1 for the first', () => {
    expect(nextPolicyVersion([])).toBe(1);
    expect(nextPolicyVersion(versions)).toBe(5);
    expect(nextPolicyVersion([{ version: 7 }, { version: 2 }])).toBe(8);
  });
});

describe('history is not rewritten', () => {
  const current = { version: 3, effectiveFrom: at('2026-03-01T00:00:00Z') };

  test('a version effective before the one in force is a conflict naming it', () => {
    expect(refuseBackdatedPolicy(at('2026-02-28T23:59:59Z'), current)).toEqual({ code: 'CONFLICT', reason: expect.stringContaining('第3版') });
  });

  test('from the same moment on, or with nothing stored, it may be stored', () => {
    expect(refuseBackdatedPolicy(at('2026-03-01T00:00:00Z'), current)).toBeNull();
    expect(refuseBackdatedPolicy(at('2026-04-01T00:00:00Z'), current)).toBeNull();
    expect(refuseBackdatedPolicy(at('2000-01-01T00:00:00Z'), null)).toBeNull();
  });
});

describe('the PUT body', () => {
  const settings = { ...defaultPolicySettings, escalationAfter: 'PT30S' };

  test('takes settings alone (in force from now) or with an effective time carrying its offset', () => {
    expect(putPolicySchema.parse({ settings })).toEqual({ settings });
    expect(putPolicySchema.parse({ settings, effectiveFrom: '2026-03-01T00:00:00+08:00' }).effectiveFrom).toEqual(at('2026-02-28T16:00:00Z'));
  });

  test('reports each bad field by path, in Chinese', () => {
    const result = putPolicySchema.safeParse({
      effectiveFrom: '2026-03-01 08:00',
      settings: { ...defaultPolicySettings, stepDue: { ...defaultPolicySettings.stepDue, HOME_VISIT: '3 days', TOWN_REVIEW: 3 }, escalationAfter: 'P1M', identificationLimit: undefined },
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues.map(([path]) => path).sort()).toEqual(['effectiveFrom', 'settings.escalationAfter', 'settings.identificationLimit', 'settings.stepDue.HOME_VISIT', 'settings.stepDue.TOWN_REVIEW']);
    for (const [, message] of issues) expect(message).toMatch(chinese);
  });

  test('every setting is bounded, with a reason: durations PT1S..P3650D, lines 1000..100000, standards, years, effectiveFrom', () => {
    const problems = (body: unknown) => (putPolicySchema.safeParse(body).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    const huge = {
      ...defaultPolicySettings,
      stepDue: { ...defaultPolicySettings.stepDue, HOME_VISIT: 'P200000000D', VILLAGE_REVIEW: 'PT0.5S' },
      followUpVisitInterval: 'P3651D',
      monitoringLines: { '2026': 1e300, '9999': 7000 },
      standards: { minimumLivingMonthly: 1e9 },
    };
    const threeYears = new Date(Date.now() + 3 * 366 * 86_400_000).toISOString().replace('Z', '+00:00');
    expect(problems({ effectiveFrom: threeYears, settings: huge }).sort()).toEqual([
      'effectiveFrom: 生效时间不能晚于今天起2年',
      'settings.followUpVisitInterval: 时长应在1秒（PT1S）到3650天（P3650D）之间',
      'settings.monitoringLines.2026: 监测线应在1000到100000元/人/年之间',
      'settings.monitoringLines.9999: 监测线的年份应为2020到2100之间的4位数字，例如 2026',
      'settings.standards.minimumLivingMonthly: 低保标准应在100到10000元/人/月之间',
      'settings.stepDue.HOME_VISIT: 时长应在1秒（PT1S）到3650天（P3650D）之间',
      'settings.stepDue.VILLAGE_REVIEW: 时长应在1秒（PT1S）到3650天（P3650D）之间',
    ]);
    // The edges themselves are allowed.
    const edges = { ...defaultPolicySettings, escalationAfter: 'PT1S', identificationLimit: 'P3650D', monitoringLines: { '2020': 1000, '2100': 100_000 }, standards: { minimumLivingMonthly: 100 } };
    expect(problems({ effectiveFrom: new Date(Date.now() + 700 * 86_400_000).toISOString(), settings: edges })).toEqual([]);
  });

  test('a body or settings of the wrong shape is refused in Chinese too', () => {
    expect(putPolicySchema.safeParse([]).error?.issues[0].message).toMatch(chinese);
    expect(policySettingsSchema.safeParse('P3D').error?.issues[0].message).toMatch(chinese);
    expect(policySettingsSchema.safeParse({ ...defaultPolicySettings, stepDue: 'P3D' }).error?.issues[0]).toMatchObject({ path: ['stepDue'], message: expect.stringMatching(chinese) });
  });
});
