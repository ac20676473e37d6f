import { randomUUID } from 'node:crypto';
import type { WorkflowClientInterceptor } from '@temporalio/client';

const failedPrecondition = 9;
const attempts = 5;

/**
 * Temporal drops an Update whose workflow task failed before the Update was in history, and answers the caller
 * FAILED_PRECONDITION "unexpected workflow task failure" — for instance when the workflow tried to complete in that
 * task while a signal arrived, which the server refuses (the task is retried with the signal). Nothing of the Update
 * happened, so it is sent again, with the same Update id (its validator runs again, its effects are keyed).
 */
export function isLostUpdate(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  return cause?.code === failedPrecondition && typeof cause.message === 'string' && /unexpected workflow task failure/i.test(cause.message);
}

/** The client side: an Update lost with its failed workflow task is sent again, a few times, a moment apart. */
export function lostUpdateRetryInterceptor(pauseMs = 100): WorkflowClientInterceptor {
  return {
    async startUpdate(input, next) {
      const keyed = input.options.updateId ? input : { ...input, options: { ...input.options, updateId: randomUUID() } };
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(keyed);
        } catch (err) {
          if (attempt >= attempts || !isLostUpdate(err)) throw err;
          await new Promise((resolve) => setTimeout(resolve, pauseMs * attempt));
        }
      }
    },
  };
}
