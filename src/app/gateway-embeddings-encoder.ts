import { openAiChatIngress } from '../dialects/openai-chat/openai-chat-codec.ts';
import type { Gateway, Principal } from '../gateway/gateway.ts';
import { CancellationSource } from '../lib/cancellation.ts';
import { createTimeOrderedId } from '../lib/ids.ts';
import type { Clock } from '../lib/clock.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import type { TextEncoder } from '../pipeline/cache/semantic/text-encoder.ts';

/**
 * Who the semantic cache's embeddings calls run as: a service identity of the organisation
 * `default`, so they pass the same policy, limits and budgets as any request and appear in the
 * ledger under key `semantic-cache`.
 */
const cachePrincipal: Principal = Object.freeze({
  role: 'service',
  org: 'default',
  userId: undefined,
  agent: 'semantic-cache',
  keyId: 'semantic-cache',
  keyName: 'semantic cache',
  team: undefined,
  tags: Object.freeze([]),
  allowedModels: null,
  allowedRoutes: null,
  maxOutputTokens: null,
  expiresAt: null,
});

/** Who a learned router's embeddings calls run as (ledger key `learned-routing`). */
const routingPrincipal: Principal = Object.freeze({
  ...cachePrincipal,
  agent: 'learned-routing',
  keyId: 'learned-routing',
  keyName: 'learned routing',
});

/** Unit length, as every encoder's vectors are (exported for clients computing the same vectors). */
export function unit(values: readonly number[]): Float32Array {
  let norm = 0;
  for (const value of values) norm += value * value;
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm);
  return Float32Array.from(values, (value) => value * scale);
}

/**
 * The semantic cache's encoder backed by an embeddings model configured in Signalbox itself:
 * each `encode` is one `/v1/embeddings`-style request routed through the gateway (fallbacks,
 * health, policy, budgets included). The id names the model and the dimensions it returned,
 * so a model change never mixes vectors.
 */
export class GatewayEmbeddingsEncoder implements TextEncoder {
  readonly id: string;
  readonly dimensions: number;
  readonly #gateway: () => Gateway;
  readonly #model: string;
  readonly #clock: Clock;
  readonly #principal: Principal;

  private constructor(
    gateway: () => Gateway,
    model: string,
    dimensions: number,
    clock: Clock,
    principal: Principal = cachePrincipal,
  ) {
    this.#gateway = gateway;
    this.#model = model;
    this.#clock = clock;
    this.#principal = principal;
    this.dimensions = dimensions;
    this.id = `embeddings:${model}:${String(dimensions)}`;
  }

  /** Asks the model once to learn its dimensions; rejects when it cannot answer. */
  static async open(
    gateway: () => Gateway,
    model: string,
    clock: Clock,
  ): Promise<GatewayEmbeddingsEncoder> {
    const probe = new GatewayEmbeddingsEncoder(gateway, model, 0, clock);
    const [vector] = await probe.encode(['dimensions probe']);
    if (vector === undefined || vector.length === 0) {
      throw new Error(`the embeddings model ${model} returned no vector`);
    }
    return new GatewayEmbeddingsEncoder(gateway, model, vector.length, clock);
  }

  /**
   * For a learned router trained on this model's vectors: the dimensions come from the router's
   * artifact, so nothing is asked before the first request (the gateway may not be serving yet).
   * Its calls run as the service identity `learned-routing`.
   */
  static forRouting(
    gateway: () => Gateway,
    model: string,
    dimensions: number,
    clock: Clock,
  ): GatewayEmbeddingsEncoder {
    return new GatewayEmbeddingsEncoder(gateway, model, dimensions, clock, routingPrincipal);
  }

  async encode(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const envelope = openAiChatIngress.decodeRequest(
      JSON.stringify({ model: this.#model, input: texts }),
      'embeddings',
    );
    const routed = await this.#gateway().handleModelRequest(
      {
        requestId: createTimeOrderedId(this.#clock),
        principal: this.#principal,
        cancellation: new CancellationSource(),
        headerNames: [],
        headers: {},
        unaudited: true,
      },
      envelope,
    );
    if (routed.kind !== 'complete') {
      routed.settle({ failed: undefined, totalTokens: undefined });
      throw new Error(`the embeddings model ${this.#model} answered with a stream`);
    }
    routed.settle({ failed: undefined, totalTokens: undefined, usage: routed.usage });
    const parsed = safeParseJson(routed.body);
    const data = parsed.ok && isJsonObject(parsed.value) ? parsed.value.data : undefined;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new Error(`the embeddings model ${this.#model} returned an unexpected body`);
    }
    return data.map((item: unknown) => {
      const embedding = isJsonObject(item) ? item.embedding : undefined;
      if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number')) {
        throw new Error(`the embeddings model ${this.#model} returned a non-numeric embedding`);
      }
      if (this.dimensions !== 0 && embedding.length !== this.dimensions) {
        throw new Error(`the embeddings model ${this.#model} changed its dimensions`);
      }
      return unit(embedding);
    });
  }
}
