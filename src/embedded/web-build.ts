import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The web app's sources and its build (web/dist), which the API serves at `/`. */
export const webDir = path.resolve(__dirname, '../../web');
export const webDistDir = path.join(webDir, 'dist');

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** Missing, or older than a source file of the app (the ID-number rule it shares with the server included). */
export function webBuildIsStale(): boolean {
  const built = path.join(webDistDir, 'index.html');
  if (!fs.existsSync(built)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => path.join(webDir, p));
  sources.push(path.resolve(webDir, '../src/domain/id-number.ts'));
  return Math.max(...sources.map(newestMtime)) > fs.statSync(built).mtimeMs;
}

/** `vite build` of web/ into web/dist (15–60 s on a busy 2-core machine); throws with vite's output on failure. */
export function buildWebApp(): void {
  // vite's package exports no bin path: resolve its package.json and go from there.
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  // NODE_ENV=production whatever the caller's (jest sets `test`): otherwise Vite bundles React's development build,
  // a third larger and slower.
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync(process.execPath, [vite, 'build', webDir, '--logLevel', 'warn'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  if (result.status !== 0) throw new Error(`web app build failed:\n${result.stdout}${result.stderr}`);
}

/** Builds the app when it is missing or stale; returns whether it built. */
export function ensureWebApp(): boolean {
  if (!webBuildIsStale()) return false;
  buildWebApp();
  return true;
}
