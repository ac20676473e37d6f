import { stepLabels } from './monitoring/case';

/** Human-readable names of every process's steps, for inboxes and emails. */
export const processLabels: Record<string, string> = { monitoring: '防止返贫监测' };

const stepLabelsByProcess: Record<string, Record<string, string>> = { monitoring: stepLabels };

export function stepLabel(process: string, step: string): string {
  return stepLabelsByProcess[process]?.[step] ?? step;
}
