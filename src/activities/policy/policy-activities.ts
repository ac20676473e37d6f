import { defaultPolicySettings, policySettingsSchema, type PinnedPolicy } from '../../domain/policy';
import type { ActivityDeps } from '../deps';

export function createPolicyActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** The policy version in force at `at`; version 0 (the built-in defaults) when none is stored. */
    async loadPolicy({ at }: { at: string }): Promise<PinnedPolicy> {
      const row = await db.policyVersion.findFirst({
        where: { effectiveFrom: { lte: new Date(at) } },
        orderBy: [{ effectiveFrom: 'desc' }, { version: 'desc' }],
      });
      if (!row) return { version: 0, settings: defaultPolicySettings };
      return { version: row.version, settings: policySettingsSchema.parse(row.settings) };
    },
  };
}
