import type { ModelPrice } from '../canonical/model-price.ts';

/** Timeouts a deployment sets over its provider's: first token, silence between chunks, whole exchange. */
export interface DeploymentTimeouts {
  /** Time from sending the request to the first content (for streams, the first token). */
  readonly firstTokenMs: number | undefined;
  readonly idleMs: number | undefined;
  readonly totalMs: number | undefined;
}

/**
 * One place a model group can send a request: a provider, the provider's name for the model, and
 * what routing knows about it. Built once per configuration version; immutable.
 */
export interface Deployment {
  /** Unique within a configuration; the key of its health and load across reloads. */
  readonly id: string;
  readonly providerId: string;
  readonly upstreamModel: string;
  readonly region: string | undefined;
  /** Compliance and placement labels such as `zdr`, `hipaa`, `eu`. */
  readonly tags: readonly string[];
  /** Relative share for weighted strategies; positive. */
  readonly weight: number;
  /** Lower is preferred by the priority strategy; ties keep configuration order. */
  readonly priority: number;
  /** Requests per minute the deployment may take; undefined means unlimited. */
  readonly rpm: number | undefined;
  /** Tokens (input plus output) per minute the deployment may take; undefined means unlimited. */
  readonly tpm: number | undefined;
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly price: ModelPrice | undefined;
  /** Whether the model accepts images, tools and JSON-schema output; undefined means unknown. */
  readonly vision: boolean | undefined;
  readonly tools: boolean | undefined;
  readonly jsonSchema: boolean | undefined;
  readonly timeouts: DeploymentTimeouts;
}
