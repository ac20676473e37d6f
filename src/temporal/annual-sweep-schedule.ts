import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { annualSweepWorkflow } from '../workflows/monitoring/annual-sweep';

/** 集中排查 runs from a Temporal Schedule, so the cluster, not a process of ours, keeps the calendar. */
export const annualSweepScheduleId = 'monitoring-annual-sweep';
const timezone = 'Asia/Shanghai';

/**
 * Creates the yearly sweep's Schedule, or brings its calendar in line with `cron`. Safe to call from every worker
 * at start: the schedule id makes it one.
 */
export async function ensureAnnualSweepSchedule(client: Client, { taskQueue, cron }: { taskQueue: string; cron: string }): Promise<'created' | 'updated'> {
  const spec = { cronExpressions: [cron], timezone };
  try {
    await client.schedule.create({
      scheduleId: annualSweepScheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType: annualSweepWorkflow, taskQueue, args: [{}], workflowId: `${annualSweepScheduleId}-run` },
      // A sweep still running is not started twice; a sweep missed while the cluster was down runs within a week.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  // Already there: bring it in line with this deployment's calendar and task queue (the same values change nothing).
  await client.schedule.getHandle(annualSweepScheduleId).update((previous) => ({ ...previous, spec, action: { ...previous.action, taskQueue } }));
  return 'updated';
}
