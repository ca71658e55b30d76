import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../lib/json.ts';
import { createAccessLogWriter } from './access-log.ts';
import type { RequestRecord } from './request-record.ts';

const record: RequestRecord = {
  requestId: '01a2013e-b6a4-7000-82a3-11355a6dca44',
  method: 'POST',
  route: '/v1/chat/completions',
  status: 200,
  keyId: 'QmF7Y9LwSO0q',
  requestedModel: 'fast"\n{"injected":true}',
  provider: 'openai',
  upstreamModel: 'gpt-4o-mini',
  stream: true,
  outcome: 'completed',
  errorCode: undefined,
  attempts: [
    { provider: 'down', model: 'x', durationMs: 1.5, errorCode: 'SB_ERR_UPSTREAM_CONNECTION' },
    { provider: 'openai', model: 'gpt-4o-mini', durationMs: 20, errorCode: undefined },
  ],
  usage: { inputTokens: { total: 16, cacheRead: 0 }, outputTokens: { total: 300 } },
  costUsd: 0.000123,
  finishReasons: ['stop'],
  durationMs: 23.456,
  upstreamMs: 21.50000001,
};

function write(entry: RequestRecord, now: number): string[] {
  const lines: string[] = [];
  createAccessLogWriter(
    { write: (line: string) => void lines.push(line) },
    { now: () => now, monotonic: () => 0 },
  )(entry);
  return lines;
}

describe('access log', () => {
  it('writes one JSON line with every defined field, escaping client text', () => {
    const lines = write(record, Date.parse('2026-11-22T03:13:36.007Z'));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('}\n')).toBe(true);
    const parsed = safeParseJson(lines[0] ?? '');
    expect(parsed.ok && parsed.value).toEqual({
      level: 'info',
      time: '2026-11-22T03:13:36.007Z',
      service: 'signalbox',
      msg: 'request',
      requestId: record.requestId,
      method: 'POST',
      route: '/v1/chat/completions',
      status: 200,
      keyId: 'QmF7Y9LwSO0q',
      model: 'fast"\n{"injected":true}',
      provider: 'openai',
      upstreamModel: 'gpt-4o-mini',
      stream: true,
      outcome: 'completed',
      attempts: record.attempts.map(({ errorCode, ...rest }) =>
        errorCode === undefined ? rest : { ...rest, errorCode },
      ),
      inputTokens: 16,
      outputTokens: 300,
      cachedTokens: 0,
      finishReasons: ['stop'],
      durationMs: 23.456,
      costUsd: 0.000123,
      upstreamMs: 21.5,
    });
  });

  it('formats every millisecond of a second correctly', () => {
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    for (const offset of [0, 9, 10, 99, 100, 999, 1000, 1001]) {
      const line = write(record, base + offset)[0] ?? '';
      expect(line).toContain(`"time":"${new Date(base + offset).toISOString()}"`);
    }
  });

  it('skips successful health checks but keeps failing ones', () => {
    expect(write({ ...record, route: '/health/ready', status: 200 }, 0)).toEqual([]);
    expect(write({ ...record, route: '/health/ready', status: 503 }, 0)).toHaveLength(1);
  });
});
