/** Every workflow the worker registers. */
export { monitoringCaseWorkflow } from './monitoring/monitoring-case';
