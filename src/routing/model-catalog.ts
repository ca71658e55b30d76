import type {
  DeploymentTargetConfig,
  GatewayConfig,
  ModelGroupConfig,
  ProviderConfig,
} from '../config/gateway-config.ts';
import { resolveModelFacts } from '../providers/model-facts.ts';
import type { Deployment } from './deployment.ts';
import type { LearnedRouterRuntime } from './learned/learned-router-runtime.ts';
import { learnedModelOfTarget } from './learned/learned-target-names.ts';
import type { TextVectoriser } from './learned/router.ts';
import { SemanticRouteSet } from './semantic/semantic-route-set.ts';
import type { CompiledRule, GroupMember, LearnedGroupRouting, ModelGroup } from './model-group.ts';
import { compileRuleExpression } from './rules/compile-rule-expression.ts';
import { getStrategy } from './strategies/strategy-registry.ts';

/** What the gateway adds to a catalogue: learned routers and the encoder of semantic routes. */
export interface RoutingExtensions {
  readonly learnedRouters?: ReadonlyMap<string, LearnedRouterRuntime>;
  readonly textEncoder?: TextVectoriser | undefined;
}

/** A model as listed to clients. */
export interface ListedModel {
  readonly id: string;
  readonly ownedBy: string;
}

const noTimeouts = { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined };

function buildDeployment(
  provider: ProviderConfig,
  target: Omit<DeploymentTargetConfig, 'kind'>,
): Deployment {
  const facts = resolveModelFacts(provider.modelFacts, target.model);
  return {
    id: target.id,
    providerId: provider.id,
    upstreamModel: target.model,
    region: target.region ?? provider.settings.region,
    tags: target.tags,
    weight: target.weight,
    priority: target.priority,
    rpm: target.rpm,
    tpm: target.tpm,
    contextWindow: facts.contextWindow,
    maxOutputTokens: facts.maxOutputTokens,
    price: facts.price,
    vision: facts.vision,
    tools: facts.tools,
    jsonSchema: facts.jsonSchema,
    timeouts: target.timeouts,
  };
}

function compileRules(group: ModelGroupConfig): CompiledRule[] {
  return group.rules.map((rule) => {
    const compiled = compileRuleExpression(rule.when);
    if (!compiled.ok) {
      // Configuration validation compiles every rule first; reaching this is a defect.
      throw new Error(`model group ${group.alias}, rule ${rule.name}: ${compiled.message}`);
    }
    return {
      name: rule.name,
      evaluate: compiled.evaluate,
      routeTo: rule.routeTo,
      requireTags: rule.requireTags,
      regions: rule.regions,
      exclude: new Set(rule.exclude),
      reasoning: rule.reasoning,
    };
  });
}

/**
 * The model names a configuration serves, each as a `ModelGroup`: aliases from `models:`, and
 * `<provider>/<model>` for the models each provider exposes (any model, when the provider allows
 * it). Built once per configuration version; lookups are map reads.
 */
export class ModelCatalog {
  readonly #groups = new Map<string, ModelGroup>();
  readonly #openProviders = new Map<string, ProviderConfig>();
  readonly #deployments = new Map<string, Deployment>();
  readonly #listed: ListedModel[] = [];
  readonly #config: GatewayConfig;

  readonly #routers: ReadonlyMap<string, LearnedRouterRuntime>;
  readonly #textEncoder: TextVectoriser | undefined;

