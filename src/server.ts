import { externalEndpoints, openDatabase, runApi, stopOnSignals } from './composition';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

/** API process: Express on PORT, talking to Temporal and PostgreSQL. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  const endpoints = externalEndpoints(config);
  const db = openDatabase(config, endpoints);
  const api = await runApi(config, endpoints, logger, db);
  stopOnSignals(logger, () => [db, api]);
}

main().catch((err) => {
  process.stderr.write((err instanceof ConfigError ? err.message : `api failed to start: ${err instanceof Error ? err.message : err}`) + '\n');
  process.exit(1);
});
