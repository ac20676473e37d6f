import { minPasswordLength, passwordProblem } from '../../src/domain/auth-schemas';
import { beijingTime, lockReason, LoginThrottle } from '../../src/domain/login-throttle';
import { refreshVerdict, splitRefreshToken } from '../../src/domain/sessions';
import { demoPassword } from '../../src/demo/seed';

const minute = 60_000;

describe('password rule', () => {
  test('at least 10 characters; the demo password passes', () => {
    expect(minPasswordLength).toBe(10);
    expect(passwordProblem('123456789')).toBe('密码至少10个字符');
    expect(passwordProblem('1234567890')).toBeNull();
    expect(passwordProblem(demoPassword)).toBeNull();
    expect(passwordProblem('x'.repeat(201))).toBe('密码不超过200个字符');
  });
});

describe('login throttle', () => {
  function throttle(options = {}) {
    let now = Date.UTC(2026, 10, 29, 8, 0, 0);
    const t = new LoginThrottle({ clock: () => now, ...options });
    return { t, advance: (ms: number) => (now += ms), now: () => now };
  }

  test('5 failures within 15 minutes lock the username for 15 minutes; the 5th failure reports the lock', () => {
    const { t, advance, now } = throttle();
    for (let i = 0; i < 4; i++) {
      expect(t.recordFailure('town.reviewer', '10.0.0.1')).toBeNull();
      advance(minute);
    }
    const lockedAt = now();
    expect(t.recordFailure('Town.Reviewer', '10.0.0.2')).toEqual({ scope: 'username', until: lockedAt + 15 * minute });
    expect(t.check('town.reviewer', '10.0.0.9')).toEqual({ scope: 'username', until: lockedAt + 15 * minute });
    expect(t.check('village.worker', '10.0.0.1')).toBeNull();
    advance(15 * minute - 1);
    expect(t.check('town.reviewer', '10.0.0.1')).not.toBeNull();
    advance(1);
    expect(t.check('town.reviewer', '10.0.0.1')).toBeNull();
    // A fresh count after the lock.
    expect(t.recordFailure('town.reviewer', '10.0.0.1')).toBeNull();
  });

  test('failures older than the window do not count', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 4; i++) t.recordFailure('u', 'a');
    advance(15 * minute + 1);
    for (let i = 0; i < 4; i++) expect(t.recordFailure('u', 'a')).toBeNull();
    expect(t.recordFailure('u', 'a')).not.toBeNull();
  });

  test('a successful login resets the username count', () => {
    const { t } = throttle();
    for (let i = 0; i < 4; i++) t.recordFailure('u', 'a');
    t.recordSuccess('u');
    for (let i = 0; i < 4; i++) expect(t.recordFailure('u', 'a')).toBeNull();
  });

  test('one address failing across many usernames is locked (429 scope), and a success does not reset it', () => {
    const { t, now } = throttle({ maxAddressFailures: 10 });
    for (let i = 0; i < 9; i++) expect(t.recordFailure(`user${i}`, '10.0.0.66')).toBeNull();
    t.recordSuccess('user0');
    expect(t.recordFailure('user9', '10.0.0.66')).toEqual({ scope: 'address', until: now() + 15 * minute });
    expect(t.check('anyone', '10.0.0.66')).toEqual({ scope: 'address', until: now() + 15 * minute });
    expect(t.check('anyone', '10.0.0.67')).toBeNull();
  });

  test('stale counters are swept so memory stays bounded', () => {
    const { t, advance } = throttle({ sweepAbove: 100 });
    for (let i = 0; i < 100; i++) t.recordFailure(`user${i}`, `10.0.${i}.1`);
    expect(t.size).toBe(200);
    advance(16 * minute);
    t.recordFailure('late', 'addr');
    expect(t.size).toBe(2);
  });

  test('the reason says it is locked and until when, in Beijing time', () => {
    const until = Date.UTC(2026, 10, 29, 8, 15, 0);
    expect(beijingTime(until)).toBe('2026-11-29 16:15:00');
    expect(lockReason({ scope: 'username', until })).toBe('登录失败次数过多，该账号已锁定至 2026-11-29 16:15:00（北京时间），请届时再试或联系管理员');
    expect(lockReason({ scope: 'address', until })).toContain('已暂停登录至 2026-11-29 16:15:00');
  });
});

describe('refresh tokens', () => {
  const now = new Date('2026-11-29T08:00:00Z');
  const session = { refreshHash: 'h3', rotatedHashes: ['h1', 'h2'], expiresAt: new Date('2026-11-30T08:00:00Z'), revokedAt: null };

  test('the current token is exchanged, an exchanged one is reuse, anything else is unknown', () => {
    expect(refreshVerdict(session, 'h3', now)).toBe('current');
    expect(refreshVerdict(session, 'h1', now)).toBe('reused');
    expect(refreshVerdict(session, 'hx', now)).toBe('unknown');
  });

  test('a revoked or expired session ends every token', () => {
    expect(refreshVerdict({ ...session, revokedAt: now }, 'h3', now)).toBe('ended');
    expect(refreshVerdict(session, 'h3', new Date('2026-11-30T08:00:00Z'))).toBe('ended');
  });

  test('tokens are <session id>.<43 base64url characters>', () => {
    const id = '7b0c3a52-5a3c-4b8e-9f57-6c1f7f1e2d3a';
    const secret = 'A'.repeat(42) + '_';
    expect(splitRefreshToken(`${id}.${secret}`)).toEqual({ sessionId: id, secret });
    expect(splitRefreshToken(`${id}.short`)).toBeNull();
    expect(splitRefreshToken('garbage')).toBeNull();
  });
});
