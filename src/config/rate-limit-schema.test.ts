import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './load-config.ts';

function load(text: string, environment: Record<string, string> = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-limits-'));
  const path = join(directory, 'signalbox.yaml');
  writeFileSync(path, `providers: [{ id: mock, type: mock }]\n${text}`);
  return loadConfigFile(path, environment);
}

function problemsOf(text: string): string[] {
  const result = load(text);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('limits', () => {
  it('resolves limits and the Redis storage settings', () => {
    const result = load(
      `
storage: { redis_url: "\${env:REDIS_URL}", replicas: 3 }
limits:
  - { scope: key, rpm: 60, tpm: 100000 }
  - { scope: model, match: chat, rpm: 10, burst: 2 }
`,
      { REDIS_URL: 'redis://cache:6379' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.limits).toEqual([
      { scope: 'key', rpm: 60, tpm: 100000, burst: undefined, match: undefined },
      { scope: 'model', rpm: 10, tpm: undefined, burst: 2, match: 'chat' },
    ]);
    expect(result.config.rateLimitStorage.redisUrl?.reveal()).toBe('redis://cache:6379');
    expect(result.config.rateLimitStorage.replicas).toBe(3);
    expect(result.config.storage).toEqual({ backend: 'sqlite' });
  });

  it('defaults to no limits, kept in the process', () => {
    const result = load('');
    expect(result.ok && result.config.limits).toEqual([]);
    expect(result.ok && result.config.rateLimitStorage.redisUrl).toBeUndefined();
    expect(result.ok && result.config.rateLimitStorage.replicas).toBe(1);
  });

  it.each([
    ['limits: [{ scope: key }]', 'limits[0].rpm'],
    ['limits: [{ scope: key, rpm: 0 }]', 'limits[0].rpm'],
    ['limits: [{ scope: key, rpm: 1.5 }]', 'limits[0].rpm'],
    ['limits: [{ scope: key, tpm: 10, burst: 5 }]', 'limits[0].burst'],
    ['limits: [{ scope: user, rpm: 1 }]', 'limits[0].scope'],
    ['limits: [{ scope: key, rpm: 1 }, { scope: key, tpm: 5 }]', 'limits[1].match'],
    ['storage: { redis_url: "redis://plain" }', 'storage.redis_url'],
    ['storage: { replicas: 0 }', 'storage.replicas'],
  ])('refuses %s', (text, path) => {
    expect(problemsOf(text).join('\n')).toContain(path);
  });
});
