import fc from 'fast-check';
import { carriedTask, parsePeriod, periodsBegun, quarterStartAt, refusePeriod, rollUp, yearEndAt } from '../../src/domain/cooperation/plan';
import { cooperationProcess, cooperationTaskSpec, defaultCooperationSettings } from '../../src/domain/cooperation/process';
import { planReadScope, refuseCooperationReport } from '../../src/domain/cooperation/access';
import { amendmentSchema, createPlanSchema, reportSchema } from '../../src/domain/cooperation/schemas';
import { beijingQuarter } from '../../src/domain/tasks/calendar';
import type { Actor } from '../../src/domain/roles';

const day = 86_400_000;
const beijing = (iso: string) => Date.parse(`${iso}+08:00`);

describe('periods and the year-end date, in Beijing time', () => {
  test('quarters start at Beijing midnight; the year-end opens on 31 January next year', () => {
    expect(quarterStartAt(2027, 1)).toBe(beijing('2027-01-01T00:00:00'));
    expect(quarterStartAt(2027, 3)).toBe(beijing('2027-07-01T00:00:00'));
    expect(yearEndAt(2027, defaultCooperationSettings)).toBe(beijing('2028-01-31T00:00:00'));
    expect(beijingQuarter(quarterStartAt(2027, 2))).toBe('2027Q2');
    expect(beijingQuarter(quarterStartAt(2027, 2) - 1)).toBe('2027Q1');
  });

  test('a report may be for the current quarter or an earlier one of the plan year', () => {
    const now = beijing('2027-08-10T12:00:00');
    expect(periodsBegun(2027, now)).toEqual(['2027Q1', '2027Q2', '2027Q3']);
    expect(refusePeriod('2027Q3', 2027, now)).toBeNull();
    expect(refusePeriod('2027Q1', 2027, now)).toBeNull();
    expect(refusePeriod('2027Q4', 2027, now)).toMatch(/尚未开始/);
    expect(refusePeriod('2026Q4', 2027, now)).toMatch(/本计划年度/);
    expect(refusePeriod('2027-3', 2027, now)).toMatch(/2027Q1/);
    expect(parsePeriod('2027Q5')).toBeNull();
  });
});

describe('the roll-up', () => {
  test('accepted actuals summed per indicator, share against the target; reported indicators without a target listed after', () => {
    expect(
      rollUp(
        [
          { indicator: 'FISCAL_FUNDS', target: 500 },
          { indicator: 'PARKS', target: 0 },
        ],
        [{ FISCAL_FUNDS: 100.1, DONATIONS: 3 }, { FISCAL_FUNDS: 200.2 }],
      ),
    ).toEqual([
      { code: 'FISCAL_FUNDS', target: 500, actual: 300.3, share: 0.6006 },
      { code: 'PARKS', target: 0, actual: 0, share: null },
      { code: 'DONATIONS', target: null, actual: 3, share: null },
    ]);
  });

  test('the sum does not depend on the order of the reports', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ A: fc.integer({ min: 0, max: 100_000 }), B: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 20 }), (reports) => {
        const forward = rollUp([{ indicator: 'A', target: 10 }], reports);
        const backward = rollUp([{ indicator: 'A', target: 10 }], [...reports].reverse());
        expect(forward).toEqual(backward);
        expect(forward[0].actual).toBe(reports.reduce((s, r) => s + r.A, 0));
      }),
    );
  });

  test('a carried task keeps its work and unit, due by the end of the new year, and names where it came from', () => {
    expect(carriedTask({ id: 't1', title: '消费帮扶专馆', category: 'CONSUMPTION', responsibleUnit: 'COOPERATION_OFFICE', indicators: ['CONSUMPTION'] }, 2028)).toEqual({
      title: '消费帮扶专馆',
      category: 'CONSUMPTION',
      responsibleUnit: 'COOPERATION_OFFICE',
      dueDate: '2028-12-31',
      indicators: ['CONSUMPTION'],
      carriedFromTaskId: 't1',
    });
  });
});

