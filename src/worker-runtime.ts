import { ApplicationFailure, type PayloadCodec } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker, type BundleOptions, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from './activities';
import type { ActivityDeps } from './activities/deps';
import { assistFlowDataConverter, failureConverterPath, payloadConverterPath } from './temporal/data-converter';
import { markRefusedPayloads } from './temporal/payload-codec';
import { isRefusedPayload, refusedPayloadType } from './temporal/refused-payload';

const workflowsPath = require.resolve('./workflows');
/**
 * Workflow interceptors every bundle carries: signals, Updates, queries and starts whose payloads the codec refused are
 * dropped or refused; no Update believes an actor the API did not vouch for.
 */
export const workflowInterceptorModules = [require.resolve('./temporal/refused-payload-interceptor'), require.resolve('./workflows/tasks/actor-assertions')];

/**
 * The workflow bundle a worker runs, for callers that build it once ahead (tests): it carries the failure converter,
 * which runs inside the workflow sandbox, so workflow failures are encrypted like activity failures.
 */
export function bundleAssistFlowWorkflows(options: Pick<BundleOptions, 'logger'> = {}): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath, payloadConverterPath, workflowInterceptorModules, ...options });
}

/** The one way a worker is built, by the worker process, the all-in-one start and the tests. */
export async function createAssistFlowWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Encrypts what the worker writes to history (src/temporal/payload-codec.ts); required so no worker writes clear text. */
  payloadCodec: PayloadCodec;
  /** Tests pass a prebuilt bundle (bundleAssistFlowWorkflows); processes bundle from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The sticky cache's size (WORKER_MAX_CACHED_WORKFLOWS); the SDK's default, which grows with the heap, when absent (tests). */
  maxCachedWorkflows?: number;
  /** Activity interceptors (src/temporal/worker-metrics.ts counts executions); none when absent. */
  interceptors?: Pick<NonNullable<WorkerOptions['interceptors']>, 'activity'>;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    // Refused payloads reach the workflow's interceptor as markers, not as errors that fail its tasks.
    dataConverter: assistFlowDataConverter(markRefusedPayloads(options.payloadCodec)),
    interceptors: {
      // A prebuilt bundle carries the workflow interceptors already (bundleAssistFlowWorkflows).
      ...(!options.workflowBundle && { workflowModules: workflowInterceptorModules }),
      activity: [
        // An activity's arguments are written by our workflows; one that arrives refused was not: it fails for good.
        () => ({
          inbound: {
            execute: (input, next) => {
              if (input.args.some(isRefusedPayload)) throw ApplicationFailure.create({ type: refusedPayloadType, nonRetryable: true, message: 'activity input refused: not encrypted with a key of PAYLOAD_KEYS' });
              return next(input);
            },
          },
        }),
        ...(options.interceptors?.activity ?? []),
      ],
    },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}
