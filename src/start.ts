import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { installTemporalRuntime, openDatabase, runApi, runWorker, stopOnSignals, type Running } from './composition';
import { ConfigError, loadConfig } from './config';
import { applyMigrations } from './db/migrations';
import { demoPassword, demoUsers, seedDemoData } from './demo/seed';
import { startEmbeddedPostgres } from './embedded/postgres';
import { startSmtpCatcher } from './embedded/smtp-catcher';
import { startTemporalDevServer } from './embedded/temporal-dev-server';
import { ensureWebApp } from './embedded/web-build';
import { createLogger } from './logger';
import { parsePayloadKeys, type PayloadKey } from './temporal/payload-codec';

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
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  // The web app is built before anything starts, so a build error stops the start with vite's message.
  if (ensureWebApp()) logger.info('web app built', { dir: 'web/dist' });

  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalDevServer({
      port: config.EMBEDDED_TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.join(dataDir, 'temporal.db'),
      namespace: config.TEMPORAL_NAMESPACE,
      codecEndpoint: `${publicUrl}/api/temporal-codec`,
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
    payloadKeys: config.PAYLOAD_KEYS ?? demoPayloadKeys(dataDir),
    publicUrl,
  };
  // The embedded PostgreSQL is a single session: the worker and the API share one connection.
  const db = openDatabase(config, endpoints, config.DATABASE_URL ? config.DATABASE_POOL_SIZE : 1);
  parts.push(db);
  if (config.APP_MODE === 'demo') await seedDemoData(db);

  parts.push(await runWorker(config, endpoints, logger, db));
  const api = await runApi(config, endpoints, logger, db);
  parts.push(api);
  urls.unshift(['Web app', `${api.url}/`], ['API', `${api.url}/api`], ['Health', `${api.url}/api/health`]);

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

/** Without PAYLOAD_KEYS, one key kept under DATA_DIR: unlike the auth secret, it must outlive the process, or the workflows could not be read after a restart. */
function demoPayloadKeys(dataDir: string): PayloadKey[] {
  const file = path.join(dataDir, 'payload-key');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx' never overwrites: a key that exists has encrypted history already.
    fs.writeFileSync(file, `demo:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    return parsePayloadKeys(fs.readFileSync(file, 'utf8').trim());
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

main().catch(async (err) => {
  process.stderr.write((err instanceof ConfigError ? err.message : `AssistFlow failed to start: ${err instanceof Error ? err.message : err}`) + '\n');
  // Leave nothing running behind a failed start (the Temporal dev server is a child process).
  for (const part of parts.reverse()) await part.stop().catch(() => undefined);
  process.exit(1);
});