describe('the process definition', () => {
  const now = beijing('2027-05-20T10:00:00');
  const spec = (step: Parameters<typeof cooperationTaskSpec>[0], unit?: string) => cooperationTaskSpec(step, { district: '500154', submitterId: 'u1', settings: defaultCooperationSettings, now, unit });

  test('a quarterly report is due at the quarter end, reminded 10 days ahead, escalated to the coordinators then the district approver', () => {
    expect(spec('QUARTERLY_REPORT', 'CIVIL_AFFAIRS')).toMatchObject({
      role: 'DEPARTMENT_OFFICER',
      department: 'CIVIL_AFFAIRS',
      jurisdictionCode: '500154',
      dueAt: beijing('2027-07-01T00:00:00'),
      remindBeforeMs: 10 * day,
      escalation: { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] },
      escalationAfterMs: 7 * day,
      allowedDecisions: [],
    });
    expect(spec('QUARTERLY_REPORT', 'COOPERATION_OFFICE')).toMatchObject({ role: 'COOPERATION_COORDINATOR', department: null });
  });

  test('reviews are accept/return and not the submitter’s; year-end steps are due by the end of February of the year they open in', () => {
    expect(spec('REPORT_REVIEW')).toMatchObject({ role: 'COOPERATION_COORDINATOR', allowedDecisions: ['accept', 'return'], separationOfDuties: true, submitterId: 'u1', reasonRequired: expect.arrayContaining(['return']) });
    const opened = beijing('2028-01-31T00:00:01');
    const yearEnd = (step: Parameters<typeof cooperationTaskSpec>[0]) => cooperationTaskSpec(step, { district: '500154', submitterId: null, settings: defaultCooperationSettings, now: opened, unit: 'EDUCATION' });
    for (const step of ['SELF_ASSESSMENT', 'GRADING', 'SIGN_OFF'] as const) expect(yearEnd(step).dueAt).toBe(beijing('2028-03-01T00:00:00'));
    expect(yearEnd('GRADING')).toMatchObject({ allowedDecisions: ['GOOD', 'FAIRLY_GOOD', 'AVERAGE', 'POOR'], decisionLabels: { GOOD: '好', FAIRLY_GOOD: '较好', AVERAGE: '一般', POOR: '差' } });
    expect(yearEnd('SELF_ASSESSMENT')).toMatchObject({ department: 'EDUCATION', allowedDecisions: ['DONE', 'NOT_DONE'] });
    expect(yearEnd('SELF_ASSESSMENT')).toMatchObject({ decisionLabels: { DONE: '已完成', NOT_DONE: '未完成' }, reasonRequired: ['NOT_DONE'] });
    expect(spec('REPORT_REVIEW').decisionLabels).toEqual({ accept: '采纳', return: '退回修改' });
    // The sign-off is a review: the kit's own labels (通过 / 退回补充).
    expect(yearEnd('SIGN_OFF')).toMatchObject({ allowedDecisions: ['approve', 'return'] });
    expect(cooperationProcess.vocabulary.labels).toMatchObject({ approve: '通过', return: '退回补充' });
  });
});

describe('access', () => {
  const actor = (role: Actor['role'], department?: string): Actor => ({ userId: 'u', username: 'u', role, jurisdictionCode: '500154', department });
  test('coordinators and the district see all, a department its own, village and town nothing', () => {
    expect(planReadScope(actor('COOPERATION_COORDINATOR'))).toEqual({ all: true });
    expect(planReadScope(actor('DISTRICT_APPROVER'))).toEqual({ all: true });
    expect(planReadScope(actor('DEPARTMENT_OFFICER', 'EDUCATION'))).toEqual({ all: false, department: 'EDUCATION' });
    expect(planReadScope(actor('VILLAGE_CASEWORKER'))).toBeNull();
    expect(planReadScope(actor('TOWN_REVIEWER'))).toBeNull();
    expect(refuseCooperationReport(actor('DEPARTMENT_OFFICER', 'EDUCATION'))?.code).toBe('FORBIDDEN');
  });
});

describe('request schemas', () => {
  test('say what is wrong, in Chinese', () => {
    const plan = createPlanSchema.safeParse({ partnerCode: 'jiangjin', year: 2027, agreedAt: '2027-02-30', targets: [{ indicator: 'A1', target: -1 }], tasks: [{ title: '', category: 'X', responsibleUnit: 'NOBODY', dueDate: '2027-12-31', indicators: [] }] });
    expect(plan.success).toBe(false);
    const issues = Object.fromEntries(plan.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(issues).toMatchObject({
      partnerCode: expect.stringMatching(/大写字母/),
      agreedAt: expect.stringMatching(/有效日期/),
      'targets.0.target': expect.stringMatching(/负数/),
      'tasks.0.title': expect.stringMatching(/任务名称/),
      'tasks.0.category': expect.stringMatching(/任务类别/),
      'tasks.0.responsibleUnit': expect.stringMatching(/责任单位/),
      'tasks.0.indicators': expect.stringMatching(/至少/),
    });
    expect(reportSchema.safeParse({ period: '2027Q1', actuals: {} }).error?.issues[0].message).toMatch(/至少/);
    expect(amendmentSchema.safeParse({ amendment: { kind: 'RENAME' }, reason: 'x' }).error?.issues[0].message).toMatch(/调整类型/);
  });
});
