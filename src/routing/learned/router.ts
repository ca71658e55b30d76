/**
 * Interfaces of the offline-trained routers (issue 8). A router never calls a model: it reads the
 * prompt (and, when the data carries one, its group) and predicts how much a stronger model helps.
 */

/** What a router is given about one request. `group` is a subject or task when the caller knows it. */
export interface RouterInput {
  readonly prompt: string;
  readonly group?: string | undefined;
  /** The prompt already encoded (by an asynchronous encoder); else the router encodes it. */
  readonly encoded?: Float32Array | undefined;
}

/** Binary routing (RouteLLM's setting): a higher score means "send to the strong model". */
export interface StrongWeakRouter {
  /** Predicted benefit of the strong model; only the order matters, thresholds come from calibration. */
  score(input: RouterInput): number;
}

/** N-model routing: a predicted quality (0..1 or a logit, see the implementation) per model. */
export interface MultiModelRouter {
  readonly models: readonly string[];
  scores(input: RouterInput): Readonly<Record<string, number>>;
}

/**
 * The text encoder the routers need. Structural, so src/pipeline's LexicalEncoder fits without
 * src/routing importing src/pipeline (the layer rules forbid it): the caller injects it.
 */
export interface TextVectoriser {
  readonly id: string;
  readonly dimensions: number;
  encodeOne(text: string): Float32Array;
}

/**
 * An encoder that runs asynchronously (a local ONNX model): the gateway encodes the request's
 * text with it before planning and hands the vector to the router in `RouterInput.encoded`.
 */
export interface AsyncTextVectoriser {
  readonly id: string;
  readonly dimensions: number;
  encode(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * The synchronous face of an asynchronous encoder, for `routerFromArtifact`: it carries the id
 * and dimensions and refuses to encode, since its vectors always arrive pre-computed.
 */
export function precomputedOnly(encoder: AsyncTextVectoriser): TextVectoriser {
  return {
    id: encoder.id,
    dimensions: encoder.dimensions,
    encodeOne() {
      throw new Error(`encoder ${encoder.id} runs asynchronously: pass the encoded prompt`);
    },
  };
}

/**
 * An N-model router that also chooses: `argmax predicted quality − λ·cost / max cost` over its
 * models (λ = 0: best predicted quality; larger λ: cheaper models).
 */
export interface TradeoffRouter extends MultiModelRouter {
  /** Mean USD per query per model, the trade-off's costs. */
  readonly costs: Readonly<Record<string, number>>;
  readonly defaultTradeoff: number;
  route(
    input: RouterInput,
    tradeoff?: number,
  ): { readonly scores: Readonly<Record<string, number>>; readonly choice: string };
}
