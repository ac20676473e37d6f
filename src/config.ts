import { z } from 'zod';
import { parseDuration } from './domain/duration';
import { parsePayloadKeys } from './temporal/payload-codec';

/** How the process runs: `demo` seeds demo users and data; `production` refuses missing secrets. */
export const appModes = ['demo', 'production', 'test'] as const;

/** An unset or empty variable means "not configured". */
const optionalSetting = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** A positive ISO 8601 duration without years or months. */
const authDuration = (fallback: string) =>
  z
    .string()
    .refine((v) => (parseDuration(v) ?? 0) > 0, 'must be a positive ISO 8601 duration such as PT15M or P1D')
    .default(fallback);

/** `host:port` where a metrics endpoint binds; unset: no endpoint. */
const bindAddress = optionalSetting.pipe(
  z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/\[\]]+):\d{1,5}$/, 'must be host:port, for example 127.0.0.1:9464 or 0.0.0.0:9464').optional(),
);

/** The one schema over the environment. Every process (worker, API, all-in-one) parses it once at start. */
export const configSchema = z
  .object({
    APP_MODE: z.enum(appModes).default('production'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** The address the API listens on; unset: 127.0.0.1 except in production (see apiHost). */
    HOST: optionalSetting.pipe(
      z
        .string()
        .regex(/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|[0-9A-Fa-f:]+)$/, 'must be an address or host name such as 127.0.0.1, 0.0.0.0 or ::')
        .optional(),
    ),
    PUBLIC_URL: z.url().optional(),
    DATABASE_URL: optionalSetting.pipe(
      z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
    ),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    TEMPORAL_ADDRESS: optionalSetting.pipe(
      z.string().regex(/^[^\s:/]+:\d+$/, 'must be host:port, for example localhost:7233').optional(),
    ),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('assistflow'),
    SMTP_URL: optionalSetting.pipe(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
    MAIL_FROM: z.string().min(3).default('AssistFlow <noreply@assistflow.local>'),
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Access tokens: short, since a stolen one works until it expires or its session ends. */
    AUTH_TOKEN_TTL: authDuration('PT15M'),
    /** A login session (its refresh tokens) lasts this long from login. */
    AUTH_REFRESH_TTL: authDuration('P1D'),
    /** Comma-separated origins of browser front ends allowed to call the API (CORS); none when unset. */
    CORS_ORIGINS: optionalSetting.transform((v, ctx) => {
      const origins = (v ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      for (const o of origins) {
        if (!URL.canParse(o) || new URL(o).origin !== o) ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin such as https://assist.example.gov.cn` });
      }
      return origins;
    }),
    /** Express "trust proxy": the hops (1) or addresses of reverse proxies whose X-Forwarded-For names the client. */
    TRUST_PROXY: optionalSetting.transform((v) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v)),
    /** `id:base64,...`, the current key first: AES-256 keys that encrypt Temporal payloads (workflow history). */
    PAYLOAD_KEYS: optionalSetting.transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return parsePayloadKeys(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
    /**
     * Signs the actor of every Update the API sends (src/temporal/actor-assertion.ts); the API and every worker share
     * it. Default: derived from the current PAYLOAD_KEYS key, which they share already.
     */
    ACTOR_ASSERTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    DATA_DIR: z.string().min(1).default('data'),
    /** The Temporal web UI's origin, allowed to call the codec endpoint (CORS). Default: the embedded UI's. */
    TEMPORAL_UI_ORIGIN: z.url().transform((u) => new URL(u).origin).optional(),
    TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
    EMBEDDED_TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
    EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
    EMBEDDED_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
    EMBEDDED_MAIL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(1080),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** 集中排查: when the yearly sweep of monitored households runs, a cron expression in Beijing time. Default: 09:00 on 1 September. */
    ANNUAL_SWEEP_CRON: z
      .string()
      .trim()
      .regex(/^\S+( \S+){4}$/, 'must be a cron expression of five fields, for example "0 9 1 9 *" (09:00 on 1 September)')
      .default('0 9 1 9 *'),
    /** Largest file an import (a department's alert list) may upload, in bytes. */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024, 'must be at least 1024 bytes').default(10 * 1024 * 1024),
    /** Largest evidence file (佐证材料) an upload may carry, in bytes. */
    ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024, 'must be at least 1024 bytes').default(10 * 1024 * 1024),
    /** `true` keeps photos' location data (EXIF GPS); by default it is stripped before a photo is stored. */
    ATTACHMENT_KEEP_LOCATION: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
    /** Where evidence files' bytes are kept: PostgreSQL (bytea) or an S3-compatible store (MinIO) named by the S3_* variables. */
    ATTACHMENT_STORE: z.enum(['postgres', 's3'], { error: 'must be postgres or s3' }).default('postgres'),
    /** The S3-compatible server, e.g. http://minio:9000; unset: AWS S3 itself. */
    S3_ENDPOINT: optionalSetting.pipe(z.url('must be a URL such as http://minio:9000').optional()),
    S3_BUCKET: optionalSetting,
    S3_ACCESS_KEY: optionalSetting,
    S3_SECRET_KEY: optionalSetting,
    S3_REGION: optionalSetting,
    /**
     * Workflows a worker keeps in memory between tasks (the sticky cache); an evicted one replays its history when it
     * next has work. Bounded because each costs about 1.4 MB: the SDK's default (2,310) held the worker above 1.7 GB
     * at 1,000 waiting cases (`npm run bench -- --hold`). 0 disables the cache.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
    /** A bearer token that lets a scraper read the API's `GET /metrics` from elsewhere than this machine. */
    METRICS_TOKEN: optionalSetting.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** A second port on which the API serves `GET /metrics` without auth, for a scraper on a private network. */
    METRICS_PORT: optionalSetting.transform((v) => (v === undefined ? undefined : Number(v))).pipe(z.number().int().min(1).max(65535).optional()),
    /** Where a worker's core runtime serves Temporal's SDK metrics (Prometheus exporter); off when unset. */
    TEMPORAL_METRICS_ADDRESS: bindAddress,
    /** Where a worker serves our own counters (activity executions) and its Node process metrics; off when unset. */
    WORKER_METRICS_ADDRESS: bindAddress,
  })
  .superRefine((c, ctx) => {
    if (c.METRICS_PORT !== undefined && c.METRICS_PORT === c.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT' });
    }
    if (c.TEMPORAL_METRICS_ADDRESS && c.TEMPORAL_METRICS_ADDRESS === c.WORKER_METRICS_ADDRESS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_METRICS_ADDRESS'], message: 'must differ from TEMPORAL_METRICS_ADDRESS (each is a server of its own)' });
    }
    if (c.ATTACHMENT_STORE === 's3') {
      for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
        if (!c[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when ATTACHMENT_STORE=s3' });
      }
    }
    if (c.APP_MODE === 'production' && !c.AUTH_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'is required in production mode' });
    }
    if (c.APP_MODE === 'production' && !c.PAYLOAD_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_KEYS'], message: 'is required in production mode (id:base64 of 32 random bytes)' });
    }
  });

export type Config = z.infer<typeof configSchema>;

/**
 * Where the API listens: HOST, or by default the loopback address (the demo and tests are reachable from this
 * machine only), and every interface in production, where a container's port must be reachable from its network.
 */
export function apiHost(config: Pick<Config, 'HOST' | 'APP_MODE'>): string {
  return config.HOST ?? (config.APP_MODE === 'production' ? '0.0.0.0' : '127.0.0.1');
}

/** The variables the schema knows, so deployment files can be checked against it. */
export const configVariables = Object.keys(configSchema.shape);

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const result = configSchema.safeParse({ ...env, ...overrides });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(config)'), message: i.message })),
    );
  }
  return result.data;
}
