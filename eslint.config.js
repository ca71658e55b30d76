// ESLint flat config: type-aware rules, import boundaries between layers, file-size limits and
// bans that push code through the sanctioned helpers. See ../shared/design/ARCHITECTURE.md.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
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
  routing: ['upstream', 'providers', 'canonical', 'config', 'errors', 'lib'],
  pipeline: ['canonical', 'storage', 'errors', 'lib'],
  storage: ['lib'],
  gateway: ['routing', 'pipeline', 'canonical', 'storage', 'errors', 'lib'],
  http: ['gateway', 'dialects', 'canonical', 'config', 'errors', 'observability', 'lib'],
  config: ['providers', 'lib'],
  errors: [],
  observability: ['canonical', 'lib'],
  lib: [],
  'mock-provider': ['lib'],
};
const allLayers = Object.keys(layers);
const boundaryZones = Object.entries(layers).map(([layer, allowed]) => ({
  target: `./src/${layer}`,
  from: allLayers
    .filter((other) => other !== layer && !allowed.includes(other))
    .map((other) => `./src/${other}`)
    .concat(['./src/app', './src/cli']),
  message: `src/${layer} may import only: ${allowed.join(', ') || 'nothing outside itself'}.`,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'coverage/**',
      'bench/results/**',
      '.signalbox/**',
      'ui/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      'import-x/no-cycle': 'off',
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
    // Source files: the size budget warns at 400 lines (ARCHITECTURE.md); only undici's home may import it.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.conformance.ts'],
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'undici', message: 'Only src/upstream/ talks to providers.' }] },
      ],
    },
  },
  { files: ['src/upstream/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
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
    // Tests, benchmarks and tooling may use what production code may not.
    files: [
      '**/*.test.ts',
      '**/*.conformance.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      '*.config.ts',
      'eslint.config.js',
      'bin/**/*.js',
    ],
    rules: {
      // A test may wire layers together the way the application does.
      'import-x/no-restricted-paths': 'off',
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
