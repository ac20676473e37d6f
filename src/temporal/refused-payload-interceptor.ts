import { ApplicationFailure } from '@temporalio/common';
import { log, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { isRefusedPayload, refusedPayloadType } from './refused-payload';

const refused = (args: readonly unknown[]) => args.some(isRefusedPayload);
/**
 * Every signal of ours carries one object, encrypted. One without it (sent with no input, or an empty `binary/null`,
 * which needs no key) would throw in its handler and fail every workflow task after it, like a refused payload.
 */
const unusableSignal = (args: readonly unknown[]) => refused(args) || args.length === 0 || args.some((a) => a === undefined || a === null);
const refusal = (what: string) =>
  ApplicationFailure.create({ type: refusedPayloadType, nonRetryable: true, message: `${what} refused: its payload is not encrypted with a key of PAYLOAD_KEYS` });

/**
 * Workflow interceptors (registered in the bundle by src/worker-runtime.ts) for payloads the worker's codec refused:
 * - a signal is dropped, with a warning in the worker's log: the case goes on as if it had not been sent (and so is
 *   a signal with no argument at all, which needs no key to send);
 * - an Update is rejected by validation, so it never enters history (or fails before it changes anything, when the
 *   Update has no validator); a query fails;
 * - a start fails the workflow it would have started;
 * Activity results are not checked here (a check would add a microtask to each): they come from our own workers.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  // Not async, and calling next directly: a wrapper that awaits adds microtasks to every signal and Update, which
  // reorders commands against histories written without it (replay then fails).
  inbound: [
    {
      handleSignal(input, next) {
        if (!unusableSignal(input.args)) return next(input);
        log.warn('signal dropped: it has no argument, or one not encrypted with a key of PAYLOAD_KEYS', { signalName: input.signalName });
        return Promise.resolve();
      },
      validateUpdate(input, next) {
        if (refused(input.args)) throw refusal(`Update ${input.name}`);
        next(input);
      },
      handleUpdate(input, next) {
        if (refused(input.args)) return Promise.reject(refusal(`Update ${input.name}`));
        return next(input);
      },
      handleQuery(input, next) {
        if (refused(input.args)) return Promise.reject(refusal(`query ${input.queryName}`));
        return next(input);
      },
      execute(input, next) {
        if (refused(input.args)) return Promise.reject(refusal('workflow start'));
        return next(input);
      },
    },
  ],
});
