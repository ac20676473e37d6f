import { hashPassword } from '../../src/api/auth/passwords';
import { demoPassword } from '../../src/demo/seed';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy';
import type { Role } from '../../src/domain/roles';
import type { PrismaClient } from '../../src/generated/prisma/client';

/** What API tests add to the demo data, each in one place. */

/** Posting takes a second instead of five days; every other duration is the district's default. */
export const shortPostingPolicy: PolicySettings = { ...defaultPolicySettings, postingPeriod: 'PT1S' };

/** Stores `settings` as policy version 1, in force since a minute ago, so the cases a test opens pin it. */
export async function storePolicyVersion1(db: PrismaClient, settings: PolicySettings = shortPostingPolicy): Promise<void> {
  await db.policyVersion.create({ data: { version: 1, effectiveFrom: new Date(Date.now() - 60_000), settings } });
}

/** A user beside the demo users (with the demo password), say of the neighbouring town, to check that scope hides cases. */
export async function addUser(db: PrismaClient, user: { username: string; displayName: string; role: Role; jurisdictionCode: string }): Promise<void> {
  await db.user.create({ data: { ...user, email: `${user.username}@demo.assistflow.local`, passwordHash: await hashPassword(demoPassword) } });
}

/** The neighbouring town's reviewer (500154018, beside the demo town 500154017). */
export const neighbourTownReviewer = { username: 'neighbour.town', displayName: '邻镇审核员', role: 'TOWN_REVIEWER', jurisdictionCode: '500154018' } as const;
