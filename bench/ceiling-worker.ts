import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { CeilingActivities } from './ceiling-workflow';

/**
 * The ceiling's worker, a process of its own like the product's. Worker options as in src/worker-runtime.ts
 * (the SDK's defaults: nothing tuned); the workflow is bundled separately from the product's.
 */
async function main() {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.CEILING_TASK_QUEUE ?? 'bench-ceiling';
  if (!address) throw new Error('TEMPORAL_ADDRESS must be set');
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./ceiling-workflow'), logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const activities: CeilingActivities = { async noop() {} };
  const worker = await Worker.create({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', taskQueue, activities, workflowBundle });
  const running = worker.run();
  process.once('SIGTERM', () => worker.shutdown());
  process.stdout.write(JSON.stringify({ message: 'ceiling worker running', taskQueue }) + '\n');
  await running;
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`ceiling worker failed: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
