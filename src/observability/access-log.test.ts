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
  deployment: 'openai/gpt-4o-mini',
  routeReason: 'priority',
  decision: {
    model: 'fast',
    reason: 'priority',
    planMicros: 12,
    estimatedInputTokens: 4,
    groups: [
      {
        alias: 'fast',
        strategy: 'priority',
        via: 'request',
        rules: [],
        variant: undefined,
        candidates: [
          { id: 'down/x', filteredBy: undefined, score: 0 },
          { id: 'openai/gpt-4o-mini', filteredBy: undefined, score: 0 },
        ],
        order: ['down/x', 'openai/gpt-4o-mini'],
      },
    ],
  },
  attempts: [
    {
      deployment: 'down/x',
      provider: 'down',
      model: 'x',
      retry: 0,
      outcome: 'failure',
      errorClass: 'connection',
      errorCode: 'SB_ERR_UPSTREAM_CONNECTION',
      status: undefined,
      durationMs: 1.5,
      delayMs: 0,
    },
    {
      deployment: 'openai/gpt-4o-mini',
      provider: 'openai',
      model: 'gpt-4o-mini',
      retry: 0,
      outcome: 'success',
      errorClass: undefined,
      errorCode: undefined,
      status: undefined,
      durationMs: 20,
      delayMs: 0,
    },
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
      deployment: 'openai/gpt-4o-mini',
      routeReason: 'priority',
      stream: true,
      outcome: 'completed',
      // JSON drops undefined members.
      attempts: JSON.parse(JSON.stringify(record.attempts)) as unknown,
      decision: JSON.parse(JSON.stringify(record.decision)) as unknown,
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

  it('carries the trace id after the request id when the request was traced', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const line = write({ ...record, traceId }, 0)[0] ?? '';
    expect(line).toContain(`"requestId":"${record.requestId}","traceId":"${traceId}"`);
    expect(write(record, 0)[0]).not.toContain('traceId');
  });

  it('leaves the decision out when one attempt served', () => {
    const line = write({ ...record, attempts: record.attempts.slice(1) }, 0)[0] ?? '';
    expect(line).not.toContain('"decision"');
    expect(line).toContain('"routeReason":"priority"');
  });

  it('skips successful health checks but keeps failing ones', () => {
    expect(write({ ...record, route: '/health/ready', status: 200 }, 0)).toEqual([]);
    expect(write({ ...record, route: '/health/ready', status: 503 }, 0)).toHaveLength(1);
  });
});
