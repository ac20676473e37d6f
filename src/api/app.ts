import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import express, { type Express } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { createAuthRouter, requireAuth } from './auth/auth-router';
import type { TokenService } from './auth/tokens';
import { createHealthRouter } from './health-router';
import { errorHandler, notFoundRoute } from './http-error';
import { createCasesRouter } from './monitoring/cases-router';
import { createPolicyRouter } from './policy/policy-router';
import { createTasksRouter } from './tasks/tasks-router';
import { createTemporalCodecRouter } from './temporal-codec-router';

export interface AppDeps {
  db: PrismaClient;
  /** payloadCodec and uiOrigin serve the Temporal UI's codec endpoint. */
  temporal: { client: Client; taskQueue: string; namespace: string; payloadCodec: PayloadCodec; uiOrigin: string };
  tokens: TokenService;
  logger: Logger;
}

/** The HTTP API. `listen` and shutdown live in the composition roots. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use('/api/health', createHealthRouter(deps));
  app.use('/api/auth', createAuthRouter(deps));
  app.use('/api/temporal-codec', createTemporalCodecRouter(deps)); // requireAuth inside, after the CORS preflight
  app.use('/api', requireAuth(deps));
  app.use('/api/monitoring-cases', createCasesRouter(deps));
  app.use('/api/tasks', createTasksRouter(deps));
  app.use('/api/policy', createPolicyRouter(deps));
  app.use(notFoundRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
