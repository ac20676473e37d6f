import { refuseCaseCreation } from '../../src/domain/access';
import { householdTransferSchema } from '../../src/domain/households';
import { idNumberCheckCharacter, idNumberProblem } from '../../src/domain/id-number';
import { validateAlertRow } from '../../src/domain/monitoring/department-alerts';
import { createMonitoringCaseSchema, measureSchema, objectionSchema, visitSchema, withinYearsOfToday } from '../../src/domain/monitoring/schemas';
import type { Actor } from '../../src/domain/roles';
import { completeTaskSchema } from '../../src/domain/tasks/schemas';
import { hiddenCharacterIn } from '../../src/domain/text';
import { createUserSchema } from '../../src/domain/users';
import { intakeBody } from '../support/intake';
import { newIdNumber } from '../support/ids';

/** Accepted but wrong, before: future birth dates, measures in 9999, a caseworker's "department alert", hidden characters. */

const idBornOn = (yyyymmdd: string) => {
  const first17 = `500234${yyyymmdd}123`;
  return first17 + idNumberCheckCharacter(first17);
};
const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

test('an ID number with a birth date after today (Beijing time) is refused', () => {
  const now = new Date('2026-12-07T01:00:00Z'); // 09:00 on 7 December in Beijing
  expect(idNumberProblem(idBornOn('20261207'), now)).toBeNull();
  expect(idNumberProblem(idBornOn('20261208'), now)).toBe('身份证号中的出生日期晚于今天，请核对');
  expect(idNumberProblem(idBornOn('29991231'), now)).toBe('身份证号中的出生日期晚于今天，请核对');
  // The report form refuses it too, naming the field.
  const future = new Date();
  future.setUTCFullYear(future.getUTCFullYear() + 1);
  const body = intakeBody({ idNumber: idBornOn(future.toISOString().slice(0, 10).replace(/-/g, '')) });
  expect(issues(createMonitoringCaseSchema.safeParse(body))).toEqual(['household.idNumber: 身份证号中的出生日期晚于今天，请核对']);
});

test("a measure's dates lie within 10 years of today", () => {
  const now = new Date('2026-12-07T01:00:00Z');
  expect(withinYearsOfToday('2036-12-07', 10, now)).toBe(true);
  expect(withinYearsOfToday('2036-12-08', 10, now)).toBe(false);
  expect(withinYearsOfToday('2016-12-07', 10, now)).toBe(true);
  expect(withinYearsOfToday('2016-12-06', 10, now)).toBe(false);
  expect(issues(measureSchema.safeParse({ type: 'TRAINING', startDate: '9999-01-01' }))).toEqual(['startDate: 开始日期应在今天前后10年之内']);
  expect(issues(measureSchema.safeParse({ type: 'TRAINING', startDate: new Date().toISOString().slice(0, 10), endDate: '9999-12-31' }))).toEqual(['endDate: 结束日期应在今天前后10年之内']);
  expect(measureSchema.safeParse({ type: 'TRAINING', startDate: new Date().toISOString().slice(0, 10) }).success).toBe(true);
});

test('only a department officer reports through the DEPARTMENT_ALERT channel', () => {
  const actor = (role: Actor['role'], jurisdictionCode: string): Actor => ({ userId: 'u', username: 'u', role, jurisdictionCode });
  for (const caseworker of [actor('VILLAGE_CASEWORKER', '500154017001'), actor('TOWN_REVIEWER', '500154017'), actor('DISTRICT_APPROVER', '500154')]) {
    expect(refuseCaseCreation(caseworker, '500154017001', 'DEPARTMENT_ALERT')).toEqual({ code: 'VALIDATION', path: 'channel', reason: expect.stringContaining('行业部门') });
    expect(refuseCaseCreation(caseworker, '500154017001', 'CADRE_VISIT')).toBeNull();
  }
  expect(refuseCaseCreation({ ...actor('DEPARTMENT_OFFICER', '500154'), department: 'CIVIL_AFFAIRS' }, '500154017001', 'DEPARTMENT_ALERT')).toBeNull();
});

describe('hidden characters in text people read', () => {
  const hidden = ['\u202E', '\u202A', '\u2066', '\u2069', '\u200B', '\u200F', '\uFEFF', '\u0007'];

  test('bidirectional controls and other invisible format characters are found; line breaks and tabs are not', () => {
    for (const c of hidden) expect([c.codePointAt(0), hiddenCharacterIn(`张三${c}李四`)]).toEqual([c.codePointAt(0), expect.stringMatching(/^U\+[0-9A-F]{4}$/)]);
    expect(hiddenCharacterIn('张三\u202E')).toBe('U+202E');
    expect(hiddenCharacterIn('第一行\n第二行\t缩进\r\n')).toBeNull();
    expect(hiddenCharacterIn('汉丰街道 · 张三（户主）')).toBeNull();
  });

  test('every human-readable field refuses them with a 400 reason naming the field', () => {
    const rlo = '张三\u202E付款';
    expect(issues(createMonitoringCaseSchema.safeParse(intakeBody({ headName: rlo })))).toEqual([expect.stringMatching(/^household\.headName: 户主姓名不能包含不可见的格式控制字符/)]);
    expect(issues(createMonitoringCaseSchema.safeParse(intakeBody({}, { note: rlo })))).toEqual([expect.stringMatching(/^note: 备注不能包含/)]);
    expect(issues(objectionSchema.safeParse({ content: `异议\u2066内容` }))).toEqual([expect.stringMatching(/^content: 异议内容不能包含/)]);
    expect(issues(visitSchema.safeParse({ perCapitaIncome: 1, unresolvedSpending: false, guaranteesSecure: true, note: rlo }))).toEqual([expect.stringMatching(/^note: 走访记录不能包含/)]);
    expect(issues(completeTaskSchema.safeParse({ decision: 'approve', comment: rlo }))).toEqual([expect.stringMatching(/^comment: 意见不能包含/)]);
    expect(issues(householdTransferSchema.safeParse({ idNumber: newIdNumber(), toVillageCode: '500154017002', reason: rlo }))).toEqual([expect.stringMatching(/^reason: 迁移原因不能包含/)]);
    const user = { username: 'hidden.name', displayName: rlo, email: 'h@example.gov.cn', password: 'long-enough-password', role: 'ADMIN', jurisdictionCode: '500154' };
    expect(issues(createUserSchema.safeParse(user))).toEqual([expect.stringMatching(/^displayName: 姓名不能包含/)]);
    const row = validateAlertRow(2, { name: rlo, idNumber: newIdNumber(), department: '民政', trigger: '临时救助\u200B', amount: '100', date: '2026-11-01' }, '2026-12-07');
    expect(row).toEqual({ rejected: [expect.objectContaining({ field: 'name' }), expect.objectContaining({ field: 'trigger' })] });
    // Multi-line notes are fine.
    expect(createMonitoringCaseSchema.safeParse(intakeBody({}, { note: '第一行\n第二行' })).success).toBe(true);
  });
});
