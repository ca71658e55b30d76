import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadDefaultConfig, parseConfigText } from './load-config.ts';

function writeConfig(text: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-config-'));
  const path = join(directory, 'signalbox.yaml');
  writeFileSync(path, text);
  return path;
}

function problemsOf(text: string, environment: Record<string, string> = {}): string[] {
  const result = loadConfigFile(writeConfig(text), environment);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const valid = `
providers:
  - id: openai
    type: openai
    api_key: \${env:OPENAI_API_KEY}
  - id: local
    type: openai-compatible
    base_url: http://127.0.0.1:8000/v1
models:
  - alias: fast
    targets:
      - { provider: openai, model: gpt-4o-mini }
      - { provider: local, model: llama-3.1-8b }
`;

describe('loadConfigFile', () => {
  it('loads the documented example with defaults applied and the key resolved', () => {
    const result = loadConfigFile(writeConfig(valid), { OPENAI_API_KEY: 'sk-test-123' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [openai, local] = result.config.providers;
    expect(openai?.credentials.apiKey?.reveal()).toBe('sk-test-123');
    expect(String(openai?.credentials.apiKey)).toBe('[secret]');
    expect(JSON.stringify(result.config)).not.toContain('sk-test-123');
    expect(openai?.baseUrl).toBe('https://api.openai.com/v1');
    expect(local?.baseUrl).toBe('http://127.0.0.1:8000/v1');
    expect(result.config.models[0]?.targets).toMatchObject([
      { kind: 'deployment', id: 'openai/gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' },
      { kind: 'deployment', id: 'local/llama-3.1-8b', provider: 'local', model: 'llama-3.1-8b' },
    ]);
    expect(result.config.models[0]?.strategy).toBe('priority');
    expect(result.config.server).toMatchObject({ host: '127.0.0.1', port: 7878 });
  });

  it('names the path of a target that refers to an unknown provider', () => {
    const text = valid.replace(
      '{ provider: local, model: llama-3.1-8b }',
      '{ provider: locl, model: llama-3.1-8b }',
    );
    expect(problemsOf(text, { OPENAI_API_KEY: 'k' })).toEqual([
      'models.fast.targets[1].provider: refers to provider "locl", which is not configured (configured: openai, local)',
    ]);
  });

  it('names an unknown key', () => {
    const text = valid.replace('model: gpt-4o-mini }', 'model: gpt-4o-mini, wieght: 2 }');
    expect(problemsOf(text, { OPENAI_API_KEY: 'k' })).toEqual([
      'models.fast.targets[0].wieght: is not a known setting',
    ]);
  });

  it('refuses a secret written into the file', () => {
    const text = valid.replace('${env:OPENAI_API_KEY}', 'sk-live-abcdef');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^providers\.openai\.api_key: must be a secret reference/);
    expect(problems.join()).not.toContain('sk-live-abcdef');
  });

  it('reports a missing environment variable by name', () => {
    expect(problemsOf(valid)).toEqual([
      'providers.openai.api_key: environment variable OPENAI_API_KEY is not set',
    ]);
  });

  it('reads a secret from a file relative to the configuration', () => {
    const path = writeConfig(valid.replace('${env:OPENAI_API_KEY}', '${file:openai.key}'));
    writeFileSync(join(path, '..', 'openai.key'), 'sk-from-file\n');
    const result = loadConfigFile(path, {});
    expect(result.ok && result.config.providers[0]?.credentials.apiKey?.reveal()).toBe(
      'sk-from-file',
    );
  });

  it.each([
    ['type: nonsense', 'providers.openai.type: Invalid option'],
    ['base_url: ftp://example.com', 'providers.openai.base_url: must use http or https'],
    [
      'base_url: https://user:pass@example.com/v1',
      'providers.openai.base_url: must not contain credentials',
    ],
    [
      'base_url: https://example.com/v1?x=1',
      'providers.openai.base_url: must not contain a query string',
    ],
  ])('refuses %s', (line, expected) => {
    const text = valid
      .replace('    type: openai\n', `    type: openai\n    ${line}\n`)
      .replace('type: openai\n    type: nonsense', 'type: nonsense');
    expect(problemsOf(text, { OPENAI_API_KEY: 'k' }).join('\n')).toContain(expected);
  });

  it('requires base_url for openai-compatible providers and api_key for hosted ones', () => {
    const text = 'providers:\n  - { id: a, type: openai-compatible }\n  - { id: b, type: groq }\n';
    expect(problemsOf(text)).toEqual([
      'providers.a.base_url: is required for providers of type "openai-compatible"',
      'providers.b.api_key: is required for this provider type',
    ]);
  });

  it('refuses duplicate ids and aliases, and credential headers written in clear', () => {
    const text = `providers:
  - { id: a, type: ollama, headers: { Authorization: Bearer x } }
  - { id: a, type: ollama }
models:
  - { alias: m, targets: [{ provider: a, model: x }] }
  - { alias: m, targets: [{ provider: a, model: y }] }
`;
    expect(problemsOf(text)).toEqual([
      'providers.a.headers.Authorization: carries a credential, so its value must be a secret reference such as ${env:NAME}',
      'providers.a.id: "a" is used by more than one provider',
      'models.m.alias: "m" is defined more than once',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('providers:\n  - id: a\n   type: x\n');
    expect(problems[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('lets command-line settings win over the environment and the file', () => {
    const path = writeConfig('server: { port: 9000, host: 0.0.0.0 }\n');
    const fromEnvironment = loadConfigFile(path, { SIGNALBOX_PORT: '9100' });
    expect(fromEnvironment.ok && fromEnvironment.config.server.port).toBe(9100);
    const fromFlag = loadConfigFile(
      path,
      { SIGNALBOX_PORT: '9100' },
      { port: 9200, host: '127.0.0.1' },
    );
    expect(fromFlag.ok && fromFlag.config.server).toMatchObject({ port: 9200, host: '127.0.0.1' });
    const badPort = loadConfigFile(path, { SIGNALBOX_PORT: 'eighty' });
    expect(badPort.ok ? [] : badPort.problems).toEqual([
      { path: 'SIGNALBOX_PORT', message: '"eighty" is not a port number (0-65535)' },
    ]);
  });

  it('bounds the spend ledger backlog: 10 000 rows by default, 10 to 1 000 000 when set', () => {
    const byDefault = loadConfigFile(writeConfig(valid), { OPENAI_API_KEY: 'k' });
    expect(byDefault.ok && byDefault.config.server.ledgerBacklog).toBe(10_000);
    const set = loadConfigFile(writeConfig('server: { ledger_backlog: 10 }\n'), {});
    expect(set.ok && set.config.server.ledgerBacklog).toBe(10);
    expect(problemsOf('server: { ledger_backlog: 9 }\n')).toEqual([
      expect.stringMatching(/^server\.ledger_backlog: /),
    ]);
    expect(problemsOf('server: { ledger_backlog: 1000001 }\n')).toHaveLength(1);
    expect(problemsOf('server: { ledger_backlog: 12.5 }\n')).toHaveLength(1);
  });
});

describe('loadDefaultConfig', () => {
  it('serves the mock and every provider whose key is in the environment', () => {
    const result = loadDefaultConfig({
      GROQ_API_KEY: 'gsk-1',
      OPENAI_API_KEY: 'sk-2',
      ANTHROPIC_API_KEY: '',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.providers.map((provider) => provider.id)).toEqual([
      'mock',
      'openai',
      'groq',
    ]);
    expect(result.config.source).toEqual({
      kind: 'default',
      environmentVariables: ['OPENAI_API_KEY', 'GROQ_API_KEY'],
    });
    expect(result.config.providers[2]?.models).toContain('llama-3.3-70b-versatile');
  });
});

describe('parseConfigText', () => {
  it('accepts an empty file', () => {
    expect(parseConfigText('').ok).toBe(true);
  });
});

describe('storage', () => {
  const environment = { OPENAI_API_KEY: 'k', DATABASE_URL: 'postgres://u:pw-secret@db:5432/app' };

  it('defaults to SQLite in the state directory', () => {
    const result = loadConfigFile(writeConfig(valid), environment);
    expect(result.ok && result.config.storage).toEqual({ backend: 'sqlite' });
  });

  it('resolves a PostgreSQL URL from a secret reference and keeps it out of printed config', () => {
    const text = `${valid}storage: { backend: postgres, postgres_url: "\${env:DATABASE_URL}", postgres_schema: signalbox }\n`;
    const result = loadConfigFile(writeConfig(text), environment);
    expect(result.ok).toBe(true);
    if (!result.ok || result.config.storage.backend !== 'postgres') return;
    expect(result.config.storage.url.reveal()).toBe(environment.DATABASE_URL);
    expect(result.config.storage.schema).toBe('signalbox');
    expect(JSON.stringify(result.config)).not.toContain('pw-secret');
  });

  it.each([
    ['storage: { backend: postgres }', 'storage.postgres_url: is required with backend: postgres'],
    [
      'storage: { postgres_url: "${env:DATABASE_URL}" }',
      'storage.backend: must be postgres when postgres_url is set',
    ],
    [
      'storage: { backend: postgres, postgres_url: "postgres://u:pw@db/app" }',
      'storage.postgres_url: must be a secret reference such as ${env:OPENAI_API_KEY} or ${file:/run/secrets/openai}; secrets are never written into the file',
    ],
    [
      'storage: { backend: postgres, postgres_url: "${env:DATABASE_URL}", postgres_schema: "x; drop" }',
      'storage.postgres_schema: must be a lowercase schema name',
    ],
  ])('refuses %s', (storage, problem) => {
    expect(problemsOf(`${valid}${storage}\n`, environment)).toEqual([problem]);
  });
});
