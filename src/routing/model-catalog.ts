import type { GatewayConfig } from '../config/gateway-config.ts';

/** One target of a plan: a provider and the provider's name for the model. */
export interface PlannedTarget {
  readonly providerId: string;
  readonly upstreamModel: string;
}

/** What a requested model name resolves to. */
export interface ModelResolution {
  readonly name: string;
  /** Tried in order; a failure before the response starts falls back to the next. */
  readonly targets: readonly PlannedTarget[];
}

/** A model as listed to clients. */
export interface ListedModel {
  readonly id: string;
  readonly ownedBy: string;
}

/**
 * The model names a configuration serves: aliases from `models:`, and `<provider>/<model>` for the
 * models each provider exposes (any model, when the provider allows it). Built once per
 * configuration version; lookups are map reads.
 */
export class ModelCatalog {
  readonly #aliases = new Map<string, ModelResolution>();
  readonly #direct = new Map<string, ModelResolution>();
  readonly #openProviders = new Set<string>();
  readonly #listed: ListedModel[] = [];

  constructor(config: GatewayConfig) {
    for (const model of config.models) {
      this.#aliases.set(model.alias, {
        name: model.alias,
        targets: model.targets.map((target) => ({
          providerId: target.provider,
          upstreamModel: target.model,
        })),
      });
      this.#listed.push({ id: model.alias, ownedBy: 'signalbox' });
    }
    for (const provider of config.providers) {
      for (const model of provider.models) {
        const name = `${provider.id}/${model}`;
        this.#direct.set(name, {
          name,
          targets: [{ providerId: provider.id, upstreamModel: model }],
        });
        this.#listed.push({ id: name, ownedBy: provider.id });
      }
      if (provider.allowAnyModel) {
        this.#openProviders.add(provider.id);
      }
    }
  }

  /** Resolves a requested model name; undefined when this configuration does not serve it. */
  resolve(name: string): ModelResolution | undefined {
    const resolution = this.#aliases.get(name) ?? this.#direct.get(name);
    if (resolution !== undefined) {
      return resolution;
    }
    const slash = name.indexOf('/');
    if (slash > 0 && slash < name.length - 1 && this.#openProviders.has(name.slice(0, slash))) {
      return {
        name,
        targets: [{ providerId: name.slice(0, slash), upstreamModel: name.slice(slash + 1) }],
      };
    }
    return undefined;
  }

  /** Every listed model name (aliases first, then provider models), in configuration order. */
  list(): readonly ListedModel[] {
    return this.#listed;
  }

  /** Whether a pattern (`name`, `provider/*` or `*`) matches at least one model this catalogue serves. */
  matchesAnything(pattern: string): boolean {
    if (pattern === '*') {
      return true;
    }
    if (pattern.endsWith('/*')) {
      const prefix = pattern.slice(0, -1);
      return (
        this.#openProviders.has(pattern.slice(0, -2)) ||
        this.#listed.some((model) => model.id.startsWith(prefix))
      );
    }
    return this.resolve(pattern) !== undefined;
  }
}
