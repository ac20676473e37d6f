import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const schemaFile = path.join(root, 'web/src/api/schema.d.ts');
// openapi-typescript loads ES modules jest's CommonJS runtime cannot, so the generator runs as its own process.
const generator = (...args: string[]) =>
  spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/web-api-schema.ts', ...args], { cwd: root, encoding: 'utf8' });

// The web app's client is typed from this file: a route changed without regenerating it would leave the app
// compiling against the old contract.
test('the web app\'s committed API types match the current OpenAPI document (else run `npm run web:schema`)', () => {
  const result = generator('--check');
  expect(result.stdout + result.stderr).toContain('is up to date');
  expect(result.status).toBe(0);
  expect(fs.readFileSync(schemaFile, 'utf8')).toContain('"/api/monitoring-cases/{id}"');
});

test('the check fails on a stale file', () => {
  const stale = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'web-schema-')), 'schema.d.ts');
  fs.writeFileSync(stale, fs.readFileSync(schemaFile, 'utf8').replace('"/api/monitoring-cases/{id}"', '"/api/old-path/{id}"'));
  const result = generator('--check', stale);
  expect(result.stdout).toContain('is stale');
  expect(result.status).toBe(1);
  fs.rmSync(path.dirname(stale), { recursive: true });
});
