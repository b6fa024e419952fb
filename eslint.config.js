// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which folder of src/ may import which: dependencies point in, towards the core. A folder imports its own files
 * and those listed; anything else fails the lint (`npm run check`). docs/architecture.md draws the same picture.
 */
const layers = {
  core: ['generated'],
  store: ['core'],
  limits: ['core'],
  log: [],
  config: [],
  http: ['core', 'generated', 'log'],
  metrics: ['core'],
  operator: ['core', 'config'],
  webhooks: ['core', 'log'],
  // Web Push reaches the network as webhooks do, through the same checks of where to.
  push: ['core', 'log', 'webhooks'],
  server: ['core', 'store', 'limits', 'http', 'metrics', 'operator', 'webhooks', 'push', 'config', 'log'],
  workers: ['server', 'metrics', 'config', 'log'],
  cli: ['server', 'workers', 'operator', 'store', 'config', 'log'],
};
const folders = [...Object.keys(layers), 'generated'];
/** Packages the core may not know: transport, storage engines, logging backends. */
const engines = [
  'express',
  'express/*',
  'better-sqlite3',
  'ioredis',
  'redis',
  '@redis/*',
  'rate-limiter-flexible',
  'pino',
  'prom-client',
  'node:http',
  'node:https',
  'node:net',
];
const layerRules = Object.entries(layers).map(([folder, allowed]) => {
  const forbidden = folders.filter((other) => other !== folder && !allowed.includes(other));
  const patterns = [
    {
      group: forbidden.map((other) => `**/${other}/**`),
      message: `src/${folder} may import only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'its own files'} (dependencies point in: see eslint.config.js).`,
    },
  ];
  if (folder === 'core')
    patterns.push({ group: engines, message: 'src/core must not depend on transport or storage engines.' });
  if (folder === 'store')
    patterns.push({ group: ['express', 'express/*'], message: 'Stores get narrow dependencies, never HTTP.' });
  return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'test-dist/', 'test-output/', 'src/generated/'] },
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
  ...layerRules,
  {
    files: [
      'src/cli/**/*.ts',
      'src/config/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'clients/**/*.ts',
    ],
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
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        EventSource: 'readonly',
        fetch: 'readonly',
        console: 'readonly',
        localStorage: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        Intl: 'readonly',
        Date: 'readonly',
        CSS: 'readonly',
        SharedWorker: 'readonly',
        BroadcastChannel: 'readonly',
        navigator: 'readonly',
        crypto: 'readonly',
        self: 'readonly',
      },
    },
  },
);
