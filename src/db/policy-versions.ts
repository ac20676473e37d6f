import { defaultPolicySettings, type PinnedPolicy } from '../domain/policy';
import { policySettingsSchema } from '../domain/policy-schemas';
import type { PrismaClient } from '../generated/prisma/client';

/** Reading policy versions: the one place that turns a stored row into the settings a case pins. */

/** The version in force at `at`; version 0 (the built-in defaults) when none is stored. */
export async function policyInForceAt(db: PrismaClient, at: Date): Promise<PinnedPolicy> {
  const row = await db.policyVersion.findFirst({
    where: { effectiveFrom: { lte: at } },
    orderBy: [{ effectiveFrom: 'desc' }, { version: 'desc' }],
  });
  if (!row) return { version: 0, settings: defaultPolicySettings };
  return { version: row.version, settings: policySettingsSchema.parse(row.settings) };
}

/** A stored version by number (0: the built-in defaults); null when there is no such version. */
export async function policyVersion(db: PrismaClient, version: number): Promise<PinnedPolicy | null> {
  if (version === 0) return { version: 0, settings: defaultPolicySettings };
  const row = await db.policyVersion.findUnique({ where: { version } });
  return row && { version: row.version, settings: policySettingsSchema.parse(row.settings) };
}
