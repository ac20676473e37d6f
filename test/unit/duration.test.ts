import { durationMs, parseDuration } from '../../src/domain/duration';
import { durationSchema } from '../../src/domain/policy-schemas';

describe('ISO 8601 durations', () => {
  test.each([
    ['P3D', 3 * 86_400_000],
    ['PT10S', 10_000],
    ['PT1.5S', 1_500],
    ['P1W', 7 * 86_400_000],
    ['P1DT12H', 36 * 3_600_000],
    ['PT2H30M', 150 * 60_000],
  ])('%s is %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  test.each(['', 'P', 'PT', '3D', 'P1Y', 'P2M', 'P-1D', 'P1DT'])('refuses %j', (value) => {
    expect(parseDuration(value)).toBeNull();
    expect(durationSchema.safeParse(value).success).toBe(false);
  });

  test('durationMs throws on a bad value, naming it', () => {
    expect(() => durationMs('3 days')).toThrow('3 days');
  });

  test('the schema refuses a zero duration with a readable message', () => {
    const result = durationSchema.safeParse('PT0S');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toContain('P3D');
  });
});
