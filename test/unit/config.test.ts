import { apiHost, ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  test('defaults fill in everything for the embedded demo', () => {
    const config = loadConfig({ APP_MODE: 'demo' });
    expect(config).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'assistflow' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  test('the API listens on the loopback address unless in production or told otherwise by HOST', () => {
    expect(apiHost(loadConfig({ APP_MODE: 'demo' }))).toBe('127.0.0.1');
    expect(apiHost(loadConfig({ APP_MODE: 'test' }))).toBe('127.0.0.1');
    const production = { APP_MODE: 'production', AUTH_SECRET: 'x'.repeat(32), PAYLOAD_KEYS: `k:${Buffer.alloc(32).toString('base64')}` };
    expect(apiHost(loadConfig(production))).toBe('0.0.0.0');
    expect(apiHost(loadConfig({ ...production, HOST: '10.0.0.5' }))).toBe('10.0.0.5');
    expect(apiHost(loadConfig({ APP_MODE: 'demo', HOST: '0.0.0.0' }))).toBe('0.0.0.0');
    expect(apiHost(loadConfig({ APP_MODE: 'demo', HOST: '::1' }))).toBe('::1');
    expect(() => loadConfig({ APP_MODE: 'demo', HOST: 'http://x/' })).toThrow(/HOST: must be an address/);
  });

  test('empty variables count as unset', () => {
    const config = loadConfig({ APP_MODE: 'demo', DATABASE_URL: '', SMTP_URL: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
  });

  test('each bad variable is named with what is wrong', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ APP_MODE: 'demo', PORT: 'eighty', DATABASE_URL: 'mysql://db', TEMPORAL_ADDRESS: 'http://x', SMTP_URL: 'mail' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'SMTP_URL', 'TEMPORAL_ADDRESS']);
    expect(error!.message).toContain('TEMPORAL_ADDRESS: must be host:port');
  });

  test('tokens are short-lived with a day-long session; CORS is off and no proxy trusted unless configured', () => {
    const config = loadConfig({ APP_MODE: 'demo' });
    expect(config).toMatchObject({ AUTH_TOKEN_TTL: 'PT15M', AUTH_REFRESH_TTL: 'P1D', CORS_ORIGINS: [] });
    expect(config.TRUST_PROXY).toBeUndefined();
    const configured = loadConfig({ APP_MODE: 'demo', CORS_ORIGINS: 'https://a.example.cn, http://localhost:5173', TRUST_PROXY: '1' });
    expect(configured).toMatchObject({ CORS_ORIGINS: ['https://a.example.cn', 'http://localhost:5173'], TRUST_PROXY: 1 });
    expect(() => loadConfig({ APP_MODE: 'demo', CORS_ORIGINS: 'https://a.example.cn/app', AUTH_REFRESH_TTL: '1 day' })).toThrow(/AUTH_REFRESH_TTL: must be a positive ISO 8601 duration[\s\S]*CORS_ORIGINS: "https:\/\/a.example.cn\/app" is not an origin/);
  });

  test("the worker's sticky cache is bounded by default, settable, and never negative", () => {
    expect(loadConfig({ APP_MODE: 'demo' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(100);
    expect(loadConfig({ APP_MODE: 'demo', WORKER_MAX_CACHED_WORKFLOWS: '0' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    expect(() => loadConfig({ APP_MODE: 'demo', WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  test('production mode refuses to start without its secret', () => {
    expect(() => loadConfig({ APP_MODE: 'production' })).toThrow(/AUTH_SECRET: is required in production mode/);
    expect(() => loadConfig({ APP_MODE: 'production', AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET: must be at least 32/);
  });

  test('metrics endpoints: off unless configured, addresses as host:port, each its own port', () => {
    const config = loadConfig({ APP_MODE: 'demo' });
    expect([config.METRICS_TOKEN, config.METRICS_PORT, config.TEMPORAL_METRICS_ADDRESS, config.WORKER_METRICS_ADDRESS]).toEqual([undefined, undefined, undefined, undefined]);
    const configured = loadConfig({ APP_MODE: 'demo', METRICS_PORT: '9100', METRICS_TOKEN: 'a-scrape-token-of-length', TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9464', WORKER_METRICS_ADDRESS: '[::1]:9465' });
    expect(configured).toMatchObject({ METRICS_PORT: 9100, TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9464', WORKER_METRICS_ADDRESS: '[::1]:9465' });
    let error: ConfigError | undefined;
    try {
      loadConfig({ APP_MODE: 'demo', METRICS_PORT: 'ninety', METRICS_TOKEN: 'short', TEMPORAL_METRICS_ADDRESS: '9464', WORKER_METRICS_ADDRESS: 'http://x:1' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error!.problems.map((p) => p.variable).sort()).toEqual(['METRICS_PORT', 'METRICS_TOKEN', 'TEMPORAL_METRICS_ADDRESS', 'WORKER_METRICS_ADDRESS']);
    expect(() => loadConfig({ APP_MODE: 'demo', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: must differ from PORT/);
    expect(() => loadConfig({ APP_MODE: 'demo', TEMPORAL_METRICS_ADDRESS: '127.0.0.1:9464', WORKER_METRICS_ADDRESS: '127.0.0.1:9464' })).toThrow(/WORKER_METRICS_ADDRESS: must differ/);
  });
});
