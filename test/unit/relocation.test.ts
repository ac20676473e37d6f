import { defaultRelocationSettings, relocationSettingsProblems } from '../../src/domain/relocation/case';
import { parseRelocationTable } from '../../src/domain/relocation/import';
import { relocationProcess, relocationTaskSpec } from '../../src/domain/relocation/process';
import { buildRelocationReport } from '../../src/domain/relocation/reports';
import { beijingDay, beijingDayStart, nextMetSince, nextTargetChange, targetsOn } from '../../src/domain/relocation/targets';
import { escalationTargetOf, openTask } from '../../src/domain/tasks/task';
import { newIdNumber } from '../support/ids';

const village = '500154017001';

describe('targets (section 六)', () => {
  const job = { id: 'e1', startDate: '2026-03-01', endDate: '2026-09-01' };
  const project = { id: 'p1', startDate: '2026-04-01' };

  test('a household with labour needs a member employed that day and a project started', () => {
    expect(targetsOn({ laborCapacity: 'full', employment: [job], projects: [project], day: '2026-05-01' })).toMatchObject({ allMet: true, employment: { required: true, met: true } });
    // The end date is the first day without the job.
    expect(targetsOn({ laborCapacity: 'partial', employment: [job], projects: [project], day: '2026-09-01' })).toMatchObject({ allMet: false, employment: { met: false }, project: { met: true } });
    expect(targetsOn({ laborCapacity: 'full', employment: [job], projects: [project], day: '2026-03-15' }).project.met).toBe(false);
  });

  test('a household without labour capacity is tracked on the safety net: no targets, never "all met"', () => {
    expect(targetsOn({ laborCapacity: 'none', employment: [job], projects: [project], day: '2026-05-01' })).toEqual({
      safetyNetOnly: true,
      employment: { required: false, met: true },
      project: { required: false, met: true },
      allMet: false,
    });
  });

  test('the stable period runs from when both were first met, and restarts after a loss', () => {
    expect(nextMetSince(null, true, 100)).toBe(100);
    expect(nextMetSince(100, true, 200)).toBe(100);
    expect(nextMetSince(100, false, 300)).toBeNull();
  });

  test('days are Beijing days; the next change is the next start or end date to come', () => {
    const now = Date.parse('2026-05-01T17:00:00Z'); // 01:00 on 2 May in Beijing
    expect(beijingDay(now)).toBe('2026-05-02');
    expect(beijingDayStart('2026-05-02')).toBe(Date.parse('2026-05-01T16:00:00Z'));
    expect(nextTargetChange({ employment: [job], projects: [project], now })).toBe(beijingDayStart('2026-09-01'));
    expect(nextTargetChange({ employment: [], projects: [project], now })).toBeNull();
  });
});

describe('process definition', () => {
  test('follow-up visits are quarterly by default; supervision is the town’s and escalates to the district, no further', () => {
    expect(defaultRelocationSettings).toMatchObject({ followUpInterval: 'P91D', targetDeadline: 'P90D', stablePeriod: 'P365D' });
    expect(relocationSettingsProblems(defaultRelocationSettings)).toEqual([]);
    expect(relocationSettingsProblems({ ...defaultRelocationSettings, stablePeriod: 'P1Y' })).toEqual(['stablePeriod 应为 ISO 8601 时长（例如 P90D）']);
    const visit = relocationTaskSpec('FOLLOW_UP_VISIT', village, null, defaultRelocationSettings, 0);
    expect(visit).toMatchObject({ role: 'VILLAGE_CASEWORKER', jurisdictionCode: village, dueInMs: 91 * 86_400_000, allowedDecisions: [] });
    const spec = relocationTaskSpec('TARGET_SUPERVISION', village, null, defaultRelocationSettings, 0);
    expect(spec).toMatchObject({ role: 'TOWN_REVIEWER', jurisdictionCode: '500154017', allowedDecisions: ['approve'], reasonRequired: ['approve'], decisionLabels: { approve: '已督办' } });
    const task = openTask('c.1', spec, 0);
    expect(escalationTargetOf(task, 1)).toEqual({ level: 1, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' });
    expect(escalationTargetOf(task, 2)).toBeNull();
    expect(relocationProcess.casePath('x')).toBe('/relocations/x');
  });
});

describe('list import', () => {
  const header = ['户主姓名', '身份证号', '村（社区）代码', '家庭人口', '劳动能力', '安置点代码', '搬迁入住日期'];
  test('refuses a file without the required columns, and names each bad field of a row', () => {
    expect(parseRelocationTable([['姓名', '身份证号']], '2026-12-07', new Set(['S1']))).toEqual({ problem: expect.stringContaining('村（社区）代码') });
    const id = newIdNumber();
    const result = parseRelocationTable(
      [header, ['甲', id, village, '3', '弱劳动能力', 'S1', '2026年6月1日'], ['乙', 'x', village, '0', '?', 'S9', '2027-01-01'], ['', '', '', '', '', '', '']],
      '2026-12-07',
      new Set(['S1']),
    );
    if ('problem' in result) throw new Error(result.problem);
    expect(result.valid).toEqual([{ row: 2, body: { household: { headName: '甲', idNumber: id, villageCode: village, memberCount: 3, laborCapacity: 'partial' }, siteCode: 'S1', relocatedAt: '2026-06-01' } }]);
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [3, 'idNumber'],
      [3, 'memberCount'],
      [3, 'laborCapacity'],
      [3, 'siteCode'],
      [3, 'relocatedAt'],
    ]);
    expect(result.rowCount).toBe(2);
  });
});

test('the report counts per site and town', () => {
  const report = buildRelocationReport({
    cases: [
      { siteCode: 'S1', townCode: '500154017', laborCapacity: 'full', atRisk: true, employment: [{ id: 'e', startDate: '2026-01-01' }], projects: [], visitOverdue: true },
      { siteCode: 'S1', townCode: '500154017', laborCapacity: 'none', atRisk: false, employment: [], projects: [], visitOverdue: false },
    ],
    sites: [{ code: 'S1', name: '安置点', townCode: '500154017' }],
    towns: [{ code: '500154017', name: '大进镇' }],
    scope: { code: '500154017', name: '大进镇' },
    filters: { siteCode: null, townCode: null },
    now: new Date('2026-12-07T00:00:00Z'),
  });
  expect(report.totals).toEqual({ households: 2, withLabour: 1, employmentMet: 1, projectMet: 0, atRisk: 1, overdueVisits: 1 });
  expect(report.bySite[0]).toMatchObject({ siteCode: 'S1', townName: '大进镇', households: 2 });
});
