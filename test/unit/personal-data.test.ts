import { personalDataViews, refuseFullPersonalData, maskedPersonalData, type PersonalDataSubject, maskPersonalDataInText } from '../../src/domain/personal-data';
import { roles, type Actor, type Role } from '../../src/domain/roles';

const village = '500154017001';
const actor = (role: Role, jurisdictionCode: string, department?: string): Actor => ({ userId: `u-${role}`, username: role, role, jurisdictionCode, department });
const open = (actorOpenTasks: PersonalDataSubject['actorOpenTasks'] = []): PersonalDataSubject => ({ villageCode: village, closed: false, actorOpenTasks });
const full = (a: Actor, subject = open(), view: (typeof personalDataViews)[number] = 'case.personal-data') => refuseFullPersonalData(a, view, subject) === null;

describe('who sees ID numbers and phones whole', () => {
  test('the village caseworkers of the household and the reviewers of its town, on the personal-data view of an open case', () => {
    expect(full(actor('VILLAGE_CASEWORKER', village))).toBe(true);
    expect(full(actor('TOWN_REVIEWER', '500154017'))).toBe(true);
    // The next village, the next town: no.
    expect(full(actor('VILLAGE_CASEWORKER', '500154017002'))).toBe(false);
    expect(full(actor('TOWN_REVIEWER', '500154018'))).toBe(false);
  });

  test('a department officer only while a data-matching or delivery task of the case is theirs', () => {
    const officer = actor('DEPARTMENT_OFFICER', '500154', 'CIVIL_AFFAIRS');
    expect(full(officer)).toBe(false);
    expect(full(officer, open([{ step: 'DATA_MATCHING', department: null }]))).toBe(true);
    expect(full(officer, open([{ step: 'MEASURE_DELIVERY', department: 'CIVIL_AFFAIRS' }]))).toBe(true);
    expect(full(officer, open([{ step: 'MEASURE_DELIVERY', department: 'HUMAN_RESOURCES' }]))).toBe(false);
    expect(full(officer, open([{ step: 'VISIT', department: null }]))).toBe(false);
  });

  test('nobody else, whatever their scope: district, coordinators, admins', () => {
    for (const role of ['DISTRICT_APPROVER', 'COOPERATION_COORDINATOR', 'ADMIN'] as const) {
      expect(refuseFullPersonalData(actor(role, '500154'), 'case.personal-data', open([{ step: 'DATA_MATCHING', department: null }]))).toEqual({
        code: 'FORBIDDEN',
        reason: expect.stringContaining('脱敏'),
      });
    }
  });

  test('never in lists, case views, inboxes, reports, exports or the audit log, and never on a closed case', () => {
    for (const view of personalDataViews.filter((v) => v !== 'case.personal-data')) {
      for (const role of roles) expect([view, role, full(actor(role, role === 'VILLAGE_CASEWORKER' ? village : '500154017'), open(), view)]).toEqual([view, role, false]);
    }
    expect(refuseFullPersonalData(actor('VILLAGE_CASEWORKER', village), 'case.personal-data', { ...open(), closed: true })).toEqual({ code: 'FORBIDDEN', reason: expect.stringContaining('已办结') });
  });

  test('the masked forms keep the region and the last four digits', () => {
    expect(maskedPersonalData({ idNumber: '50023419800101123X', phone: '13812345678' })).toEqual({ idNumber: '500234********123X', phone: '138****5678' });
    expect(maskedPersonalData({ idNumber: '50023419800101123X', phone: null })).toEqual({ idNumber: '500234********123X', phone: null });
  });
});

test('free text has ID-number, phone and bank-account shapes masked, and nothing else changed', () => {
  expect(maskPersonalDataInText('户主身份证11010519491231002X，电话13812345678，卡号6222021234567890123；编号2026-001')).toBe(
    '户主身份证110105********002X，电话138****5678，卡号***************0123；编号2026-001',
  );
  expect(maskPersonalDataInText('第3组，人均7500元')).toBe('第3组，人均7500元');
});
