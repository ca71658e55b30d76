import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../observability/request-record.ts';
import { requestLogRowOfRecord } from './request-log-row-of-record.ts';

function recordOf(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'req_1',
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    keyId: 'key_1',
    org: 'acme',
    requestedModel: 'fast',
    provider: 'mock',
    upstreamModel: 'mock-1',
    deployment: 'mock/mock-1',
    routeReason: 'priority',
    decision: undefined,
    stream: false,
    outcome: 'completed',
    errorCode: undefined,
    attempts: [],
    usage: undefined,
    costUsd: 0.0000015,
    finishReasons: ['stop'],
    durationMs: 12,
    upstreamMs: 10,
    ...overrides,
  };
}

function detailOf(record: RequestRecord): Record<string, unknown> {
  return JSON.parse(requestLogRowOfRecord(record, 1_000).detail) as Record<string, unknown>;
}

describe('requestLogRowOfRecord', () => {
  it('fills the prompt columns and writes the provenance into the detail', () => {
    const record = recordOf({
      prompt: { id: 'support-answer', version: 4, label: 'production', sha256: 'ab'.repeat(32) },
      context: [
        {
          id: 'refund-policy',
          version: 2,
          sha256: 'cd'.repeat(32),
          status: 'expired',
          handling: 'caveated',
          attachment: 'ctxatt_1',
        },
      ],
    });
    const row = requestLogRowOfRecord(record, 1_000);
    expect(row.promptId).toBe('support-answer');
    expect(row.promptVersion).toBe(4);
    const detail = detailOf(record);
    expect(detail.prompt).toEqual({
      id: 'support-answer',
      version: 4,
      label: 'production',
      sha256: 'ab'.repeat(32),
    });
    expect(detail.context).toEqual([
      {
        id: 'refund-policy',
        version: 2,
        sha256: 'cd'.repeat(32),
        status: 'expired',
        handling: 'caveated',
        attachment: 'ctxatt_1',
      },
    ]);
  });

  it('writes a label the request did not name as null, so the shape stays the same', () => {
    const record = recordOf({
      prompt: { id: 'support-answer', version: 3, label: undefined, sha256: 'ef'.repeat(32) },
    });
    expect(detailOf(record).prompt).toEqual({
      id: 'support-answer',
      version: 3,
      label: null,
      sha256: 'ef'.repeat(32),
    });
  });

  it('leaves the prompt columns null and the detail without provenance when none took part', () => {
    for (const record of [recordOf(), recordOf({ context: [] })]) {
      const row = requestLogRowOfRecord(record, 1_000);
      expect(row.promptId).toBeNull();
      expect(row.promptVersion).toBeNull();
      const detail = detailOf(record);
      expect(Object.keys(detail)).not.toContain('prompt');
      expect(Object.keys(detail)).not.toContain('context');
    }
  });
});
