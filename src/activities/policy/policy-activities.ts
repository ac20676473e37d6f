import { ApplicationFailure } from '@temporalio/common';
import { policyInForceAt, policyVersion } from '../../db/policy-versions';
import { ErrorCode } from '../../domain/errors';
import type { PinnedPolicy } from '../../domain/policy';
import type { ActivityDeps } from '../deps';

export function createPolicyActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** The policy version in force at `at`, for cases started before the API pinned it in their input. */
    async loadPolicy({ at }: { at: string }): Promise<PinnedPolicy> {
      return policyInForceAt(db, new Date(at));
    },

    /** A stored version by number (0: the built-in defaults); NOT_FOUND, not retried, when there is no such version. */
    async loadPolicyVersion({ version }: { version: number }): Promise<PinnedPolicy> {
      const found = await policyVersion(db, version);
      if (!found) throw ApplicationFailure.create({ type: ErrorCode.NOT_FOUND, message: `政策设置第${version}版不存在`, nonRetryable: true });
      return found;
    },
  };
}
