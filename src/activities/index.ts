import { caseWriters, processModules, processRegistry } from '../processes';
import type { ActivityDeps } from './deps';
import { createPolicyActivities } from './policy/policy-activities';
import { createTaskActivities } from './tasks/task-activities';

type ActivityFn = (...args: never[]) => Promise<unknown>;

/** Merges groups of activities, refusing a name registered twice: one would silently replace the other in the worker. */
export function mergeActivities(groups: readonly Record<string, ActivityFn>[]): Record<string, ActivityFn> {
  const all: Record<string, ActivityFn> = {};
  for (const group of groups) {
    for (const [name, fn] of Object.entries(group)) {
      if (name in all) throw new Error(`activity "${name}" is registered twice`);
      all[name] = fn;
    }
  }
  return all;
}

/** `<process>.<name>` for each of a process's activities. */
export function namespaced(process: string, activities: Record<string, ActivityFn>): Record<string, ActivityFn> {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [`${process}.${name}`, fn]));
}

/** The shared activities: policy and the task kit's. */
function createSharedActivities(deps: ActivityDeps) {
  return { ...createPolicyActivities(deps), ...createTaskActivities({ ...deps, processes: processRegistry, caseWriters }) };
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  const shared = createSharedActivities(deps);
  const processes = processModules.map((m) => {
    const own = m.activities(deps);
    const legacy = Object.fromEntries((m.legacyRecorders ?? []).map((name) => [name, shared.recordTransition]));
    return { ...(m.unprefixedActivities ? own : namespaced(m.definition.process, own)), ...legacy };
  });
  return mergeActivities([shared, ...processes]) as Activities;
}

/** The activities' types, for tests' fakes: the shared ones and monitoring's (registered unprefixed). */
export type Activities = ReturnType<typeof createSharedActivities> &
  ReturnType<(typeof import('./monitoring/monitoring-activities'))['createMonitoringActivities']>;
