import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { installTemporalRuntime, openDatabase, runApi, runWorker, stopOnSignals, type Running } from './composition';
import { ConfigError, loadConfig } from './config';
import { applyMigrations } from './db/migrations';
import { demoPassword, demoUsers, seedDemoData } from './demo/seed';
import { startEmbeddedPostgres } from './embedded/postgres';
import { startSmtpCatcher } from './embedded/smtp-catcher';
import { startTemporalDevServer } from './embedded/temporal-dev-server';
import { createLogger } from './logger';

/**
 * The all-in-one start: everything on one machine with no configuration. Each of TEMPORAL_ADDRESS,
 * DATABASE_URL and SMTP_URL, when set, replaces its embedded server.
 */
const parts: Running[] = [];

async function main() {
  const config = loadConfig(process.env, { APP_MODE: process.env.APP_MODE || 'demo' });
  const logger = createLogger(config.LOG_LEVEL, 'start');
  installTemporalRuntime(config);
  stopOnSignals(logger, () => parts);
  const dataDir = path.resolve(config.DATA_DIR);
  const urls: [string, string][] = [];

  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalDevServer({
      port: config.EMBEDDED_TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.join(dataDir, 'temporal.db'),
      namespace: config.TEMPORAL_NAMESPACE,
    });
    parts.push(server);
    temporalAddress = server.address;
    urls.push(['Temporal UI', server.uiUrl]);
  }
  urls.push(['Temporal', temporalAddress]);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: config.EMBEDDED_POSTGRES_PORT });
    parts.push(postgres);
    databaseUrl = postgres.url;
  }
  urls.push(['PostgreSQL', databaseUrl.replace(/\/\/[^@/]*@/, '//***@')]);

  let smtpUrl = config.SMTP_URL;
  if (!smtpUrl) {
    const catcher = await startSmtpCatcher({ smtpPort: config.EMBEDDED_SMTP_PORT, httpPort: config.EMBEDDED_MAIL_UI_PORT });
    parts.push(catcher);
    smtpUrl = catcher.smtpUrl;
    if (catcher.uiUrl) urls.push(['Caught mail', catcher.uiUrl]);
  }

  const { applied } = await applyMigrations(databaseUrl);
  if (applied.length) logger.info('migrations applied', { applied });
  const endpoints = {
    databaseUrl,
    temporalAddress,
    smtpUrl,
    // A demo secret lives as long as the process: restarting signs everyone out, which a demo can afford.
    authSecret: config.AUTH_SECRET ?? randomBytes(32).toString('hex'),
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
  };
  // The embedded PostgreSQL is a single session: the worker and the API share one connection.
  const db = openDatabase(config, endpoints, config.DATABASE_URL ? config.DATABASE_POOL_SIZE : 1);
  parts.push(db);
  if (config.APP_MODE === 'demo') await seedDemoData(db);

  parts.push(await runWorker(config, endpoints, logger, db));
  const api = await runApi(config, endpoints, logger, db);
  parts.push(api);
  urls.unshift(['API', `${api.url}/api`], ['Health', `${api.url}/api/health`]);

  const width = Math.max(...urls.map(([name]) => name.length));
  const lines = [
    '',
    `AssistFlow is running (${config.APP_MODE} mode). Ctrl-C stops everything.`,
    ...urls.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`),
    ...(config.APP_MODE === 'demo'
      ? [`  Demo users (password "${demoPassword}"): ${demoUsers.map((u) => u.username).join(', ')}`]
      : []),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(async (err) => {
  process.stderr.write((err instanceof ConfigError ? err.message : `AssistFlow failed to start: ${err instanceof Error ? err.message : err}`) + '\n');
  // Leave nothing running behind a failed start (the Temporal dev server is a child process).
  for (const part of parts.reverse()) await part.stop().catch(() => undefined);
  process.exit(1);
});
