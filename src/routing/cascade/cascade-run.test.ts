import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { findJsonObjectMembers } from '../../lib/json-object-members.ts';
import type { ProviderCallResult } from '../../upstream/call-provider.ts';
import { RequestTranslation } from '../../upstream/request-translation.ts';
import type { Deployment } from '../deployment.ts';
import { defaultFallbackClasses } from '../error-class.ts';
import { defaultRetryPolicy } from '../health/backoff-delay.ts';
import type { ModelGroup } from '../model-group.ts';
import { getStrategy } from '../strategies/strategy-registry.ts';
import type { CascadeConfig } from './cascade-config.ts';
import { CascadeRun, cascadeTiers, parseJudgeScore } from './cascade-run.ts';

function deployment(id: string): Deployment {
  return {
    id,
    providerId: id,
    upstreamModel: `${id}-model`,
    region: undefined,
    tags: [],
    weight: 1,
    priority: 0,
    rpm: undefined,
    tpm: undefined,
    contextWindow: undefined,
    maxOutputTokens: undefined,
    price: undefined,
    vision: undefined,
    tools: undefined,
    jsonSchema: undefined,
    timeouts: { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined },
  };
}

const cascade: CascadeConfig = {
  refusalCheck: true,
  schemaCheck: true,
  minConfidence: undefined,
  minTokenProbability: undefined,
  arithmeticCheck: false,
  judge: undefined,
};

function group(alias: string, members: ModelGroup['members'], withCascade = true): ModelGroup {
  return {
    alias,
    strategy: getStrategy('priority'),
    members,
    rules: [],
    canary: undefined,
    fallbacks: [],
    fallbackOn: new Set(defaultFallbackClasses),
    retries: defaultRetryPolicy,
    direct: false,
    sequence: 0,
    ...(withCascade ? { cascade } : {}),
  };
}

const cheap = deployment('cheap');
const middle = deployment('middle');
const strong = deployment('strong');
const spare = deployment('spare');
const pool = group('pool', [{ deployment: strong, nestedAlias: undefined }], false);
const tiered = group('tiered', [
  { deployment: cheap, nestedAlias: undefined },
  { deployment: middle, nestedAlias: undefined },
  { deployment: deployment('group:pool'), nestedAlias: 'pool' },
]);
const other = group('other', [{ deployment: spare, nestedAlias: undefined }], false);
const groupOf = (alias: string) => ({ pool, tiered, other })[alias as 'pool' | 'tiered' | 'other'];
const plan = [
  { deployment: cheap, group: tiered },
  { deployment: middle, group: tiered },
  { deployment: strong, group: pool },
  { deployment: spare, group: other },
];

function envelope(fields: Record<string, unknown> = {}): ModelRequestEnvelope {
  const value = { model: 'tiered', messages: [{ role: 'user', content: 'Capital?' }], ...fields };
  const text = JSON.stringify(value);
  return {
    dialect: 'openai-chat',
    operation: 'chat',
    model: 'tiered',
    stream: fields.stream === true,
    clientWantsStreamUsage: false,
    body: { text, value, members: findJsonObjectMembers(text) },
  };
}

function answer(text: string): ChatResponse {
  return {
    id: 'answer-1',
    model: 'cheap-model',
    created: 1,
    choices: [
      {
        index: 0,
        content: [{ type: 'text', text }],
        finishReason: { unified: 'stop', raw: 'stop' },
      },
    ],
    usage: { inputTokens: { total: 3 }, outputTokens: { total: 5 } },
  };
}

/** A provider call answering `text`, recording whether it was asked to stream. */
function provider(text: string, asked: boolean[] = []) {
  return (translation: RequestTranslation): Promise<ProviderCallResult> => {
    asked.push(translation.envelope.stream);
    return Promise.resolve({
      kind: 'complete',
      upstreamRequestId: undefined,
      droppedParameters: [],
      estimated: false,
      price: undefined,
      contentType: 'application/json',
      body: '{}',
      usage: answer(text).usage,
      answer: translation.recordsAnswers ? answer(text) : undefined,
    });
  };
}

