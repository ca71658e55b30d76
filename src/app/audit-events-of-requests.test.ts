import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../observability/request-record.ts';
import type { DecisionTrace, TraceGroup } from '../routing/decision-trace.ts';
import { auditEventOfRequest } from './audit-events-of-requests.ts';

function group(alias: string, fields: Partial<TraceGroup> = {}): TraceGroup {
  return {
    alias,
    strategy: 'learned',
    via: 'request',
    rules: [],
    variant: undefined,
    candidates: [],
    order: [],
    ...fields,
  };
}

function record(decision: DecisionTrace | undefined): RequestRecord {
  return {
    requestId: 'req-1',
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    keyId: 'key-1',
    requestedModel: 'smart',
    provider: 'big',
    upstreamModel: 'echo',
    deployment: 'big-model',
    routeReason: decision?.reason,
    decision,
    stream: false,
    outcome: 'completed',
    errorCode: undefined,
    attempts: [],
    usage: undefined,
    costUsd: undefined,
    finishReasons: [],
    durationMs: 3,
    upstreamMs: 2,
  };
}

const trace = (groups: TraceGroup[], reasoning?: DecisionTrace['reasoning']): DecisionTrace => ({
  model: 'smart',
  reason: 'learned',
  groups,
  planMicros: 40,
  estimatedInputTokens: 12,
  ...(reasoning === undefined ? {} : { reasoning }),
});

describe('auditEventOfRequest', () => {
  it("records each learned router's choice, score and threshold, and reasoning set by routing", () => {
    const event = auditEventOfRequest(
      record(
        trace(
          [
            group('smart', {
              learned: {
                router: 'tiny',
                version: '0123456789abcdef',
                choice: 'big-model',
                score: 0.123456789,
                threshold: -0.5,
                difficulty: 0.9,
                micros: 30,
              },
            }),
            group('other', { strategy: 'priority' }),
          ],
          { settings: { effort: 'high' }, source: 'learned:tiny' },
        ),
      ),
      1,
    );
    expect(event?.payload).toMatchObject({
      learned_routing: [
        {
          alias: 'smart',
          router: 'tiny',
          version: '0123456789abcdef',
          choice: 'big-model',
          score: 0.123457,
          threshold: -0.5,
        },
      ],
      reasoning: { effort: 'high', budget_tokens: null, source: 'learned:tiny' },
    });
  });

  it('adds neither field when routing used no learned router and set no reasoning', () => {
    const event = auditEventOfRequest(record(trace([group('plain', { strategy: 'priority' })])), 1);
    expect(event?.payload).not.toHaveProperty('learned_routing');
    expect(event?.payload).not.toHaveProperty('reasoning');
  });
});
