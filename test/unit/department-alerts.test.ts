import fc from 'fast-check';
import { refuseCaseCreation, refuseDepartmentAlertImport } from '../../src/domain/access';
import { departmentLabel, parseDepartment } from '../../src/domain/departments';
import { idNumberCheckCharacter } from '../../src/domain/id-number';
import {
  alertNaturalKey,
  chinaDate,
  classifyAlertTrigger,
  leadIntake,
  mapAlertHeader,
  parseAlertAmount,
  parseAlertDate,
  parseDepartmentAlertTable,
  planDepartmentAlerts,
  validateAlertRow,
  type DepartmentAlertRow,
  type KnownHousehold,
} from '../../src/domain/monitoring/department-alerts';
import { createMonitoringCaseSchema } from '../../src/domain/monitoring/schemas';
import type { Actor, Role } from '../../src/domain/roles';

const today = '2026-11-29';
const id = (first17: string) => first17 + idNumberCheckCharacter(first17);
const ID_A = id('50023419800101123');
const ID_B = id('50023419900215456');
const header = ['姓名', '身份证号', '部门', '预警事由', '金额', '日期'];

describe('header', () => {
  test('Chinese, English and alternative headers map to their fields; unknown columns are ignored', () => {
    expect(mapAlertHeader(['序号', ...header])).toEqual({ columns: { name: 1, idNumber: 2, department: 3, trigger: 4, amount: 5, date: 6 } });
    expect(mapAlertHeader(['Name', 'ID Number', 'department', 'TRIGGER', 'amount', 'date', 'village_code'])).toEqual({
      columns: { name: 0, idNumber: 1, department: 2, trigger: 3, amount: 4, date: 5, villageCode: 6 },
    });
    expect(mapAlertHeader(['姓名', '身份证号码', '部门', '触发事由', '金额（元）', '日期', '村（社区）代码 '])).toEqual({
      columns: { name: 0, idNumber: 1, department: 2, trigger: 3, amount: 4, date: 5, villageCode: 6 },
    });
  });

  test('a missing column or a column given twice is a problem with the file', () => {
    expect(mapAlertHeader(['姓名', '部门', '预警事由', '日期'])).toEqual({ problem: expect.stringMatching(/^文件缺少必需的列：身份证号、金额。/) });
    expect(mapAlertHeader([...header, '触发事由'])).toEqual({ problem: '表头中“预警事由”列出现了两次，请只保留一列' });
  });
});

