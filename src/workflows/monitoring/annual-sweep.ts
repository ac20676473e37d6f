import { continueAsNew, getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { beijingYear } from '../../domain/monitoring/elimination';
import type { createMonitoringActivities } from '../../activities/monitoring/monitoring-activities';
import { annualReviewSignal } from './monitoring-case';

/** Where a sweep is: the year it reviews, the last case signalled, and the counts so far (carried across continue-as-new). */
export interface AnnualSweepInput {
  year?: number;
  afterCaseId?: string | null;
  signalled?: number;
  /** Cases whose workflow could not be signalled (it ended since the read model was written); the first few ids. */
  failed?: number;
  failedCaseIds?: string[];
}

export interface AnnualSweepResult {
  year: number;
  signalled: number;
  failed: number;
  failedCaseIds: string[];
}

const { listMonitoredCases } = proxyActivities<ReturnType<typeof createMonitoringActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const pageSize = 200;
const keptFailedIds = 20;

/**
 * 集中排查: once a year (a Temporal Schedule starts it) every monitored household gets a review task. Each case
 * opens the task once per year, so a sweep that is retried or run twice opens nothing twice.
 */
export async function annualSweepWorkflow(input: AnnualSweepInput = {}): Promise<AnnualSweepResult> {
  const year = input.year ?? beijingYear(Date.now());
  let afterCaseId = input.afterCaseId ?? null;
  let signalled = input.signalled ?? 0;
  let failed = input.failed ?? 0;
  const failedCaseIds = input.failedCaseIds ?? [];
  for (;;) {
    const page = await listMonitoredCases({ afterCaseId, limit: pageSize });
    const sent = await Promise.allSettled(page.map((c) => getExternalWorkflowHandle(c.workflowId).signal(annualReviewSignal, { year })));
    sent.forEach((result, i) => {
      if (result.status === 'fulfilled') signalled++;
      else {
        failed++;
        if (failedCaseIds.length < keptFailedIds) failedCaseIds.push(page[i].caseId);
      }
    });
    if (page.length < pageSize) return { year, signalled, failed, failedCaseIds };
    afterCaseId = page[page.length - 1].caseId;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2_000) {
      await continueAsNew<typeof annualSweepWorkflow>({ year, afterCaseId, signalled, failed, failedCaseIds });
    }
  }
}
