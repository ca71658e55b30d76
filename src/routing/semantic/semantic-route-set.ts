import type { SemanticRoutesConfig } from '../../config/gateway-config.ts';
import type { TextVectoriser } from '../learned/router.ts';

/** The best semantic route for a request, and whether it was similar enough. */
export interface SemanticMatch {
  /** The matching route's name; undefined when no route reached its threshold. */
  readonly route: string | undefined;
  /** Where it sends the request (a deployment id of the group or another group). */
  readonly routeTo: string | undefined;
  /** The best similarity found, and the route it belongs to (even if below its threshold). */
  readonly similarity: number;
  readonly nearest: string | undefined;
  readonly threshold: number | undefined;
}

interface EncodedRoute {
  readonly name: string;
  readonly routeTo: string;
  readonly threshold: number;
  readonly vectors: readonly Float32Array[];
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) {
    sum += (left[index] ?? 0) * (right[index] ?? 0);
  }
  return sum;
}

/**
 * A group's semantic routes with their utterances encoded once, when the routing table is built.
 * Matching compares the request's vector with every utterance (cosine: the encoder's vectors are
 * unit length) and takes the route of the most similar one, if it reaches that route's threshold.
 */
export class SemanticRouteSet {
  readonly encoder: TextVectoriser;
  /** Every route's `route_to`, so the planner can tell what a request may reach. */
  readonly targets: readonly string[];
  readonly #routes: readonly EncodedRoute[];

  constructor(config: SemanticRoutesConfig, encoder: TextVectoriser) {
    this.encoder = encoder;
    this.targets = config.routes.map((route) => route.routeTo);
    this.#routes = config.routes.map((route) => ({
      name: route.name,
      routeTo: route.routeTo,
      threshold: route.threshold,
      vectors: route.utterances.map((utterance) => encoder.encodeOne(utterance)),
    }));
  }

  match(vector: Float32Array): SemanticMatch {
    let best: EncodedRoute | undefined;
    let similarity = -1;
    for (const route of this.#routes) {
      for (const utterance of route.vectors) {
        const value = dot(vector, utterance);
        if (value > similarity) {
          similarity = value;
          best = route;
        }
      }
    }
    const matched = best !== undefined && similarity >= best.threshold;
    return {
      route: matched ? best?.name : undefined,
      routeTo: matched ? best?.routeTo : undefined,
      similarity,
      nearest: best?.name,
      threshold: best?.threshold,
    };
  }
}
