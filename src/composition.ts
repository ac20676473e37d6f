import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { createSmtpMailer } from './activities/mail/mailer';
import { createApp } from './api/app';
import { createPostgresAttachmentStore, createS3AttachmentStore, createS3Client, type AttachmentStore } from './api/attachments/attachment-store';
import { createApiMetrics } from './api/metrics/api-metrics';
import { apiRoutes } from './api/openapi/routes';
import { createTokenService } from './api/auth/tokens';
import { apiHost, type Config } from './config';
import { createPrisma } from './db/client';
import type { PrismaClient } from './generated/prisma/client';
import type { Logger } from './logger';
import { assistFlowDataConverter } from './temporal/data-converter';
import { annualSweepScheduleId, ensureAnnualSweepSchedule } from './temporal/annual-sweep-schedule';
import { apiWorkflowInterceptors } from './temporal/api-client-interceptors';
import { assertionKey } from './temporal/actor-assertion';
import { createPayloadCodec, type PayloadKey } from './temporal/payload-codec';
import { createTemporalRuntimeLogger } from './temporal/runtime-logger';
import { createWorkerMetrics } from './temporal/worker-metrics';
import { parseHostPort, serveMetrics, type MetricsServer } from './metrics/serve';
import { webDistDir } from './embedded/web-build';
import { createAssistFlowWorker } from './worker-runtime';

/** Builders of the real clients, shared by the composition roots (worker, server, start) and nothing else. */

export interface Endpoints {
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
  authSecret: string;
  publicUrl: string;
  /** Encrypt Temporal payloads; the API and every worker of a deployment must share them. */
  payloadKeys: PayloadKey[];
  /** ACTOR_ASSERTION_KEY, when set; otherwise the assertion key is derived from the payload keys. */
  actorAssertionKey?: string;
}

export interface Running {
  stop(): Promise<void>;
}

/**
 * The SDK and its core log at WARN unless debugging, core's lines forwarded through the SDK's logger so that one
 * logger prints (and redacts) everything; our stopOnSignals, not the SDK, handles Ctrl-C. With TEMPORAL_METRICS_ADDRESS
 * the core serves the SDK's metrics (temporal_*: task slots, sticky cache, task latencies) there for Prometheus.
 * Once per process: the runtime cannot be installed again.
 */
export function installTemporalRuntime(config: Config): void {
  const level = config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: createTemporalRuntimeLogger(level),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: level, other: 'WARN' }) },
      ...(config.TEMPORAL_METRICS_ADDRESS && { metrics: { prometheus: { bindAddress: config.TEMPORAL_METRICS_ADDRESS } } }),
    },
    shutdownSignals: [],
  });
}

/** A metrics endpoint when its address is configured, and a no-op to stop otherwise. */
async function metricsEndpoint(registry: Parameters<typeof serveMetrics>[0], address: { host: string; port: number } | undefined, logger: Logger, what: string): Promise<MetricsServer | null> {
  if (!address) return null;
  const server = await serveMetrics(registry, address);
  logger.info(`${what} metrics`, { url: `${server.url}/metrics` });
  return server;
}

/** The database client; its owner (the composition root) disconnects it last. */
export function openDatabase(config: Config, endpoints: Endpoints, poolSize = config.DATABASE_POOL_SIZE): PrismaClient & Running {
  const db = createPrisma(endpoints.databaseUrl, poolSize);
  return Object.assign(db, { stop: () => db.$disconnect() });
}

export async function runWorker(config: Config, endpoints: Endpoints, logger: Logger, db: PrismaClient): Promise<Running> {
  const mailer = createSmtpMailer(endpoints.smtpUrl, config.MAIL_FROM);
  const connection = await NativeConnection.connect({ address: endpoints.temporalAddress });
  const payloadCodec = createPayloadCodec(endpoints.payloadKeys);
  // The worker's own client: the yearly sweep's schedule, and activities that start workflows (a referral into monitoring).
  const client = new Client({ connection: await Connection.connect({ address: endpoints.temporalAddress }), namespace: config.TEMPORAL_NAMESPACE, dataConverter: assistFlowDataConverter(payloadCodec) });
  const metrics = createWorkerMetrics();
  const metricsServer = await metricsEndpoint(metrics.registry, config.WORKER_METRICS_ADDRESS ? parseHostPort(config.WORKER_METRICS_ADDRESS) : undefined, logger, 'worker');
  const worker = await createAssistFlowWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      db,
      mailer,
      publicUrl: endpoints.publicUrl,
      assertionKey: assertionKey(endpoints.actorAssertionKey, endpoints.payloadKeys),
      temporal: { client, taskQueue: config.TEMPORAL_TASK_QUEUE },
    },
    payloadCodec,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    interceptors: { activity: [metrics.activityInterceptor] },
  });
  const running = worker.run();
  const sweep = await ensureAnnualSweepSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE, cron: config.ANNUAL_SWEEP_CRON });
  logger.info('annual sweep schedule', { scheduleId: annualSweepScheduleId, cron: config.ANNUAL_SWEEP_CRON, timezone: 'Asia/Shanghai', result: sweep });
  logger.info('worker running', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE });
  return {
    async stop() {
      worker.shutdown();
      await running;
      await client.connection.close();
      await connection.close();
      mailer.close();
      await metricsServer?.stop();
    },
  };
}

