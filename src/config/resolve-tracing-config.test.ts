import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './load-config.ts';

function load(tracing: string, environment: Record<string, string> = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-tracing-config-'));
  const path = join(directory, 'signalbox.yaml');
  writeFileSync(path, `tracing:\n${tracing}`);
  return loadConfigFile(path, environment);
}

function problemsOf(tracing: string, environment: Record<string, string> = {}): string[] {
  const result = load(tracing, environment);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('tracing configuration', () => {
  it('is off without the section', () => {
    const directory = mkdtempSync(join(tmpdir(), 'signalbox-tracing-config-'));
    const path = join(directory, 'signalbox.yaml');
    writeFileSync(path, 'log: { level: info }\n');
    const result = loadConfigFile(path, {});
    expect(result.ok && result.config.tracing).toBeUndefined();
  });

  it('applies defaults and resolves header secret references', () => {
    const result = load(
      `  otlp_endpoint: http://127.0.0.1:4318/v1/traces
  headers: { authorization: "\${env:OTEL_TOKEN}", x-scope-orgid: tenant-1 }
`,
      { OTEL_TOKEN: 'Bearer t0ken' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const tracing = result.config.tracing;
    expect(tracing).toMatchObject({
      otlpEndpoint: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'signalbox',
      sampleRatio: 1,
      timeoutMs: 10_000,
    });
    expect(tracing?.headers.get('authorization')?.reveal()).toBe('Bearer t0ken');
    expect(tracing?.headers.get('x-scope-orgid')?.reveal()).toBe('tenant-1');
    // Resolved secrets stay masked if the configuration is ever printed.
    expect(JSON.stringify([...(tracing?.headers.values() ?? [])])).not.toContain('t0ken');
  });

  it.each([
    ['  otlp_endpoint: not a url\n', 'tracing.otlp_endpoint: must be an absolute http(s) URL'],
    [
      '  otlp_endpoint: ftp://collector/v1/traces\n',
      'tracing.otlp_endpoint: must use http or https',
    ],
    [
      '  otlp_endpoint: http://user:pw@collector:4318/v1/traces\n',
      'tracing.otlp_endpoint: must not contain credentials; put them in headers as a secret reference',
    ],
    [
      '  otlp_endpoint: http://collector:4318/v1/traces\n  sample_ratio: 1.5\n',
      'tracing.sample_ratio',
    ],
    [
      '  otlp_endpoint: http://collector:4318/v1/traces\n  headers: { x-honeycomb-team: plain-key }\n',
      'tracing.headers.x-honeycomb-team: carries a credential',
    ],
    [
      '  otlp_endpoint: http://collector:4318/v1/traces\n  headers: { authorization: "${env:MISSING}" }\n',
      'tracing.headers.authorization: environment variable MISSING is not set',
    ],
    [
      '  otlp_endpoint: http://collector:4318/v1/traces\n  headers: { authorization: "${credential:otel}" }\n',
      'tracing.headers.authorization: stored credential "otel" cannot be used here',
    ],
    ['  sample_ratio: 0.5\n', 'tracing.otlp_endpoint'],
  ])('refuses %j', (tracing, expected) => {
    const problems = problemsOf(tracing);
    expect(problems.some((problem) => problem.startsWith(expected))).toBe(true);
  });
});
