import { createMonitoringActivities, legacyMonitoringRecorders, writeMonitoringChange } from './activities/monitoring/monitoring-activities';
import type { ActivityDeps } from './activities/deps';
import { createCooperationActivities, writeCooperationChange } from './activities/cooperation/cooperation-activities';
import { cooperationProcess } from './domain/cooperation/process';
import type { CaseWriter } from './activities/tasks/task-activities';
import { monitoringProcess } from './domain/monitoring/process';
import { createRelocationActivities, writeRelocationChange } from './activities/relocation/relocation-activities';
import { relocationProcess } from './domain/relocation/process';
import { createProcessRegistry, type ProcessDefinition } from './domain/tasks/process';

/**
 * Every process, registered in one place: its definition for the task kit (steps, decisions, clocks, links), its case
 * writer (its part of each recorded step), and its own activities. A new process adds one entry here and exports its
 * workflows from src/workflows/index.ts; the kit (src/{domain,workflows,activities,api}/tasks) never names a process.
 */
export interface ProcessModule {
  definition: ProcessDefinition;
  writeChange: CaseWriter;
  /** The process's own activities, registered under `<process>.<name>` (see src/activities/index.ts). */
  activities(deps: ActivityDeps): Record<string, (...args: never[]) => Promise<unknown>>;
  /** Activity names of histories written before the kit, registered unprefixed (monitoring only). */
  unprefixedActivities?: boolean;
  /** Recorders of histories written before the kit, registered as the kit's recordTransition. */
  legacyRecorders?: readonly string[];
}

export const processModules: readonly ProcessModule[] = [
  {
    definition: monitoringProcess,
    writeChange: writeMonitoringChange,
    activities: createMonitoringActivities,
    unprefixedActivities: true,
    legacyRecorders: legacyMonitoringRecorders,
  },
  { definition: relocationProcess, writeChange: writeRelocationChange, activities: createRelocationActivities },
  { definition: cooperationProcess, writeChange: writeCooperationChange, activities: createCooperationActivities },
];

export const processRegistry = createProcessRegistry(processModules.map((m) => m.definition));
export const caseWriters: Record<string, CaseWriter> = Object.fromEntries(processModules.map((m) => [m.definition.process, m.writeChange]));
