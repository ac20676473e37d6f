import { beijingQuarter, deadlineAt, deadlineLabel, type CalendarDeadline } from '../../src/domain/tasks/calendar';

/** Calendar deadlines in Beijing time (UTC+8): the instant is the end of the Beijing day, 16:00 UTC. */
const at = (iso: string) => Date.parse(iso);
const due = (deadline: CalendarDeadline, openedAt: string) => new Date(deadlineAt(deadline, at(openedAt))).toISOString();

describe('QUARTER_END', () => {
  const quarterEnd: CalendarDeadline = { kind: 'QUARTER_END' };

  test('opened on 30 March, due 31 March 24:00 Beijing', () => {
    expect(due(quarterEnd, '2027-03-30T04:00:00Z')).toBe('2027-03-31T16:00:00.000Z');
  });

  test('the quarter is Beijing’s: the last Beijing millisecond of March is Q1, 31 March 16:00 UTC is already April', () => {
    expect(due(quarterEnd, '2027-03-31T15:59:59.999Z')).toBe('2027-03-31T16:00:00.000Z');
    expect(due(quarterEnd, '2027-03-31T16:00:00.000Z')).toBe('2027-06-30T16:00:00.000Z');
  });

  test('each quarter ends on its last day: 30 June, 30 September, 31 December (the year rolls over)', () => {
    expect(due(quarterEnd, '2027-04-01T00:00:00Z')).toBe('2027-06-30T16:00:00.000Z');
    expect(due(quarterEnd, '2027-08-15T00:00:00Z')).toBe('2027-09-30T16:00:00.000Z');
    expect(due(quarterEnd, '2027-10-01T00:00:00Z')).toBe('2027-12-31T16:00:00.000Z');
    // 1 January 2028, 00:30 Beijing: the first quarter of 2028.
    expect(due(quarterEnd, '2027-12-31T16:30:00Z')).toBe('2028-03-31T16:00:00.000Z');
  });
});

describe('MONTH_END and DATE', () => {
  test('the end of February next year: 29 February in a leap year (2028), 28 February otherwise', () => {
    expect(due({ kind: 'MONTH_END', month: 2, yearOffset: 1 }, '2027-06-01T00:00:00Z')).toBe('2028-02-29T16:00:00.000Z');
    expect(due({ kind: 'MONTH_END', month: 2, yearOffset: 1 }, '2026-06-01T00:00:00Z')).toBe('2027-02-28T16:00:00.000Z');
    expect(due({ kind: 'MONTH_END', month: 12, yearOffset: 0 }, '2027-06-01T00:00:00Z')).toBe('2027-12-31T16:00:00.000Z');
  });

  test('the year is Beijing’s: opened on 1 January Beijing (still 31 December UTC), next year is the year after', () => {
    expect(due({ kind: 'MONTH_END', month: 2, yearOffset: 1 }, '2026-12-31T17:00:00Z')).toBe('2028-02-29T16:00:00.000Z');
    expect(due({ kind: 'MONTH_END', month: 2, yearOffset: 1 }, '2026-12-31T15:00:00Z')).toBe('2027-02-28T16:00:00.000Z');
  });

  test('28 February next year, the end of that day in Beijing', () => {
    expect(due({ kind: 'DATE', month: 2, day: 28, yearOffset: 1 }, '2027-05-10T00:00:00Z')).toBe('2028-02-28T16:00:00.000Z');
    expect(due({ kind: 'DATE', month: 2, day: 28, yearOffset: 1 }, '2026-05-10T00:00:00Z')).toBe('2027-02-28T16:00:00.000Z');
  });

  test('a day past the month’s end is clamped to its last day', () => {
    expect(due({ kind: 'DATE', month: 2, day: 29, yearOffset: 1 }, '2026-05-10T00:00:00Z')).toBe('2027-02-28T16:00:00.000Z');
    expect(due({ kind: 'DATE', month: 2, day: 31, yearOffset: 1 }, '2027-05-10T00:00:00Z')).toBe('2028-02-29T16:00:00.000Z');
    expect(due({ kind: 'DATE', month: 4, day: 31, yearOffset: 0 }, '2027-01-10T00:00:00Z')).toBe('2027-04-30T16:00:00.000Z');
  });
});

describe('beijingQuarter', () => {
  test.each([
    ['2027-03-31T15:59:59.999Z', '2027Q1'],
    ['2027-03-31T16:00:00.000Z', '2027Q2'],
    ['2026-12-31T15:59:59.999Z', '2026Q4'],
    ['2026-12-31T16:00:00.000Z', '2027Q1'],
    ['2027-09-30T16:00:00.000Z', '2027Q4'],
  ])('%s is %s', (instant, quarter) => {
    expect(beijingQuarter(at(instant))).toBe(quarter);
  });
});

test('deadline labels in Chinese', () => {
  expect(deadlineLabel({ kind: 'QUARTER_END' })).toBe('本季度末');
  expect(deadlineLabel({ kind: 'MONTH_END', month: 2, yearOffset: 1 })).toBe('次年2月底');
  expect(deadlineLabel({ kind: 'DATE', month: 2, day: 28, yearOffset: 1 })).toBe('次年2月28日');
  expect(deadlineLabel({ kind: 'DATE', month: 12, day: 20, yearOffset: 0 })).toBe('当年12月20日');
});
