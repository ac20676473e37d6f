import type { WorkflowHandle } from '@temporalio/client';

/**
 * Fails a workflow test that hangs well before jest's timeout, naming where the workflow waits (its stack trace) and
 * what it waits on (pending activities): failing here lets the workflow be terminated and the worker stop, so a hang
 * does not leave the next test a busy server, and the report says where to look.
 */
export async function failOnHang(handle: WorkflowHandle, body: () => Promise<void>, afterMs = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void Promise.all([
        handle.query<string>('__stack_trace').catch((err: unknown) => `(no stack trace: ${String(err)})`),
        handle
          .describe()
          .then((d) => JSON.stringify({ status: d.status.name, historyLength: d.historyLength, pendingActivities: (d.raw.pendingActivities ?? []).map((a) => [a.activityType?.name, a.attempt, a.lastFailure?.message]) }))
          .catch((err: unknown) => `(no description: ${String(err)})`),
      ]).then(([stack, described]) => reject(new Error(`no progress within ${afterMs / 1000} s: ${described}; the workflow waits at:\n${stack}`)));
    }, afterMs);
  });
  try {
    await Promise.race([body(), hang]);
  } finally {
    clearTimeout(timer);
  }
}
