/** Every workflow the worker registers. */
export { monitoringCaseWorkflow } from './monitoring/monitoring-case';
export { annualSweepWorkflow } from './monitoring/annual-sweep';
export { relocationCaseWorkflow } from './relocation/relocation-case';
export { cooperationPlanWorkflow } from './cooperation/cooperation-plan';
export { cooperationTaskWorkflow } from './cooperation/cooperation-task';
