import { describe, expect, it } from 'vitest';
import { costOfUsage } from '../canonical/model-price.ts';
import { builtInModelFacts } from '../config/load-model-facts.ts';
import { toModelFactsLayer } from '../config/model-facts-schema.ts';
import { mergeModelFacts, modelFactsResolver, resolveModelFacts } from './model-facts.ts';
import { providerTypes } from './provider-types.ts';

describe('the built-in model facts table', () => {
  it('has capabilities and a price for every model a provider type offers', () => {
    const table = builtInModelFacts().providers;
    for (const type of providerTypes) {
      for (const model of type.catalog) {
        const facts = resolveModelFacts([toModelFactsLayer(table[type.type] ?? {})], model.name);
        expect(facts.price?.input, `${type.type}/${model.name} price`).toBeTypeOf('number');
        expect(facts.contextWindow, `${type.type}/${model.name} context window`).toBeGreaterThan(0);
        if (model.kind === 'chat') {
          expect(facts.maxOutputTokens, `${type.type}/${model.name} max output`).toBeGreaterThan(0);
          expect(facts.tools, `${type.type}/${model.name} tools`).toBeTypeOf('boolean');
        }
      }
    }
  });

  it('names only provider types that exist', () => {
    const known = new Set(providerTypes.map((type) => type.type));
    for (const name of Object.keys(builtInModelFacts().providers)) {
      expect(known.has(name), name).toBe(true);
    }
  });
});

describe('resolveModelFacts', () => {
  const base = toModelFactsLayer({
    'claude-sonnet-4-5': { max_output_tokens: 64000, tools: true, price: { input: 3, output: 15 } },
    'anthropic.claude-x': { vision: true },
  });

  it('applies later layers field by field, prices included', () => {
    const override = toModelFactsLayer({
      'claude-sonnet-4-5': { tools: false, price: { input: 2 } },
    });
    expect(resolveModelFacts([base, override], 'claude-sonnet-4-5')).toEqual({
      maxOutputTokens: 64000,
      tools: false,
      price: { input: 2, output: 15 },
    });
  });

  it('finds a dated model name under its undated entry, and knows nothing of other names', () => {
    expect(resolveModelFacts([base], 'claude-sonnet-4-5-20250929').maxOutputTokens).toBe(64000);
    expect(resolveModelFacts([base], 'claude-sonnet-4-5@20250929').maxOutputTokens).toBe(64000);
    expect(resolveModelFacts([base], 'anthropic.claude-x-20250929-v1:0').vision).toBe(true);
    expect(resolveModelFacts([base], 'claude-sonnet-4-5-mini')).toEqual({});
    expect(resolveModelFacts([base], 'toString')).toEqual({});
  });

  it('merges without turning unset fields into values', () => {
    expect(mergeModelFacts({ tools: true }, { tools: undefined, vision: false })).toEqual({
      tools: true,
      vision: false,
    });
  });
});

describe('modelFactsResolver', () => {
  const layer = toModelFactsLayer({
    fast: { max_output_tokens: 4096, price: { input: 0.1, output: 0.2 } },
  });

  it('resolves as resolveModelFacts does, once per model, frozen', () => {
    const facts = modelFactsResolver([layer]);
    const first = facts('fast-20250101');
    expect(first).toEqual(resolveModelFacts([layer], 'fast-20250101'));
    expect(facts('fast-20250101')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(facts('other')).toEqual({});
  });

  it('keeps at most the limit of models and resolves the rest on every call', () => {
    const facts = modelFactsResolver([layer], 2);
    expect(facts('a')).toBe(facts('a'));
    expect(facts('fast')).toBe(facts('fast'));
    const past = facts('fast-20250101');
    expect(past).toEqual(facts('fast'));
    expect(facts('fast-20250101')).not.toBe(past);
  });
});

describe('costOfUsage', () => {
  const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

  it('charges cached input and reasoning at their own prices', () => {
    const cost = costOfUsage(
      {
        inputTokens: { total: 1_000_000, cacheRead: 400_000, cacheWrite: 100_000 },
        outputTokens: { total: 200_000, reasoning: 50_000 },
      },
      { ...price, reasoning: 30 },
    );
    // 0.5M plain input * 3 + 0.4M * 0.3 + 0.1M * 3.75 + 0.15M * 15 + 0.05M * 30
    expect(cost).toBeCloseTo(1.5 + 0.12 + 0.375 + 2.25 + 1.5, 10);
  });

  it('falls back to the input and output prices, and is unknown without a price or input count', () => {
    expect(
      costOfUsage(
        { inputTokens: { total: 10, cacheRead: 10 }, outputTokens: { reasoning: 5 } },
        { input: 1 },
      ),
    ).toBeCloseTo(10 / 1_000_000, 12);
    expect(costOfUsage({ inputTokens: {}, outputTokens: { total: 5 } }, price)).toBeUndefined();
    expect(costOfUsage({ inputTokens: { total: 5 }, outputTokens: {} }, undefined)).toBeUndefined();
    expect(costOfUsage(undefined, price)).toBeUndefined();
  });
});
