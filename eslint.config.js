// Lint guards the architecture: promises are awaited, workflows stay deterministic, the domain stays free of I/O.
const tseslint = require('typescript-eslint');

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'timers'];

module.exports = tseslint.config(
  { ignores: ['src/generated/**', 'node_modules/**', 'dist/**', 'web/dist/**', 'data/**', '.tools/**', 'bench/results/**', 'test-results/**', '**/*.cjs', '**/*.js', '**/*.d.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflows are deterministic: no Node built-ins.' },
            { group: ['**/activities', '**/activities/**', '**/api/**', '**/db/**', '**/generated/**'], allowTypeImports: true, message: 'Workflows import activities as types only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...nodeBuiltins, '@temporalio/*', 'express', 'pg', '@prisma/*', 'nodemailer'], allowTypeImports: true, message: 'The domain is pure: no I/O, no Temporal (types only).' },
            { group: ['**/activities', '**/activities/**', '**/api/**', '**/workflows', '**/workflows/**', '**/db/**', '**/generated/**'], message: 'The domain depends on nothing else in src.' },
          ],
        },
      ],
    },
  },
  {
    // The task kit serves every process and knows none: a process registers itself (src/processes.ts), the kit is handed the registry.
    files: ['src/domain/tasks/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/monitoring', '**/monitoring/**', '**/relocation', '**/relocation/**', '**/cooperation', '**/cooperation/**', '**/processes'], message: 'The task kit imports no process: take what you need from the ProcessRegistry or the task itself.' },
            { group: [...nodeBuiltins, '@temporalio/*', 'express', 'pg', '@prisma/*', 'nodemailer', '**/activities', '**/activities/**', '**/api/**', '**/workflows', '**/workflows/**', '**/db/**', '**/generated/**'], allowTypeImports: true, message: 'The domain is pure: no I/O, no Temporal (types only).' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workflows/tasks/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/monitoring', '**/monitoring/**', '**/relocation', '**/relocation/**', '**/cooperation', '**/cooperation/**', '**/processes'], message: 'The task kit imports no process.' },
            { group: nodeBuiltins, message: 'Workflows are deterministic: no Node built-ins.' },
            { group: ['**/activities', '**/activities/**', '**/api/**', '**/db/**', '**/generated/**'], allowTypeImports: true, message: 'Workflows import activities as types only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/activities/tasks/**/*.ts', 'src/api/tasks/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/monitoring', '**/monitoring/**', '**/relocation', '**/relocation/**', '**/cooperation', '**/cooperation/**', '**/processes', '**/workflows', '**/workflows/**'], message: 'The task kit imports no process (and the API and activities no workflow file).' }] },
      ],
    },
  },
  {
    // The web app runs in the browser: from the server's code it may import only the pure domain (labels, the ID check).
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The web app runs in the browser: no Node built-ins.' },
            { group: ['**/src/activities/**', '**/src/api/**', '**/src/workflows/**', '**/src/db/**', '**/src/generated/**', '**/src/embedded/**', '**/src/demo/**', '**/src/temporal/**'], message: 'The web app shares only src/domain with the server; it talks to the rest through /api.' },
          ],
        },
      ],
    },
  },
);