export async function runApi(config: Config, endpoints: Endpoints, logger: Logger, db: PrismaClient): Promise<Running & { url: string }> {
  const connection = await Connection.connect({ address: endpoints.temporalAddress });
  const payloadCodec = createPayloadCodec(endpoints.payloadKeys);
  // Updates carry their actor as a signed assertion, and are sent again when Temporal lost them (api-client-interceptors.ts).
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: assistFlowDataConverter(payloadCodec),
    interceptors: { workflow: apiWorkflowInterceptors(assertionKey(endpoints.actorAssertionKey, endpoints.payloadKeys)) },
  });
  const metrics = createApiMetrics({ db, routes: apiRoutes, logger });
  const app = createApp({
    db,
    temporal: {
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      namespace: config.TEMPORAL_NAMESPACE,
      payloadCodec,
      uiOrigin: config.TEMPORAL_UI_ORIGIN ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`,
    },
    tokens: createTokenService(endpoints.authSecret, config.AUTH_TOKEN_TTL),
    logger,
    imports: { maxBytes: config.IMPORT_MAX_BYTES },
    attachments: { store: attachmentStoreFor(config, db), maxBytes: config.ATTACHMENT_MAX_BYTES, keepLocation: config.ATTACHMENT_KEEP_LOCATION },
    security: { refreshTtl: config.AUTH_REFRESH_TTL, corsOrigins: config.CORS_ORIGINS, trustProxy: config.TRUST_PROXY, metricsToken: config.METRICS_TOKEN },
    metrics,
    webDist: webDistDir,
  });
  const host = apiHost(config);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, host, () => resolve(s)).once('error', (err) => reject(new Error(`API cannot listen on ${host} port ${config.PORT}: ${err.message}`)));
  });
  const address = server.address();
  // localhost for every interface and for the loopback (the printed URLs and README use it; clients try both families).
  const urlHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${typeof address === 'object' && address ? address.port : config.PORT}`;
  logger.info('api listening', { url, host });
  const metricsServer = await metricsEndpoint(metrics.registry, config.METRICS_PORT ? { host: '0.0.0.0', port: config.METRICS_PORT } : undefined, logger, 'api');
  return {
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await metricsServer?.stop();
      await connection.close();
    },
  };
}

/** Stops everything on SIGINT/SIGTERM, in reverse order of start, once. */
export function stopOnSignals(logger: Logger, parts: () => Running[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    for (const part of [...parts()].reverse()) {
      await part.stop().catch((err: unknown) => logger.error('stop failed', { error: err instanceof Error ? err.message : String(err) }));
    }
    process.exit(0);
  };
  // `on`, not `once`: a second signal while stopping (tsx relays Ctrl-C again when the busy child is slow to
  // acknowledge it) must not find no listener, which tsx's preflight turns into exit 130 mid-stop.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** The endpoints of an external deployment; each missing one is named. */
export function externalEndpoints(config: Config): Endpoints {
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'AUTH_SECRET', 'PAYLOAD_KEYS'] as const).filter((k) => !config[k]);
  if (missing.length) throw new Error(`Missing configuration: ${missing.join(', ')} must be set for a separate API or worker process`);
  return {
    databaseUrl: config.DATABASE_URL!,
    temporalAddress: config.TEMPORAL_ADDRESS!,
    smtpUrl: config.SMTP_URL!,
    authSecret: config.AUTH_SECRET!,
    payloadKeys: config.PAYLOAD_KEYS!,
    actorAssertionKey: config.ACTOR_ASSERTION_KEY,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
  };
}

/** ATTACHMENT_STORE: PostgreSQL (default) or the S3-compatible store the S3_* variables name (the config schema requires them). */
function attachmentStoreFor(config: Config, db: PrismaClient): AttachmentStore {
  if (config.ATTACHMENT_STORE !== 's3') return createPostgresAttachmentStore(db);
  const client = createS3Client({ endpoint: config.S3_ENDPOINT, bucket: config.S3_BUCKET!, accessKey: config.S3_ACCESS_KEY!, secretKey: config.S3_SECRET_KEY!, region: config.S3_REGION });
  return createS3AttachmentStore(client, config.S3_BUCKET!);
}
