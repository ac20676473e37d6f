import { isWithin, jurisdictionLevel, parentJurisdiction, townOf } from '../../src/domain/jurisdictions';

describe('the jurisdiction tree in codes', () => {
  test('levels follow the code length', () => {
    expect(jurisdictionLevel('500154')).toBe('DISTRICT');
    expect(jurisdictionLevel('500154017')).toBe('TOWN');
    expect(jurisdictionLevel('500154017001')).toBe('VILLAGE');
    expect(jurisdictionLevel('5001540')).toBeNull();
    expect(jurisdictionLevel('50015401700a')).toBeNull();
  });

  test('parents walk up one level at a time and stop at the district', () => {
    expect(parentJurisdiction('500154017001')).toBe('500154017');
    expect(parentJurisdiction('500154017')).toBe('500154');
    expect(parentJurisdiction('500154')).toBeNull();
    expect(townOf('500154017001')).toBe('500154017');
  });

  test('a code lies within itself and its ancestors only', () => {
    expect(isWithin('500154017001', '500154017001')).toBe(true);
    expect(isWithin('500154017001', '500154017')).toBe(true);
    expect(isWithin('500154017001', '500154')).toBe(true);
    expect(isWithin('500154018001', '500154017')).toBe(false);
    expect(isWithin('500154017', '500154017001')).toBe(false);
  });
});
