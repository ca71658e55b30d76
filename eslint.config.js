// ESLint flat config: type-aware rules, import boundaries between layers, file-size limits and
// bans that push code through the sanctioned helpers. See ../shared/design/ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which layer may import which (ARCHITECTURE.md, "Layers and who may import whom"), with the
 * additions recorded in docs/decisions/0002-layer-boundaries.md.
 */
const layers = {
  canonical: ['lib'],
  dialects: ['canonical', 'errors', 'lib'],
  providers: ['dialects', 'canonical', 'auth', 'lib'],
  auth: ['lib'],
  upstream: ['providers', 'dialects', 'auth', 'canonical', 'config', 'errors', 'lib'],
  routing: ['upstream', 'providers', 'canonical', 'config', 'auth', 'errors', 'lib'],
  pipeline: ['canonical', 'storage', 'errors', 'lib'],
  storage: ['lib'],
  gateway: ['routing', 'pipeline', 'canonical', 'storage', 'errors', 'lib'],
  http: ['gateway', 'dialects', 'canonical', 'config', 'errors', 'observability', 'lib'],
  config: ['providers', 'auth', 'routing', 'lib'],
  errors: [],
  observability: ['canonical', 'routing', 'lib'],
  lib: [],
  'mock-provider': ['lib'],
  migration: ['config', 'providers', 'routing', 'lib'],
};
const allLayers = Object.keys(layers);

/**
 * One config block per layer: its files may not import the layers it is not allowed to (matched
 * on the import path, `../upstream/…` or `../../upstream/…`), and only src/upstream/ may import
 * undici. Uses ESLint's own rule, which needs no module resolver.
 */
const boundaryBlocks = [...allLayers, 'app', 'cli'].map((layer) => {
  const allowed = layers[layer] ?? allLayers;
  const forbidden = allLayers
    .filter((other) => other !== layer && !allowed.includes(other))
    .concat(layer === 'app' || layer === 'cli' ? [] : ['app', 'cli']);
  const patterns = forbidden.map((other) => ({
    regex: `(^|/)${other}/`,
    message: `src/${layer} may import only: ${(layers[layer] ?? ['any layer']).join(', ') || 'nothing outside itself'}.`,
  }));
  const paths =
    layer === 'upstream'
      ? []
      : [{ name: 'undici', message: 'Only src/upstream/ talks to providers.' }];
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['src/**/*.test.ts', 'src/**/*.conformance.ts', 'src/**/*.fixture.ts'],
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  };
});

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'bench/results/**', '.signalbox/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'max-lines': ['error', { max: 800, skipBlankLines: true, skipComments: true }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'JSON', property: 'parse', message: 'Use safeParseJson from src/lib/json.ts.' },
        { object: 'Math', property: 'random', message: 'Take a Random (src/lib/random.ts).' },
        { object: 'Date', property: 'now', message: 'Take a Clock (src/lib/clock.ts).' },
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in src/config/.',
        },
        {
          object: 'crypto',
          property: 'randomUUID',
          message: 'Use createTimeOrderedId (src/lib/ids.ts).',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Take a Clock (src/lib/clock.ts) instead of reading the time.',
        },
        {
          selector:
            "ImportDeclaration[source.value='vm'], ImportDeclaration[source.value='node:vm']",
          message: 'No evaluation of code.',
        },
        {
          selector: "ImportDeclaration[source.value='node:child_process']",
          message: 'The gateway spawns no processes from request or config data.',
        },
      ],
    },
  },
  {
    // Source files: the size budget warns at 400 lines (ARCHITECTURE.md).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.conformance.ts', 'src/**/*.fixture.ts'],
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  ...boundaryBlocks,
  {
    files: ['src/lib/json.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/lib/clock.ts', 'src/lib/random.ts', 'src/config/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The console runs in a browser, type-checked with ui/tsconfig.json (DOM libraries): the
    // server's injected clock and environment rules do not apply there.
    files: ['ui/**/*.ts', 'ui/**/*.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'The console needs no randomness.' },
      ],
      'no-restricted-syntax': 'off',
    },
  },
  {
    // Tests, benchmarks and tooling may use what production code may not.
    files: [
      '**/*.test.ts',
      '**/*.conformance.ts',
      '**/*.fixture.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      '*.config.ts',
      'eslint.config.js',
      'bin/**/*.js',
    ],
    rules: {
      // A test may wire layers together the way the application does.
      'no-restricted-properties': 'off',
      'no-restricted-syntax': 'off',
      'no-restricted-imports': 'off',
      'no-console': 'off',
      'max-lines': ['error', { max: 1500 }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['eslint.config.js', 'bin/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { URL: 'readonly', process: 'readonly' },
    },
  },
);