function prepare(fields: Record<string, unknown> = {}): CascadeRun {
  const run = CascadeRun.prepare(tiered, plan, new RequestTranslation(envelope(fields)), {
    groupOf,
    now: () => 0,
  });
  if (run === undefined) throw new Error('expected a cascade');
  return run;
}

describe('cascadeTiers', () => {
  it('makes each deployment of the group a tier, a nested group one tier, and leaves fallbacks out', () => {
    const tiers = cascadeTiers(tiered, plan, groupOf);
    expect([...tiers].map(([planned, tier]) => [planned.id, tier])).toEqual([
      ['cheap', 'cheap'],
      ['middle', 'middle'],
      ['strong', 'group:pool'],
    ]);
  });
});

describe('CascadeRun.prepare', () => {
  it('runs no cascade for a group without one or a plan with a single tier', () => {
    const translation = new RequestTranslation(envelope());
    const options = { groupOf, now: () => 0 };
    expect(CascadeRun.prepare(other, plan, translation, options)).toBeUndefined();
    expect(CascadeRun.prepare(tiered, plan.slice(2), translation, options)).toBeUndefined();
    expect(CascadeRun.prepare(tiered, plan, translation, options)).toBeDefined();
  });
});

describe('CascadeRun.attempt', () => {
  it('rejects a refusal on a cheaper tier, keeping its usage to be charged', async () => {
    const run = prepare();
    const asked: boolean[] = [];
    const failure = await run
      .attempt(cheap, provider("I can't help with that.", asked))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).code).toBe('SB_ERR_CASCADE_REJECTED');
    expect(run.discarded).toEqual([
      {
        deployment: cheap,
        usage: { inputTokens: { total: 3 }, outputTokens: { total: 5 } },
        reason: 'cascade-rejected',
      },
    ]);
    const trace = run.trace({
      model: 'tiered',
      reason: 'priority',
      groups: [],
      planMicros: 0,
      estimatedInputTokens: 0,
    });
    expect(trace.cascade?.escalated).toBe(true);
    expect(trace.cascade?.tiers[0]?.accepted).toBe(false);
  });

  it('asks a streaming client’s cheaper tiers for a complete answer and replays it as SSE', async () => {
    const run = prepare({ stream: true });
    const asked: boolean[] = [];
    const result = await run.attempt(cheap, provider('Lisbon.', asked));
    expect(asked).toEqual([false]);
    expect(result.kind).toBe('stream');
    if (result.kind !== 'stream') return;
    let text = '';
    for await (const chunk of result.chunks) text += chunk;
    expect(text).toContain('"content":"Lisbon."');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect((await result.outcome).usage?.outputTokens.total).toBe(5);
    expect(run.discarded).toEqual([]);
  });

  it('sends the last tier the client’s own request and serves it without checks', async () => {
    const run = prepare({ stream: true });
    const asked: boolean[] = [];
    const result = await run.attempt(strong, provider("I can't help with that.", asked));
    expect(asked).toEqual([true]);
    expect(result.kind).toBe('complete');
    const trace = run.trace({
      model: 'tiered',
      reason: 'priority',
      groups: [],
      planMicros: 0,
      estimatedInputTokens: 0,
    });
    expect(trace.cascade?.tiers).toEqual([
      {
        deployment: 'strong',
        accepted: true,
        reasons: ['the last tier is served without checks'],
        confidence: undefined,
        final: true,
      },
    ]);
  });

  it('leaves attempts outside the cascade (fallback groups) alone', async () => {
    const run = prepare();
    const asked: boolean[] = [];
    await run.attempt(spare, provider("I can't help with that.", asked));
    expect(run.discarded).toEqual([]);
  });
});

describe('parseJudgeScore', () => {
  it.each([
    ['8', 0.8],
    ['Score: 7/10', 0.7],
    ['10', 1],
    ['0', 0],
    ['6.5 out of 10', 0.65],
    ['I would give it 9.', 0.9],
    ['no number here', undefined],
    ['42', undefined],
  ])('reads %j as %s', (reply, score) => {
    expect(parseJudgeScore(reply)).toBe(score);
  });
});