describe('one row', () => {
  const cells = { name: ' 张三 ', idNumber: ID_A.toLowerCase(), department: '区医疗保障局', trigger: '大额医疗支出', amount: '12,000.5', date: '2026/11/1' };

  test('a valid row is normalized', () => {
    expect(validateAlertRow(2, cells, today)).toEqual({
      valid: { row: 2, name: '张三', idNumber: ID_A.toUpperCase(), department: 'MEDICAL_INSURANCE', trigger: '大额医疗支出', amount: 12000.5, date: '2026-11-01', villageCode: null },
    });
  });

  test('each bad field is reported with its own Chinese reason', () => {
    const bad = { name: '', idNumber: '500234198001011230', department: '财政', trigger: ' ', amount: '-5', date: '2026-02-30', villageCode: '5001' };
    expect(validateAlertRow(7, bad, today)).toEqual({
      rejected: [
        { row: 7, field: 'name', message: '请填写姓名' },
        { row: 7, field: 'idNumber', message: '身份证号校验码不正确，请核对' },
        { row: 7, field: 'department', message: '部门“财政”不在行业部门名单中，应为民政、医保、教育、人社、住建、水利、残联、应急、发改之一' },
        { row: 7, field: 'trigger', message: '请填写预警事由' },
        { row: 7, field: 'amount', message: '金额不能为负数' },
        { row: 7, field: 'date', message: '日期不存在，请核对' },
        { row: 7, field: 'villageCode', message: '村（社区）代码应为12位数字' },
      ],
    });
  });

  test('missing values are named', () => {
    const result = validateAlertRow(3, { ...cells, idNumber: '', amount: '', date: '' }, today);
    expect(result).toEqual({
      rejected: [
        { row: 3, field: 'idNumber', message: '请填写身份证号' },
        { row: 3, field: 'amount', message: '请填写金额（元），没有金额填0' },
        { row: 3, field: 'date', message: '请填写日期' },
      ],
    });
  });

  test('dates: common spellings, real calendar days, not after today, not before 2000', () => {
    for (const text of ['2026-11-01', '2026/11/1', '2026.11.01', '20261101', '2026年11月1日', '2026-11-01 00:00:00']) {
      expect([text, parseAlertDate(text, today)]).toEqual([text, { date: '2026-11-01' }]);
    }
    expect(parseAlertDate('2024-02-29', today)).toEqual({ date: '2024-02-29' });
    expect(parseAlertDate('2025-02-29', today)).toEqual({ problem: '日期不存在，请核对' });
    expect(parseAlertDate('2026-11-30', today)).toEqual({ problem: '日期不能晚于今天' });
    expect(parseAlertDate('1999-12-31', today)).toEqual({ problem: '日期早于2000年，请核对' });
    expect(parseAlertDate('11/01/2026', today)).toEqual({ problem: '日期格式应为 年-月-日，如 2026-11-01' });
    expect(parseAlertDate('46000', today)).toEqual({ problem: '日期格式应为 年-月-日，如 2026-11-01' });
  });

  test('today is the date in China', () => {
    expect(chinaDate(new Date('2026-11-28T16:30:00Z'))).toBe('2026-11-29');
    expect(chinaDate(new Date('2026-11-28T15:59:59Z'))).toBe('2026-11-28');
  });

  test('amounts: ≥ 0, yuan with at most two decimals, separators and currency marks tolerated', () => {
    expect(parseAlertAmount('0')).toEqual({ amount: 0 });
    expect(parseAlertAmount('￥12,000.50元')).toEqual({ amount: 12000.5 });
    expect(parseAlertAmount('1234.5600000000001')).toEqual({ amount: 1234.56 });
    expect(parseAlertAmount('1.234')).toEqual({ problem: '金额最多保留两位小数' });
    expect(parseAlertAmount('-0.01')).toEqual({ problem: '金额不能为负数' });
    expect(parseAlertAmount('一万')).toEqual({ problem: '金额应为数字（元），如 12000 或 12000.50' });
    expect(parseAlertAmount('1e5')).toEqual({ problem: '金额应为数字（元），如 12000 或 12000.50' });
  });

  test('departments by code, short or full name', () => {
    expect(['民政', '开州区民政局', 'civil_affairs', '区医疗保障局', '医保局', '区教委', '人力社保局', '残联', '区发展改革委'].map(parseDepartment)).toEqual([
      'CIVIL_AFFAIRS',
      'CIVIL_AFFAIRS',
      'CIVIL_AFFAIRS',
      'MEDICAL_INSURANCE',
      'MEDICAL_INSURANCE',
      'EDUCATION',
      'HUMAN_RESOURCES',
      'DISABLED_PERSONS_FEDERATION',
      'DEVELOPMENT_REFORM',
    ]);
    expect(parseDepartment('财政局')).toBeNull();
    expect(departmentLabel('HOUSING')).toBe('住建');
    expect(departmentLabel('SOMETHING_ELSE')).toBe('SOMETHING_ELSE');
  });

  test('no input makes validation throw, and everything it accepts has a key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('name', 'idNumber', 'department', 'trigger', 'amount', 'date', 'villageCode'), fc.string()), (cells) => {
        const result = validateAlertRow(2, cells, today);
        if ('valid' in result) expect(alertNaturalKey(result.valid)).toContain(result.valid.idNumber);
        else expect(result.rejected.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('a whole table', () => {
  test('row numbers are the file’s (header is row 1, blank rows keep their number); valid rows go through beside rejected ones', () => {
    const result = parseDepartmentAlertTable(
      [
        header,
        ['张三', ID_A, '民政', '低保边缘', '0', '2026-10-01'],
        ['', '', '', '', '', ''],
        ['李四', '123', '民政', '大额医疗支出', '800', '2026-10-02'],
        ['王五', ID_B, '医保'],
      ],
      today,
    );
    expect(result).toEqual({
      rowCount: 3,
      valid: [expect.objectContaining({ row: 2, name: '张三' })],
      rejected: [
        { row: 4, field: 'idNumber', message: '身份证号应为18位：前17位数字，最后一位为数字或X' },
        { row: 5, field: 'trigger', message: '请填写预警事由' },
        { row: 5, field: 'amount', message: '请填写金额（元），没有金额填0' },
        { row: 5, field: 'date', message: '请填写日期' },
      ],
    });
  });

  test('blank rows before the header are skipped; a file without data rows is a problem', () => {
    const result = parseDepartmentAlertTable([[], [''], header, ['张三', ID_A, '民政', '低保边缘', '0', '2026-10-01']], today);
    expect(result).toMatchObject({ rowCount: 1, valid: [{ row: 4 }] });
    expect(parseDepartmentAlertTable([header, ['', '']], today)).toEqual({ problem: '文件中只有表头，没有预警数据行' });
    expect(parseDepartmentAlertTable([], today)).toEqual({ problem: expect.stringMatching(/^文件是空的/) });
  });
});

describe("a department's own rows", () => {
  const rows = [header, ['甲', ID_A, '民政', '临时救助', '100', '2026-10-01'], ['乙', ID_B, '区医疗保障局', '大额医疗支出', '9000', '2026-10-02'], ['丙', '123', '医保', '', '1', '2026-10-03']];

  test('with the uploader\'s department, rows of another department are rejected by row, beside their other problems', () => {
    const table = parseDepartmentAlertTable(rows, today, 'CIVIL_AFFAIRS');
    expect(table).toMatchObject({ rowCount: 3, valid: [{ row: 2, department: 'CIVIL_AFFAIRS' }] });
    expect('rejected' in table && table.rejected).toEqual([
      { row: 3, field: 'department', message: '只能上传本部门（民政）的预警数据，此行为医保的数据，请由该部门上传' },
      { row: 4, field: 'idNumber', message: expect.any(String) },
      { row: 4, field: 'department', message: '只能上传本部门（民政）的预警数据，此行为医保的数据，请由该部门上传' },
      { row: 4, field: 'trigger', message: '请填写预警事由' },
    ]);
    expect(parseDepartmentAlertTable(rows, today, 'MEDICAL_INSURANCE')).toMatchObject({ valid: [{ row: 3, department: 'MEDICAL_INSURANCE' }] });
  });

  test('without one, every known department passes (as the rule is used outside uploads)', () => {
    expect(parseDepartmentAlertTable(rows, today)).toMatchObject({ valid: [{ row: 2 }, { row: 3 }] });
  });
});

describe('natural key', () => {
  test('the same alert written differently has one key; any difference in who, what, when or how much makes another', () => {
    const a = validateAlertRow(2, { name: '张三', idNumber: ID_A, department: '民政', trigger: '临时救助', amount: '1200', date: '2026-11-01' }, today);
    const b = validateAlertRow(9, { name: '张 三', idNumber: ID_A, department: '区民政局', trigger: ' 临时救助 ', amount: '1,200.00', date: '2026/11/1' }, today);
    if (!('valid' in a) || !('valid' in b)) throw new Error('both rows are valid');
    expect(alertNaturalKey(a.valid)).toBe(alertNaturalKey(b.valid));
    expect(alertNaturalKey({ ...a.valid, amount: 1200.01 })).not.toBe(alertNaturalKey(a.valid));
    expect(alertNaturalKey({ ...a.valid, date: '2026-11-02' })).not.toBe(alertNaturalKey(a.valid));
    expect(alertNaturalKey({ ...a.valid, department: 'HOUSING' })).not.toBe(alertNaturalKey(a.valid));
  });
});

describe('classification of a trigger', () => {
  test.each([
    ['大额医疗支出', 'SUDDEN_HARDSHIP', ['ILLNESS']],
    ['因病住院', 'MARGINAL', ['ILLNESS']],
    ['新增重度残疾', 'MARGINAL', ['DISABILITY']],
    ['子女上学费用较高', 'SUDDEN_HARDSHIP', ['SCHOOLING']],
    ['洪灾致房屋受损', 'SUDDEN_HARDSHIP', ['DISASTER', 'HOUSING_SAFETY']],
    ['交通事故', 'SUDDEN_HARDSHIP', ['ACCIDENT']],
    ['脱贫户务工收入不稳', 'UNSTABLE_ESCAPED', ['UNSTABLE_EMPLOYMENT']],
    ['饮水不安全', 'MARGINAL', ['DRINKING_WATER']],
    ['申请临时救助', 'SUDDEN_HARDSHIP', ['OTHER']],
    ['低保边缘', 'MARGINAL', ['OTHER']],
  ])('%s → %s %j', (trigger, category, risks) => {
    expect(classifyAlertTrigger(trigger)).toEqual({ category, riskTypes: risks });
  });
});

describe('what each row becomes', () => {
  const row = (n: number, idNumber: string, extra: Partial<DepartmentAlertRow> = {}): DepartmentAlertRow => ({
    row: n,
    name: '某人',
    idNumber,
    department: 'CIVIL_AFFAIRS',
    trigger: `事由${n}`,
    amount: n,
    date: '2026-11-01',
    villageCode: null,
    ...extra,
  });
  const ID_C = id('50023419700303789');
  const ID_D = id('50023419600404012');
  const ID_E = id('50023419500505345');
  const households = new Map<string, KnownHousehold>([
    [ID_A, { id: 'h-a', villageCode: '500154017001', openCaseId: 'case-a' }],
    [ID_B, { id: 'h-b', villageCode: '500154017002', openCaseId: null }],
    [ID_E, { id: 'h-e', villageCode: '500155001001', openCaseId: 'case-e' }],
  ]);
  const lookup = { existingKeys: new Set([alertNaturalKey(row(9, ID_A))]), households, villages: new Set(['500154017001', '500154017003', '500155001001']), scope: '500154', maxLeads: 100 };

  test('open case → evidence; known household without one → lead in its village; unknown → lead in the named village; repeats are duplicates', () => {
    const rows = [
      row(2, ID_A),
      row(3, ID_B, { villageCode: '500154017003' }),
      row(4, ID_C, { villageCode: '500154017003' }),
      row(5, ID_B),
      row(6, ID_C),
      row(7, ID_A),
      row(8, ID_A, { trigger: '事由2', amount: 2 }),
      row(9, ID_A),
    ];
    const plan = planDepartmentAlerts(rows, lookup);
    expect(plan.evidence).toEqual([
      { row: rows[0], householdId: 'h-a', caseId: 'case-a' },
      { row: rows[5], householdId: 'h-a', caseId: 'case-a' },
    ]);
    expect(plan.leads).toEqual([
      // The registered village wins over the one a row names.
      { idNumber: ID_B, householdId: 'h-b', villageCode: '500154017002', rows: [rows[1], rows[3]] },
      { idNumber: ID_C, householdId: null, villageCode: '500154017003', rows: [rows[2], rows[4]] },
    ]);
    expect(plan.duplicates.map((r) => r.row)).toEqual([8, 9]);
    expect(plan.rejected).toEqual([]);
  });

  test('leads past the limit of one upload are deferred, all rows of their household with them', () => {
    const rows = [row(2, ID_B), row(3, ID_C, { villageCode: '500154017003' }), row(4, ID_B), row(5, ID_C), row(6, ID_A)];
    const plan = planDepartmentAlerts(rows, { ...lookup, maxLeads: 1 });
    expect(plan.leads.map((l) => l.idNumber)).toEqual([ID_B]);
    expect(plan.deferred.map((r) => r.row)).toEqual([3, 5]);
    expect(plan.evidence.map((e) => e.row.row)).toEqual([6]);
  });

  test('an unknown household needs a known village within the uploader’s jurisdiction; a household outside it is refused', () => {
    const plan = planDepartmentAlerts(
      [row(2, ID_D), row(3, ID_C, { villageCode: '500154017999' }), row(4, ID_D, { villageCode: '500155001001' }), row(5, ID_E)],
      { ...lookup, scope: '500154017' },
    );
    expect(plan.leads).toEqual([]);
    expect(plan.rejected).toEqual([
      { row: 2, field: 'villageCode', message: '系统中没有此身份证号的农户，请填写村（社区）代码以登记为监测线索' },
      { row: 3, field: 'villageCode', message: '村（社区）代码不存在，请核对' },
      { row: 4, field: 'villageCode', message: '该村（社区）不在您的辖区内' },
      { row: 5, field: 'idNumber', message: '该户不在您的辖区内' },
    ]);
  });

  test('a lead’s intake: channel DEPARTMENT_ALERT, risks from all its triggers, the household as registered or placeholders said to be so', () => {
    const lead = { idNumber: ID_C, householdId: null, villageCode: '500154017003', rows: [row(2, ID_C, { name: '赵六', trigger: '大额医疗支出', amount: 30000 }), row(3, ID_C, { trigger: '子女上学' })] };
    const unknown = leadIntake(lead, null);
    expect(unknown).toEqual({
      household: { headName: '赵六', idNumber: ID_C, villageCode: '500154017003', memberCount: 1, laborCapacity: 'partial' },
      category: 'SUDDEN_HARDSHIP',
      channel: 'DEPARTMENT_ALERT',
      riskTypes: ['ILLNESS', 'SCHOOLING'],
      perCapitaIncome: 0,
      note: '部门筛查预警（民政：大额医疗支出，金额30000.00元，日期2026-11-01；民政：子女上学，金额3.00元，日期2026-11-01）。系统中原无此户，家庭人口、劳动能力和人均纯收入为暂填值，待入户核实',
    });
    expect(createMonitoringCaseSchema.safeParse(unknown).success).toBe(true);
    const known = leadIntake({ ...lead, householdId: 'h-c' }, { headName: '赵户主', memberCount: 5, laborCapacity: 'none', perCapitaIncome: 4800 });
    expect(known).toMatchObject({ household: { headName: '赵户主', memberCount: 5, laborCapacity: 'none' }, perCapitaIncome: 4800, note: expect.not.stringContaining('暂填') });
  });
});

describe('who may import and open department leads', () => {
  const actor = (role: Role, jurisdictionCode = '500154'): Actor => ({ userId: 'u', username: 'u', role, jurisdictionCode });

  test('only department officers upload alert lists, and only with their department set', () => {
    expect(refuseDepartmentAlertImport({ ...actor('DEPARTMENT_OFFICER'), department: 'CIVIL_AFFAIRS' })).toBeNull();
    for (const department of [undefined, null, '', 'FINANCE']) {
      expect(refuseDepartmentAlertImport({ ...actor('DEPARTMENT_OFFICER'), department })).toEqual({ code: 'FORBIDDEN', reason: expect.stringContaining('未设置所属行业部门') });
    }
    for (const role of ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER', 'COOPERATION_COORDINATOR', 'ADMIN'] as const) {
      expect(refuseDepartmentAlertImport(actor(role))).toEqual({ code: 'FORBIDDEN', reason: '只有行业部门人员可以上传部门筛查预警名单' });
    }
  });

  test('a department officer opens department-alert leads only, within its jurisdiction; caseworkers by their own channels', () => {
    expect(refuseCaseCreation(actor('DEPARTMENT_OFFICER'), '500154017001', 'DEPARTMENT_ALERT')).toBeNull();
    expect(refuseCaseCreation(actor('DEPARTMENT_OFFICER'), '500154017001', 'CADRE_VISIT')).toEqual({ code: 'FORBIDDEN', reason: '行业部门只能通过部门筛查预警登记监测对象线索' });
    expect(refuseCaseCreation(actor('DEPARTMENT_OFFICER', '500154017'), '500154018001', 'DEPARTMENT_ALERT')).toEqual({ code: 'FORBIDDEN', reason: '该村（社区）不在您的辖区内' });
    expect(refuseCaseCreation(actor('COOPERATION_COORDINATOR'), '500154017001', 'DEPARTMENT_ALERT')).toMatchObject({ code: 'FORBIDDEN' });
    expect(refuseCaseCreation(actor('VILLAGE_CASEWORKER', '500154017001'), '500154017001', 'SELF_REPORT')).toBeNull();
    // The department-alert channel is the departments' imports' only (issue 11).
    expect(refuseCaseCreation(actor('VILLAGE_CASEWORKER', '500154017001'), '500154017001', 'DEPARTMENT_ALERT')).toMatchObject({ code: 'VALIDATION', path: 'channel' });
  });
});
