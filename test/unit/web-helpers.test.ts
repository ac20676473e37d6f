import { safeNext } from '../../web/src/auth/next-path';
import { newIdempotencyKey, showIssues } from '../../web/src/form-issues';
import { durationText, joinDuration, splitDuration } from '../../web/src/policy-durations';
import { formatTime, timeLeft } from '../../web/src/time';

// The web app's pure helpers: no browser needed.

test('after login, only a path of this app is followed', () => {
  expect(safeNext('/cases/3f1c2a9e')).toBe('/cases/3f1c2a9e');
  expect(safeNext('/cases?stage=MONITORED&page=2')).toBe('/cases?stage=MONITORED&page=2');
  for (const bad of [null, '', 'cases', '//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/a\\b', '/a\nb']) {
    expect(safeNext(bad)).toBe('/');
  }
});

test('policy durations: days or hours in the form, ISO 8601 in the API', () => {
  expect(splitDuration('P3D')).toEqual({ amount: 3, unit: 'D' });
  expect(splitDuration('P1W')).toEqual({ amount: 7, unit: 'D' });
  expect(splitDuration('PT36H')).toEqual({ amount: 36, unit: 'H' });
  expect(splitDuration('P1DT12H')).toEqual({ amount: 36, unit: 'H' });
  expect(splitDuration('PT30S')).toEqual({ amount: 30, unit: 'S' });
  expect(joinDuration({ amount: 5, unit: 'D' })).toBe('P5D');
  expect(joinDuration({ amount: 12, unit: 'H' })).toBe('PT12H');
  expect(joinDuration({ amount: 30, unit: 'S' })).toBe('PT30S');
  for (const iso of ['P3D', 'PT12H', 'PT30S', 'P180D']) expect(joinDuration(splitDuration(iso))).toBe(iso);
  expect(durationText('P5D')).toBe('5天');
  expect(durationText('PT1S')).toBe('1秒');
});

test('times are Beijing time whatever the zone, and time left says how long or how late', () => {
  expect(formatTime('2026-12-06T17:30:00Z')).toBe('2026-12-07 01:30');
  const now = Date.parse('2026-12-07T00:00:00Z');
  expect(timeLeft('2026-12-09T03:00:00Z', now)).toBe('还剩2天3小时');
  expect(timeLeft('2026-12-07T01:30:00Z', now)).toBe('还剩1小时30分钟');
  expect(timeLeft('2026-12-06T19:00:00Z', now)).toBe('已逾期5小时0分钟');
});

test("an API 400's issues go beside their fields (measures.0.monthlyAmount), the others to the alert", () => {
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  const form = { setFields: (fields: typeof set) => set.push(...fields) } as unknown as Parameters<typeof showIssues>[0];
  const left = showIssues(
    form,
    {
      error: 'validation',
      issues: [
        { path: 'measures.0.monthlyAmount', message: '特困供养标准不得低于低保标准的1.3倍' },
        { path: 'measures.1.startDate', message: '开始日期应为YYYY-MM-DD格式' },
        { path: 'measures', message: '与已安排的措施重叠' },
      ],
    },
    [['measures', '*', 'monthlyAmount'], ['measures', '*', 'startDate']],
  );
  expect(set).toEqual([
    { name: ['measures', 0, 'monthlyAmount'], errors: ['特困供养标准不得低于低保标准的1.3倍'] },
    { name: ['measures', 1, 'startDate'], errors: ['开始日期应为YYYY-MM-DD格式'] },
  ]);
  expect(left).toEqual(['与已安排的措施重叠']);
  expect(showIssues(form, { error: 'conflict', reason: '该户已有办理中的案件' }, [])).toEqual(['该户已有办理中的案件']);
  expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{32}$/);
});
