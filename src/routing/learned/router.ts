/**
 * Interfaces of the offline-trained routers (issue 8). A router never calls a model: it reads the
 * prompt (and, when the data carries one, its group) and predicts how much a stronger model helps.
 */

/** What a router is given about one request. `group` is a subject or task when the caller knows it. */
export interface RouterInput {
  readonly prompt: string;
  readonly group?: string | undefined;
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
