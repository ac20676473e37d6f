import type { ActivityDeps } from './deps';
import { createMonitoringActivities } from './monitoring/monitoring-activities';
import { createPolicyActivities } from './policy/policy-activities';
import { createTaskActivities } from './tasks/task-activities';

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPolicyActivities(deps),
    ...createTaskActivities(deps),
    ...createMonitoringActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
