import { externalEndpoints, installTemporalRuntime, openDatabase, runWorker, stopOnSignals } from './composition';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

/** Worker process: registers every workflow and activity on the task queue. Scale out by running more. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  installTemporalRuntime(config);
  const endpoints = externalEndpoints(config);
  const db = openDatabase(config, endpoints);
  const worker = await runWorker(config, endpoints, logger, db);
  stopOnSignals(logger, () => [db, worker]);
}

main().catch((err) => {
  process.stderr.write((err instanceof ConfigError ? err.message : `worker failed to start: ${err instanceof Error ? err.message : err}`) + '\n');
  process.exit(1);
});
