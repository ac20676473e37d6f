import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode } from '../../domain/errors';
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

    /** A stored version by number (0: the built-in defaults); NOT_FOUND, not retried, when there is no such version. */
    async loadPolicyVersion({ version }: { version: number }): Promise<PinnedPolicy> {
      if (version === 0) return { version: 0, settings: defaultPolicySettings };
      const row = await db.policyVersion.findUnique({ where: { version } });
      if (!row) throw ApplicationFailure.create({ type: ErrorCode.NOT_FOUND, message: `政策设置第${version}版不存在`, nonRetryable: true });
      return { version: row.version, settings: policySettingsSchema.parse(row.settings) };
    },
  };
}
