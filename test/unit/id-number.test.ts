import { idNumberCheckCharacter, idNumberProblem, maskIdNumber, normalizeIdNumber } from '../../src/domain/id-number';

describe('resident ID numbers', () => {
  // The worked example of GB 11643-1999: 11010519491231002 has check character X.
  test('computes the check character of the standard example', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
  });

  test('accepts a number with a correct check character, X in either case', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
    expect(normalizeIdNumber('11010519491231002x')).toBe('11010519491231002X');
  });

  test.each([
    ['11010519491231002', '18位'],
    ['1101051949123100211', '18位'],
    ['11010519491231002A', '18位'],
    ['110105194902300020', '出生日期'],
    ['110105189901010020', '出生日期'],
    ['110105194912310021', '校验码'],
  ])('refuses %s with a reason about the %s', (value, reason) => {
    expect(idNumberProblem(value)).toContain(reason);
  });

  test('masks all but the region and the last four characters', () => {
    expect(maskIdNumber('50023419800101123X')).toBe('500234********123X');
  });
});
