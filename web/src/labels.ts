/** Chinese labels the API's codes share with the server: the same domain modules, no copy to drift. */
export { measureTypeLabels, pensionBeneficiaryGroupLabels } from '../../src/domain/monitoring/assistance';
export { categoryLabels, channelLabels, laborCapacityLabels, riskTypeLabels, stageLabels } from '../../src/domain/monitoring/case';
export { stepLabels } from '../../src/domain/monitoring/process';
export { departmentLabels } from '../../src/domain/departments';
export { roleLabels } from '../../src/domain/roles';

export const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));
