import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { createAuthRouter, requireAuth } from './auth/auth-router';
import type { TokenService } from './auth/tokens';
import { createHealthRouter } from './health-router';
import { errorHandler, notFoundRoute } from './http-error';
import { createCasesRouter } from './monitoring/cases-router';
import { createTasksRouter } from './tasks/tasks-router';

export interface AppDeps {
  db: PrismaClient;
  temporal: { client: Client; taskQueue: string; namespace: string };
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
  app.use('/api', requireAuth(deps));
  app.use('/api/monitoring-cases', createCasesRouter(deps));
  app.use('/api/tasks', createTasksRouter(deps));
  app.use(notFoundRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
