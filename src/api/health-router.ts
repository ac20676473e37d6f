import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { PrismaClient } from '../generated/prisma/client';

const timeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await timeout(probe(), 3000);
    return 'ok';
  } catch (err) {
    return `down: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

export function createHealthRouter({ db, temporal }: { db: PrismaClient; temporal: { client: Client; namespace: string } }): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const [database, temporalStatus] = await Promise.all([
      check(() => db.$queryRaw`SELECT 1`),
      check(() => temporal.client.workflowService.describeNamespace({ namespace: temporal.namespace })),
    ]);
    const checks = { database, temporal: temporalStatus };
    const down = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k);
    res.status(down.length ? 503 : 200).json(down.length ? { status: 'unavailable', down, checks } : { status: 'ok', checks });
  });
  return router;
}
