import type { ModelPrice } from '../canonical/model-price.ts';

export type { ModelPrice } from '../canonical/model-price.ts';

/**
 * What is known about a model at one provider: its limits, what it can do and what it costs.
 * Every field is optional: unknown means "not checked", never "not supported".
 */
export interface ModelFacts {
  readonly contextWindow?: number | undefined;
  readonly maxOutputTokens?: number | undefined;
  readonly tools?: boolean | undefined;
  readonly vision?: boolean | undefined;
  readonly jsonSchema?: boolean | undefined;
  readonly reasoning?: boolean | undefined;
  readonly price?: ModelPrice | undefined;
}

/** Model facts by model name, one layer of the built-in table or of an operator's override. */
export type ModelFactsLayer = Readonly<Record<string, ModelFacts>>;

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as Partial<T>;
}

/** `patch` over `base`, field by field (prices too); fields the patch leaves unset are kept. */
export function mergeModelFacts(base: ModelFacts, patch: ModelFacts): ModelFacts {
  const price =
    base.price === undefined && patch.price === undefined
      ? undefined
      : { ...defined(base.price ?? {}), ...defined(patch.price ?? {}) };
  return { ...defined(base), ...defined(patch), ...(price === undefined ? {} : { price }) };
}

/** A dated version suffix: `-20250929`, `@20250929`, `-2025-09-29`, with Bedrock's `-v1:0`. */
const datedSuffix = /(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2})(?:-v\d+(?::\d+)?)?$/;

/**
 * The facts of a model from layers applied in order (later layers win). A name is looked up as
 * given, then without a dated version suffix, so `claude-sonnet-4-5-20250929` finds the entry
 * `claude-sonnet-4-5` when it has none of its own. Pure.
 */
export function resolveModelFacts(layers: readonly ModelFactsLayer[], model: string): ModelFacts {
  const undated = model.replace(datedSuffix, '');
  let facts: ModelFacts = {};
  for (const layer of layers) {
    const entry = Object.hasOwn(layer, model)
      ? layer[model]
      : undated !== model && Object.hasOwn(layer, undated)
        ? layer[undated]
        : undefined;
    if (entry !== undefined) {
      facts = mergeModelFacts(facts, entry);
    }
  }
  return facts;
}

/**
 * `resolveModelFacts` over fixed layers, each model resolved once and kept (the request path asks
 * several times per call). At most `limit` models are kept, as a model name can come from a
 * client; past that, facts are resolved on every call. The facts returned are frozen.
 */
export function modelFactsResolver(
  layers: readonly ModelFactsLayer[],
  limit = 1_000,
): (model: string) => ModelFacts {
  const resolved = new Map<string, ModelFacts>();
  return (model) => {
    let facts = resolved.get(model);
    if (facts === undefined) {
      facts = Object.freeze(resolveModelFacts(layers, model));
      if (resolved.size < limit) resolved.set(model, facts);
    }
    return facts;
  };
}
