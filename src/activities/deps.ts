import type { PrismaClient } from '../generated/prisma/client';
import type { Mailer } from './mail/mailer';
import type { Client } from '@temporalio/client';

/** A Temporal client and the task queue its workflows run on, for code that starts workflows. */
export interface TemporalDeps {
  client: Client;
  taskQueue: string;
}

/** What activities may touch. Composition roots build the real ones; tests pass real servers too. */
export interface ActivityDeps {
  db: PrismaClient;
  mailer: Mailer;
  /** Base of links in emails, e.g. http://localhost:3000 */
  publicUrl: string;
  /** Checks the API's actor assertions (src/temporal/actor-assertion.ts); the API signs with the same key. */
  assertionKey: Buffer;
  /** For activities that start workflows (a referral into monitoring); absent where none runs (some tests). */
  temporal?: TemporalDeps;
}
