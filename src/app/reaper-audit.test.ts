import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../pipeline/audit/canonical-json.ts';
import type { RequestRecord } from '../observability/request-record.ts';
import { auditEventOfRequest } from './audit-events-of-requests.ts';
import { auditedRequestOfPayload, reapedAuditEvent } from './reaper-audit.ts';

describe('the reaper reading audit records', () => {
  it('reads back what a request record says about spend', () => {
    const record = {
      requestId: 'r1',
      route: '/v1/chat/completions',
      method: 'POST',
      status: 200,
      outcome: 'completed',
      stream: false,
      durationMs: 12,
      provider: 'openai',
      upstreamModel: 'gpt-x',
      deployment: 'openai/gpt-x',
      attempts: [],
      usage: { inputTokens: { total: 11 }, outputTokens: { total: 4 } },
      costUsd: 0.000123,
    } as unknown as RequestRecord;
    const event = auditEventOfRequest(record, 5);
    expect(event).toBeDefined();
    expect(auditedRequestOfPayload(canonicalJson(event?.payload ?? {}))).toEqual({
      outcome: 'completed',
      provider: 'openai',
      deployment: 'openai/gpt-x',
      upstreamModel: 'gpt-x',
      inputTokens: 11,
      outputTokens: 4,
      costNanos: 123_000,
    });
    const failed = auditEventOfRequest(
      { ...record, outcome: 'upstream-error', status: 502, costUsd: undefined },
      5,
    );
    expect(auditedRequestOfPayload(canonicalJson(failed?.payload ?? {}))).toMatchObject({
      outcome: 'failed',
      costNanos: undefined,
    });
  });

  it('writes a reaped record that says only what the hold knew, and reads it back as reaped', () => {
    const event = reapedAuditEvent(
      {
        requestId: 'r2',
        atMs: 100,
        amountNanos: 2500,
        subject: { keyId: 'k', user: 'u', org: 'acme', team: 't', tags: [], model: 'fast' },
      },
      200,
    );
    expect(event).toMatchObject({
      at: 200,
      kind: 'request',
      payload: {
        request_id: 'r2',
        outcome: 'reaped',
        identity: { key_id: 'k', org: 'acme', user: 'u', team: 't' },
        requested_model: 'fast',
        cost_micro_usd: 3,
        estimated: true,
      },
    });
    expect(auditedRequestOfPayload(canonicalJson(event.payload))).toMatchObject({
      outcome: 'reaped',
      deployment: null,
    });
    expect(auditedRequestOfPayload('not json')).toBeUndefined();
  });
});
