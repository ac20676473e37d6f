import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { createDbLoginThrottle, type LoginThrottleStore } from './auth/db-login-throttle';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { createAuditLog, type AuditLog } from './audit/audit-log';
import { createAuditRouter } from './audit/audit-router';
import { createAuthRouter, requireAuth } from './auth/auth-router';
import { createSessionStore } from './auth/sessions';
import type { TokenService } from './auth/tokens';
import { createHouseholdsRouter } from './households/households-router';
import { createHealthRouter } from './health-router';
import { errorHandler, notFoundRoute } from './http-error';
import { createImportsRouter } from './imports/imports-router';
import { createAttachmentsRouter, defaultAttachmentMaxBytes, type AttachmentSettings } from './attachments/attachments-router';
import { createPostgresAttachmentStore } from './attachments/attachment-store';
import { findMonitoringCase } from './monitoring/case-attachments';
import { findRelocationCase } from './relocation/case-attachments';
import { createDocsRouter } from './openapi/docs-router';
import { methodNotAllowed } from './openapi/method-not-allowed';
import { apiRoutes } from './openapi/routes';
import { rejectNulCharacters } from './unstorable-text';
import { createCasesRouter } from './monitoring/cases-router';
import { createRelocationsRouter } from './relocation/relocations-router';
import { createSitesRouter } from './relocation/sites-router';
import { createRelocationReportRouter } from './relocation/report-router';
import { createRelocationImportRouter } from './relocation/import-router';
import { createCooperationRouter } from './cooperation/cooperation-router';
import { createCooperationReportRouter } from './cooperation/cooperation-report';
import { createPolicyRouter } from './policy/policy-router';
import { createReportsRouter } from './reports/reports-router';
import { createTasksRouter } from './tasks/tasks-router';
import { createTemporalCodecRouter } from './temporal-codec-router';
import { createUsersRouter } from './users/users-router';
import { createDelegationsRouter } from './delegations/delegations-router';
import { processRegistry } from '../processes';
import type { ProcessRegistry } from '../domain/tasks/process';
import { createWebAppRouter } from './web-app-router';
import { corsFor } from './cors';
import { requestLog } from './request-log';
import { createApiMetrics, type ApiMetrics } from './metrics/api-metrics';
import { createMetricsRouter, requestMetrics } from './metrics/metrics-router';

export interface AppDeps {
  db: PrismaClient;
  /** payloadCodec and uiOrigin serve the Temporal UI's codec endpoint. */
  temporal: { client: Client; taskQueue: string; namespace: string; payloadCodec: PayloadCodec; uiOrigin: string };
  tokens: TokenService;
  logger: Logger;
  /** Uploads (department alert lists); maxBytes is IMPORT_MAX_BYTES, 10 MB by default. */
  imports?: { maxBytes: number };
  /** Evidence files: the store (PostgreSQL by default), ATTACHMENT_MAX_BYTES (10 MB), ATTACHMENT_KEEP_LOCATION (false). */
  attachments?: Partial<AttachmentSettings>;
  /**
   * Defaults: sessions of P1D, no CORS, no trusted proxy, the login throttle's counts in the database (shared by every
   * instance), `/metrics` for loopback clients only (metricsToken, METRICS_TOKEN, lets others in with it as bearer).
   */
  security?: { refreshTtl?: string; corsOrigins?: readonly string[]; trustProxy?: number | string; loginThrottle?: LoginThrottleStore; metricsToken?: string };
  /** Defaults to metrics of this app's own (a registry per app). */
  metrics?: ApiMetrics;
  /** Defaults to the audit log in `db`. */
  audit?: AuditLog;
  /** Defaults to every registered process (src/processes.ts). */
  processes?: ProcessRegistry;
  /** The built web app (web/dist), served at `/` when it exists. */
  webDist?: string;
}

/** The HTTP API. `listen` and shutdown live in the composition roots. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy the client's address (audit, login throttle) comes from X-Forwarded-For.
  if (deps.security?.trustProxy !== undefined) app.set('trust proxy', deps.security.trustProxy);
  const audit = deps.audit ?? createAuditLog(deps.db);
  const sessions = createSessionStore(deps.db, deps.security?.refreshTtl ?? 'P1D');
  const loginThrottle = deps.security?.loginThrottle ?? createDbLoginThrottle(deps.db);
  const metrics = deps.metrics ?? createApiMetrics({ db: deps.db, routes: apiRoutes, logger: deps.logger });
  app.use(requestLog(deps.logger));
  app.use(requestMetrics(metrics));
  app.use(helmet());
  app.use(corsFor(deps.security?.corsOrigins ?? [], { except: ['/api/temporal-codec'] }));
  app.use(express.json({ limit: '1mb' }));
  app.use(rejectNulCharacters);
  app.use(createDocsRouter()); // public: /api/openapi.json and /docs
  app.use(createMetricsRouter(metrics, deps.security?.metricsToken)); // loopback or METRICS_TOKEN
  if (deps.webDist) app.use(createWebAppRouter(deps.webDist)); // public: the app's files, GET of non-/api paths
  app.use('/api/health', createHealthRouter(deps));
  app.use('/api/auth', createAuthRouter({ ...deps, audit, sessions, loginThrottle, metrics }));
  app.use('/api/temporal-codec', createTemporalCodecRouter({ ...deps, audit })); // requireAuth inside, after the CORS preflight
  app.use('/api', requireAuth(deps));
  const attachments: AttachmentSettings = {
    store: deps.attachments?.store ?? createPostgresAttachmentStore(deps.db),
    maxBytes: deps.attachments?.maxBytes ?? defaultAttachmentMaxBytes,
    keepLocation: deps.attachments?.keepLocation ?? false,
  };
  // One implementation for every process: relocation and cooperation mount it below their cases with their own findCase.
  app.use('/api/monitoring-cases/:id/attachments', createAttachmentsRouter({ ...deps, audit, settings: attachments, findCase: findMonitoringCase(deps.db) }));
  app.use('/api/monitoring-cases', createCasesRouter({ ...deps, audit }));
  app.use('/api/relocations/:id/attachments', createAttachmentsRouter({ ...deps, audit, settings: attachments, findCase: findRelocationCase(deps.db) }));
  app.use('/api/relocations', createRelocationsRouter({ ...deps, audit }));
  app.use('/api/relocation-sites', createSitesRouter({ ...deps, audit }));
  app.use('/api/tasks', createTasksRouter({ ...deps, audit, metrics, processes: deps.processes ?? processRegistry }));
  app.use('/api/households', createHouseholdsRouter({ ...deps, audit }));
  app.use('/api/imports/relocations', createRelocationImportRouter({ ...deps, audit }));
  app.use('/api/imports', createImportsRouter({ ...deps, audit, metrics }));
  app.use('/api/policy', createPolicyRouter({ ...deps, audit }));
  app.use('/api/audit', createAuditRouter({ ...deps, audit }));
  app.use('/api/users', createUsersRouter({ ...deps, audit }));
  app.use('/api/reports/relocation', createRelocationReportRouter({ ...deps, audit }));
  app.use('/api/delegations', createDelegationsRouter({ ...deps, audit }));
  app.use('/api/reports', createReportsRouter({ ...deps, audit }));
  app.use('/api/reports/cooperation', createCooperationReportRouter({ ...deps, audit }));
  app.use('/api/cooperation', createCooperationRouter({ ...deps, audit, processes: deps.processes ?? processRegistry }));
  app.use(methodNotAllowed(apiRoutes));
  app.use(notFoundRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
