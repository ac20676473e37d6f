import type { PrismaClient } from '../generated/prisma/client';
import type { Mailer } from './mail/mailer';
import type { TemporalDeps } from './monitoring/intake';

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
