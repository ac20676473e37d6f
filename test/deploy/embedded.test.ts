import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { freePort } from '../../src/embedded/net';
import { temporalCliPath } from '../../src/embedded/paths';
import { startEmbeddedPostgres } from '../../src/embedded/postgres';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/embedded/smtp-catcher';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal-dev-server';
import { searchAttributeDefinitions } from '../../src/temporal/search-attributes';

const run = promisify(execFile);
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'assistflow-embedded-'));

describe('Temporal dev server', () => {
  let server: TemporalDevServer;
  const dataDir = tmpDir();
  const start = async () =>
    startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: path.join(dataDir, 'temporal.db'), namespace: 'assistflow' });

  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const listSearchAttributes = async (namespace: string) => {
    const { stdout } = await run(temporalCliPath(), [
      'operator', 'search-attribute', 'list', '--address', server.address, '--namespace', namespace, '--output', 'json',
    ]);
    return JSON.parse(stdout).customAttributes as Record<string, string>;
  };
  // INDEXED_VALUE_TYPE_KEYWORD_LIST -> KeywordList, as searchAttributeDefinitions spells types.
  const typeName = (indexed: string) =>
    indexed.replace('INDEXED_VALUE_TYPE_', '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

  it('registers every search attribute in the app namespace', async () => {
    const custom = await listSearchAttributes('assistflow');
    for (const { name, type } of searchAttributeDefinitions) expect([name, typeName(custom[name] ?? 'missing')]).toEqual([name, type]);
  });

  it('serves the Web UI', async () => {
    const response = await fetch(server.uiUrl);
    expect(response.status).toBe(200);
  });

  it('the external-Temporal helper adds what a namespace lacks and is idempotent', async () => {
    await run(temporalCliPath(), ['operator', 'namespace', 'create', '--address', server.address, '--namespace', 'fresh']);
    expect(await ensureSearchAttributes({ address: server.address, namespace: 'fresh' })).toEqual(
      searchAttributeDefinitions.map((d) => d.name),
    );
    expect(Object.keys(await listSearchAttributes('fresh')).sort()).toEqual(searchAttributeDefinitions.map((d) => d.name).sort());
    expect(await ensureSearchAttributes({ address: server.address, namespace: 'fresh' })).toEqual([]);
  });

  it('restarts on the same db file and keeps what it stored', async () => {
    await server.stop();
    server = await start();
    expect(Object.keys(await listSearchAttributes('fresh')).sort()).toEqual(searchAttributeDefinitions.map((d) => d.name).sort());
  });
});

describe('embedded PostgreSQL', () => {
  const dataDir = tmpDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Paths under dir (itself included) that anyone but the owner may read, write or enter, with their modes. */
  const openToOthers = (dir: string): string[] => {
    const found: string[] = [];
    const visit = (at: string) => {
      const stat = fs.statSync(at);
      if (stat.mode & 0o077) found.push(`${path.relative(dir, at) || '.'} ${(stat.mode & 0o777).toString(8)}`);
      if (stat.isDirectory()) for (const name of fs.readdirSync(at)) visit(path.join(at, name));
    };
    visit(dir);
    return found;
  };

  it('keeps its data files for the owner only (0700 directories, 0600 files), while running and after', async () => {
    const own = path.join(tmpDir(), 'postgres');
    const db = await startEmbeddedPostgres({ dataDir: own, port: await freePort() });
    try {
      expect(fs.readdirSync(own).length).toBeGreaterThan(0);
      expect(openToOthers(own)).toEqual([]);
    } finally {
      await db.stop();
    }
    expect(openToOthers(own)).toEqual([]);
    fs.rmSync(path.dirname(own), { recursive: true, force: true });
  });

  it('serves SQL over the wire protocol, one connection at a time, and keeps data across restarts', async () => {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port });
    expect(first.url).toBe(`postgresql://postgres@127.0.0.1:${port}/postgres`);
    const client = new Client(first.url);
    await client.connect();
    await client.query('CREATE TABLE visit (id int PRIMARY KEY, town text)');
    await client.query('INSERT INTO visit VALUES ($1, $2)', [1, '汉丰街道']);

    // PGlite is a single session: a second concurrent connection is refused, hence DATABASE_POOL_SIZE=1.
    const second = new Client({ connectionString: first.url, connectionTimeoutMillis: 5000 });
    second.on('error', () => {});
    await expect(second.connect()).rejects.toThrow();

    await client.end();
    await first.stop();

    const again = await startEmbeddedPostgres({ dataDir, port });
    const reader = new Client(again.url);
    await reader.connect();
    try {
      const { rows } = await reader.query('SELECT id, town FROM visit');
      expect(rows).toEqual([{ id: 1, town: '汉丰街道' }]);
    } finally {
      await reader.end();
      await again.stop();
    }
  });
});

describe('SMTP catcher', () => {
  let catcher: SmtpCatcher;
  beforeAll(async () => {
    catcher = await startSmtpCatcher({ smtpPort: 0, httpPort: 0 });
  });
  afterAll(() => catcher?.stop());

  const subject = '开州区帮扶回访提醒：请于本周完成走访';

  it('binds port 0 to real ports', () => {
    expect(catcher.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(catcher.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('catches a Chinese-subject mail sent with nodemailer and shows it everywhere', async () => {
    const transport = nodemailer.createTransport(catcher.smtpUrl);
    await transport.sendMail({
      from: 'AssistFlow <noreply@assistflow.local>',
      to: 'cadre@example.cn',
      bcc: 'audit@example.cn',
      subject,
      text: '您好，请登录系统查看待办。',
      html: '<p>您好，请登录系统查看待办。</p>',
    });
    transport.close();

    const caught = await catcher.waitFor((m) => m.subject === subject, 5000);
    expect(caught).toMatchObject({
      from: 'noreply@assistflow.local',
      to: ['cadre@example.cn', 'audit@example.cn'],
      text: expect.stringContaining('请登录系统'),
      html: expect.stringContaining('<p>'),
    });
    expect(caught.messageId).toMatch(/@/);
    expect(catcher.messages()).toHaveLength(1);

    const json = await fetch(`${catcher.uiUrl}/messages`).then((r) => r.json());
    expect(json).toEqual([expect.objectContaining({ id: caught.id, subject })]);

    const html = await fetch(`${catcher.uiUrl}/`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain(subject);
  });

  it('waitFor times out with the subjects it did see, and clear() empties the store', async () => {
    await expect(catcher.waitFor((m) => m.subject === 'never', 200)).rejects.toThrow(/received subjects: .*帮扶/);
    catcher.clear();
    expect(catcher.messages()).toEqual([]);
  });
});
