import { describe, expect, it } from 'vitest';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { exactCacheAddress, type ExactKeyContext } from './exact-cache-key.ts';
import { tenantScopeOf, type TenantScope } from './tenant-scope.ts';
import type { Principal } from '../identity/principal.ts';

function envelope(
  body: Record<string, unknown>,
  extra: Partial<ModelRequestEnvelope> = {},
): ModelRequestEnvelope {
  const text = JSON.stringify(body);
  return {
    dialect: 'openai-chat',
    operation: 'chat',
    model: typeof body.model === 'string' ? body.model : 'assistant',
    stream: body.stream === true,
    clientWantsStreamUsage: false,
    body: { text, value: body, members: [] },
    ...extra,
  };
}

const principal = (org: string, extra: Partial<Principal> = {}): Principal => ({
  role: 'member',
  org,
  userId: 'u1',
  agent: 'k1',
  keyId: 'k1',
  keyName: 'k',
  team: 'eng',
  tags: [],
  allowedModels: null,
  allowedRoutes: null,
  maxOutputTokens: null,
  expiresAt: null,
  ...extra,
});

const base = {
  model: 'assistant',
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
  temperature: 0,
};
const scope = tenantScopeOf(principal('acme'), 'org');
const context = {
  org: 'acme',
  scope,
  alias: 'assistant',
  target: 'openai/gpt-4o',
  policyVersion: 'p1',
};
const digest = (
  body: Record<string, unknown>,
  overrides: Partial<ExactKeyContext> = {},
  extra: Partial<ModelRequestEnvelope> = {},
) => exactCacheAddress(envelope(body, extra), { ...context, ...overrides }).digest;

describe('the exact cache key', () => {
  const reference = digest(base);

  it('changes with every answer-relevant part of the request', () => {
    const variants: Record<string, unknown>[] = [
      { ...base, messages: [{ role: 'user', content: 'What is the capital of Spain?' }] },
      { ...base, temperature: 0.7 },
      { ...base, seed: 1 },
      { ...base, n: 2 },
      { ...base, top_p: 0.9 },
      { ...base, max_tokens: 10 },
      { ...base, max_completion_tokens: 10 },
      { ...base, stop: ['\n'] },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...base, tool_choice: 'required' },
      { ...base, parallel_tool_calls: false },
      { ...base, reasoning_effort: 'high' },
      { ...base, logit_bias: { '42': 10 } },
      { ...base, some_future_parameter: true },
    ];
    const digests = variants.map((variant) => digest(variant));
    for (const [index, value] of digests.entries()) {
      expect(value, JSON.stringify(variants[index])).not.toBe(reference);
    }
    expect(new Set(digests).size).toBe(digests.length);
  });

  it('changes with the tenant, the producing model, the policy version, the dialect and forwarded headers', () => {
    const others = [
      digest(base, { scope: tenantScopeOf(principal('globex'), 'org') }),
      digest(base, { target: 'azure/gpt-4o' }),
      digest(base, { policyVersion: 'p2' }),
      digest(base, { policyVersion: undefined }),
      digest(base, {}, { dialect: 'openai-responses' }),
      digest(base, {}, { forwardedHeaders: { 'anthropic-beta': 'x' } }),
    ];
    for (const other of others) expect(other).not.toBe(reference);
  });

  it('ignores how the answer is delivered and who asked, and the order of object members', () => {
    expect(digest({ ...base, stream: true, stream_options: { include_usage: true } })).toBe(
      reference,
    );
    expect(digest({ ...base, user: 'x', metadata: { a: 1 }, store: true })).toBe(reference);
    expect(digest({ ...base, model: 'another-alias' })).toBe(reference);
    expect(digest({ temperature: 0, messages: base.messages, model: 'assistant' })).toBe(reference);
  });

  it('derives scopes from the caller only, and every scope names the organisation', () => {
    const acme = principal('acme');
    expect(tenantScopeOf(acme, 'org')).toBe('org:acme');
    expect(tenantScopeOf(acme, 'team')).toBe('team:acme/eng');
    expect(tenantScopeOf(acme, 'user')).toBe('user:acme/u1');
    expect(tenantScopeOf(acme, 'key')).toBe('key:acme/k1');
    // Without a team or user the scope narrows to the key, never widens.
    expect(tenantScopeOf(principal('acme', { team: undefined }), 'team')).toBe('key:acme/k1');
    expect(tenantScopeOf(principal('acme', { userId: undefined }), 'user')).toBe('key:acme/k1');
    expect(tenantScopeOf(principal('globex'), 'team')).not.toBe(tenantScopeOf(acme, 'team'));
    // A body cannot carry a scope: the address is built from a TenantScope only.
    const forged = 'org:acme' as TenantScope;
    expect(
      exactCacheAddress(envelope({ ...base, scope: 'org:globex' }), { ...context, scope: forged })
        .scope,
    ).toBe('org:acme');
  });
});
