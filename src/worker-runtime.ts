import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import type { ActivityDeps } from './activities/deps';

/** The one way a worker is built, by the worker process, the all-in-one start and the tests. */
export async function createAssistFlowWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Encrypts what the worker writes to history (src/temporal/payload-codec.ts); required so no worker writes clear text. */
  payloadCodec: PayloadCodec;
  /** Tests pass a prebuilt bundle; processes bundle from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    dataConverter: { payloadCodecs: [options.payloadCodec] },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
  });
}
