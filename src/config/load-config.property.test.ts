import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fuzzParameters, readFuzzCorpus } from '../../test/helpers/fuzz-settings.ts';
import { loadConfigFile, parseConfigText, resolveConfigFile } from './load-config.ts';
import { readModelFactsFile } from './load-model-facts.ts';

// The loader's promise: any text gives either a configuration or problems with a path and a
// message, never an exception (a reload must not take the gateway down).

const directory = mkdtempSync(join(tmpdir(), 'signalbox-config-fuzz-'));
const environment = { OPENAI_API_KEY: 'sk-fuzz', ANTHROPIC_API_KEY: 'sk-ant-fuzz', EMPTY: '' };

/** Every snake_case setting name the schemas declare, so random documents reach deep validation. */
const schemaKeys = [
  ...new Set(
    readdirSync(new URL('.', import.meta.url))
      .filter((name) => name.endsWith('-schema.ts'))
      .flatMap((name) =>
        [
          ...readFileSync(new URL(name, import.meta.url), 'utf8').matchAll(
            /^\s+([a-z][a-z0-9_]*):/gm,
          ),
        ].map((match) => match[1] ?? ''),
      ),
  ),
];

const settingValues = [
  'mock',
  'openai',
  'anthropic',
  'openai-compatible',
  'bedrock',
  'azure-openai',
  'vertex-gemini',
  'm',
  'fast',
  'gpt-4o',
  '*',
  'openai/*',
  '${env:OPENAI_API_KEY}',
  '${env:MISSING}',
  '${env:EMPTY}',
  '${credential:key}',
  '${file:./missing}',
  'http://127.0.0.1:8000/v1',
  'https://evil.example@x',
  'file:///etc/passwd',
  'sqlite',
  'postgres',
  'redis',
  'memory',
  'cheapest',
  'request.stream',
  'request.model == "x"',
  '1h',
  '30d',
  '',
  ' ',
  '..',
  '__proto__',
  'enforce',
  'warn',
];
const leaf = fc.oneof(
  fc.constantFrom(...settingValues),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -2, max: 100_000 }),
  fc.constantFrom(0, -1, 0.5, 65_536, 1e21, Number.MAX_SAFE_INTEGER, true, false, null),
);
const { value: configValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...schemaKeys), fc.string({ maxLength: 5 })),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
}));
const configDocument = fc.oneof(
  configValue,
  fc.dictionary(fc.constantFrom(...schemaKeys, 'providers', 'models', 'server'), configValue, {
    maxKeys: 6,
  }),
  // Mostly valid: a working provider and model, plus random settings beside them.
  fc.dictionary(fc.constantFrom(...schemaKeys), configValue, { maxKeys: 4 }).map((extra) => ({
    providers: [{ id: 'm', type: 'mock' }],
    models: [{ alias: 'fast', targets: [{ provider: 'm', model: 'x' }] }],
    ...extra,
  })),
);

function expectCleanProblems(problems: readonly { path: string; message: string }[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(typeof problem.path).toBe('string');
    expect(typeof problem.message).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

/** Parse and resolve without touching the disk (the file path is only a label). */
function loadText(text: string): void {
  const parsed = parseConfigText(text);
  if (!parsed.ok) {
    expectCleanProblems(parsed.problems);
    return;
  }
  const resolved = resolveConfigFile(parsed.file, {
    source: { kind: 'file', path: join(directory, 'signalbox.yaml') },
    baseDirectory: directory,
    environment,
    overrides: {},
    includeEnvironmentProviders: parsed.file.providers_from_environment === true,
  });
  if (!resolved.ok) expectCleanProblems(resolved.problems);
  expect(Object.keys(Object.prototype)).toEqual([]);
}

describe('configuration loading (properties)', () => {
  it('finds setting names in the schemas (so the generator is not blind)', () => {
    expect(schemaKeys).toEqual(
      expect.arrayContaining(['providers', 'models', 'base_url', 'targets']),
    );
  });

  it.each(readFuzzCorpus('config'))(
    'corpus $name: a configuration or problems, never a throw',
    ({ text }) => {
      const path = join(directory, 'signalbox.yaml');
      writeFileSync(path, text);
      const result = loadConfigFile(path, environment);
      if (!result.ok) expectCleanProblems(result.problems);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  // Found by this file: `document.toJS()` throws a ReferenceError on an alias bomb.
  it('reports an alias bomb as a problem instead of throwing', () => {
    const bomb = readFuzzCorpus('config').find((entry) => entry.name === 'yaml-alias-bomb.txt');
    const parsed = parseConfigText(bomb?.text ?? '');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problems).toHaveLength(1);
      expect(parsed.problems[0]?.path).toBe('(yaml)');
      expect(parsed.problems[0]?.message).toMatch(/alias/);
    }
    const path = join(directory, 'model-facts.yaml');
    writeFileSync(path, bomb?.text ?? '');
    expect(readModelFactsFile(path)).toEqual({
      ok: false,
      problems: [{ path: 'model_facts_file', message: `${path} expands too many YAML aliases` }],
    });
  });

  it('gives a configuration or problems for arbitrary documents, written as YAML or JSON', () => {
    fc.assert(
      fc.property(configDocument, fc.boolean(), (document, asJson) => {
        loadText(asJson ? JSON.stringify(document) : stringify(document));
      }),
      fuzzParameters(300),
    );
  });

  it('gives a configuration or problems for arbitrary text', () => {
    const yamlish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            ':',
            '- ',
            '\n',
            '  ',
            '&a ',
            '*a',
            '!!str ',
            '{',
            '}',
            '[',
            ']',
            '"',
            "'",
            '#',
            '|',
            '>',
            '---\n',
            'providers',
            'models',
          ),
          fc.string({ maxLength: 4 }),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 80 })), loadText),
      fuzzParameters(300),
    );
  });
});