  /**
   * `extensions` carry what src/routing cannot build itself: the configuration's learned routers
   * ready to score, and the text encoder semantic routes compare with. Without them a
   * `strategy: learned` group orders by priority and semantic routes never match.
   */
  constructor(config: GatewayConfig, extensions: RoutingExtensions = {}) {
    this.#config = config;
    this.#routers = extensions.learnedRouters ?? new Map();
    this.#textEncoder = extensions.textEncoder;
    const routers = this.#routers;
    const providers = new Map(config.providers.map((provider) => [provider.id, provider]));
    for (const group of config.models) {
      this.#listed.push({ id: group.alias, ownedBy: 'signalbox' });
    }
    for (const provider of config.providers) {
      for (const model of provider.models) {
        const name = `${provider.id}/${model}`;
        this.#groups.set(name, this.#directGroup(provider, model));
        this.#listed.push({ id: name, ownedBy: provider.id });
      }
      if (provider.allowAnyModel) {
        this.#openProviders.set(provider.id, provider);
      }
    }
    // Aliases are built last so that they win over a direct name they shadow.
    const byAlias = new Map(config.models.map((group) => [group.alias, group]));
    for (const group of config.models) {
      this.#groups.set(group.alias, this.#buildGroup(group, providers, byAlias));
    }
    for (const group of config.models) {
      const built = this.#groups.get(group.alias);
      const strongest = built === undefined ? undefined : this.#strongestOf(built, new Set());
      if (built !== undefined && strongest !== undefined) {
        this.#groups.set(group.alias, { ...built, strongest });
      }
    }
    for (const router of routers.values()) {
      const routerGroup = this.#routerGroup(router, providers, byAlias);
      if (routerGroup !== undefined) {
        this.#groups.set(routerGroup.alias, {
          ...routerGroup,
          strongest: this.#strongestOf(routerGroup, new Set()),
        });
        this.#listed.push({ id: routerGroup.alias, ownedBy: 'signalbox' });
      }
    }
  }

  /**
   * `router:<name>`: a group whose members are the model names the router's models are served
   * under (`models:` of the router, else the artifact's own names). Built only when every one of
   * them is a model this configuration serves.
   */
  #routerGroup(
    router: LearnedRouterRuntime,
    providers: ReadonlyMap<string, ProviderConfig>,
    byAlias: ReadonlyMap<string, ModelGroupConfig>,
  ): ModelGroup | undefined {
    const members: GroupMember[] = [];
    const modelOfCandidate = new Map<string, string>();
    for (const model of router.models) {
      const served = router.modelNames.get(model) ?? model;
      if (this.group(served) === undefined) {
        return undefined;
      }
      const standIn = this.#standIn(served, 1, 0, providers, byAlias);
      members.push({ deployment: standIn, nestedAlias: served });
      modelOfCandidate.set(standIn.id, model);
    }
    return {
      alias: `router:${router.name}`,
      strategy: getStrategy('learned'),
      members,
      rules: [],
      canary: undefined,
      fallbacks: [],
      fallbackOn: new Set(this.#config.routing.fallbackOn),
      retries: this.#config.routing.retries,
      direct: false,
      learned: { router, modelOfCandidate },
      sequence: 0,
    };
  }

  /** Every deployment a group reaches through its members (nested groups expanded). */
  #leafDeployments(group: ModelGroup, seen: Set<string>): Deployment[] {
    if (seen.has(group.alias)) return [];
    seen.add(group.alias);
    return group.members.flatMap((member) => {
      if (member.nestedAlias === undefined) return [member.deployment];
      const nested = this.#groups.get(member.nestedAlias);
      return nested === undefined ? [] : this.#leafDeployments(nested, seen);
    });
  }

  /** See `ModelGroup.strongest`. */
  #strongestOf(group: ModelGroup, seen: Set<string>): Deployment | undefined {
    const priced = this.#leafDeployments(group, seen).filter(
      (deployment) => deployment.price?.input !== undefined,
    );
    const listPrice = (deployment: Deployment): number =>
      (deployment.price?.input ?? 0) + (deployment.price?.output ?? 0);
    const models = new Set(
      priced.map((deployment) => `${deployment.providerId}/${deployment.upstreamModel}`),
    );
    if (models.size < 2) return undefined;
    return priced.reduce((best, deployment) =>
      listPrice(deployment) > listPrice(best) ? deployment : best,
    );
  }

  /** Which artifact model each member of a learned group stands for. */
  #learnedRouting(
    group: ModelGroupConfig,
    members: readonly GroupMember[],
  ): LearnedGroupRouting | undefined {
    const router = group.router === undefined ? undefined : this.#routers.get(group.router);
    if (group.strategy !== 'learned' || router === undefined) {
      return undefined;
    }
    const modelOfCandidate = new Map<string, string>();
    for (const member of members) {
      const deployment = member.deployment;
      const names =
        member.nestedAlias === undefined
          ? [
              deployment.id,
              deployment.upstreamModel,
              `${deployment.providerId}/${deployment.upstreamModel}`,
            ]
          : [member.nestedAlias];
      const model = learnedModelOfTarget(router, names);
      if (model !== undefined) {
        modelOfCandidate.set(deployment.id, model);
      }
    }
    return { router, modelOfCandidate };
  }

  #directGroup(provider: ProviderConfig, model: string, listed = true): ModelGroup {
    const deployment = buildDeployment(provider, {
      id: `${provider.id}/${model}`,
      provider: provider.id,
      model,
      weight: 1,
      priority: 0,
      region: undefined,
      tags: [],
      rpm: undefined,
      tpm: undefined,
      timeouts: noTimeouts,
    });
    if (listed) {
      this.#deployments.set(deployment.id, deployment);
    }
    return {
      alias: `${provider.id}/${model}`,
      strategy: getStrategy('priority'),
      members: [{ deployment, nestedAlias: undefined }],
      rules: [],
      canary: undefined,
      fallbacks: [],
      fallbackOn: new Set(this.#config.routing.fallbackOn),
      retries: this.#config.routing.retries,
      direct: true,
      sequence: 0,
    };
  }

  #buildGroup(
    group: ModelGroupConfig,
    providers: ReadonlyMap<string, ProviderConfig>,
    byAlias: ReadonlyMap<string, ModelGroupConfig>,
  ): ModelGroup {
    const members: GroupMember[] = group.targets.map((target) => {
      if (target.kind === 'group') {
        return {
          deployment: this.#standIn(
            target.alias,
            target.weight,
            target.priority,
            providers,
            byAlias,
          ),
          nestedAlias: target.alias,
        };
      }
      const provider = providers.get(target.provider);
      if (provider === undefined) {
        throw new Error(`model group ${group.alias} refers to unknown provider ${target.provider}`);
      }
      const deployment = buildDeployment(provider, target);
      this.#deployments.set(deployment.id, deployment);
      return { deployment, nestedAlias: undefined };
    });
    return {
      alias: group.alias,
      strategy: getStrategy(group.strategy),
      members,
      learned: this.#learnedRouting(group, members),
      semantic:
        group.semanticRoutes === undefined || this.#textEncoder === undefined
          ? undefined
          : new SemanticRouteSet(group.semanticRoutes, this.#textEncoder),
      sessionTtlMs: group.sessionAffinity?.ttlMs,
      rules: compileRules(group),
      canary: group.canary,
      cascade: group.cascade,
      fallbacks: group.fallbacks,
      fallbackOn: new Set(group.fallbackOn),
      retries: group.retries,
      direct: false,
      sequence: 0,
    };
  }

  /**
   * The deployment-shaped stand-in of a nested group: the outer strategy ranks it by its weight
   * and priority, its cheapest input price and its largest window (the best it can offer).
   */
  #standIn(
    alias: string,
    weight: number,
    priority: number,
    providers: ReadonlyMap<string, ProviderConfig>,
    byAlias: ReadonlyMap<string, ModelGroupConfig>,
  ): Deployment {
    const inner = this.#leafTargets(alias, byAlias, new Set());
    const facts = inner.flatMap((target) => {
      const provider = providers.get(target.provider);
      return provider === undefined ? [] : [resolveModelFacts(provider.modelFacts, target.model)];
    });
    const windows = facts.flatMap((fact) =>
      fact.contextWindow === undefined ? [] : [fact.contextWindow],
    );
    const priced = facts.filter((fact) => fact.price?.input !== undefined);
    const cheapest = priced.sort((a, b) => (a.price?.input ?? 0) - (b.price?.input ?? 0))[0];
    return {
      id: `group:${alias}`,
      providerId: '',
      upstreamModel: alias,
      region: undefined,
      tags: [],
      weight,
      priority,
      rpm: undefined,
      tpm: undefined,
      contextWindow:
        windows.length === facts.length && windows.length > 0 ? Math.max(...windows) : undefined,
      maxOutputTokens: undefined,
      price: cheapest?.price,
      vision: undefined,
      tools: undefined,
      jsonSchema: undefined,
      timeouts: noTimeouts,
    };
  }

  #leafTargets(
    alias: string,
    byAlias: ReadonlyMap<string, ModelGroupConfig>,
    seen: Set<string>,
  ): DeploymentTargetConfig[] {
    const group = byAlias.get(alias);
    if (group === undefined || seen.has(alias)) {
      return [];
    }
    seen.add(alias);
    return group.targets.flatMap((target) =>
      target.kind === 'deployment' ? [target] : this.#leafTargets(target.alias, byAlias, seen),
    );
  }

  /** The group serving a requested model name; undefined when this configuration does not serve it. */
  group(name: string): ModelGroup | undefined {
    const group = this.#groups.get(name);
    if (group !== undefined) {
      return group;
    }
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) {
      return undefined;
    }
    const provider = this.#openProviders.get(name.slice(0, slash));
    return provider === undefined
      ? undefined
      : this.#directGroup(provider, name.slice(slash + 1), false);
  }

  /**
   * The key a deployment's health and load are kept under. Models a client names freely on a
   * provider that allows any model share one key per provider, so that made-up names cannot
   * grow the gateway's memory.
   */
  healthKey(deployment: Deployment): string {
    return this.#deployments.has(deployment.id) ? deployment.id : `${deployment.providerId}/*`;
  }

  /** The configuration's learned routers, by name. */
  learnedRouters(): ReadonlyMap<string, LearnedRouterRuntime> {
    return this.#routers;
  }

  /** Every configured deployment (of groups and of listed provider models), by id. */
  deployments(): ReadonlyMap<string, Deployment> {
    return this.#deployments;
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
    return this.group(pattern) !== undefined;
  }
}
