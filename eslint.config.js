// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'test-output/', 'src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config, never process.env directly.',
        },
      ],
    },
  },
  {
    // The core knows chat rules only: no HTTP, no storage engine, no logging backend.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['express', 'express/*', 'better-sqlite3', 'ioredis', 'redis', '@redis/*', 'rate-limiter-flexible', 'pino', 'node:http', 'node:https'], message: 'src/core must not depend on transport or storage engines.' },
            { group: ['**/http/**', '**/store/sqlite/**', '**/store/memory/**', '**/store/redis/**', '**/limits/**', '**/config/**'], message: 'src/core must not import outer layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/http/**', 'express', '**/config/**'], message: 'Stores get narrow dependencies, never HTTP or config.' }] }],
    },
  },
  {
    files: ['src/cli.ts', 'src/parley.ts', 'src/admin-cli.ts', 'src/config/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'clients/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Response bodies in tests are checked against openapi.yaml at run time (test/support/api.ts).
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The package's command, plain JavaScript run by Node.
    files: ['bin/**/*.js'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['clients/web/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', EventSource: 'readonly', fetch: 'readonly', console: 'readonly', localStorage: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', Intl: 'readonly', Date: 'readonly', CSS: 'readonly', SharedWorker: 'readonly', BroadcastChannel: 'readonly', navigator: 'readonly', crypto: 'readonly', self: 'readonly' } },
  },
);
