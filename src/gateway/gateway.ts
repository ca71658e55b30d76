import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { Principal } from '../pipeline/identity/principal.ts';
import type { KeyView } from '../pipeline/identity/virtual-key-service.ts';
import type { ListedModel } from '../routing/model-catalog.ts';
import type { RoutedResponse as RoutedProviderResponse } from '../routing/route-model-request.ts';
import type { RequestContext } from './request-context.ts';
import type { RouteRecommendation } from './recommend-route.ts';
import type { DeploymentStatus } from './deployment-status.ts';

export type { RouteRecommendation } from './recommend-route.ts';
export type { DeploymentStatus } from './deployment-status.ts';

export type { Principal } from '../pipeline/identity/principal.ts';
export type { KeyView } from '../pipeline/identity/virtual-key-service.ts';
export type { ListedModel } from '../routing/model-catalog.ts';
/** A served model request: the routed answer plus the `x-ratelimit-*` headers to send with it. */
export type RoutedResponse = RoutedProviderResponse & {
  readonly rateLimitHeaders: Readonly<Record<string, string>>;
};
export type { DecisionTrace, TraceAttempt } from '../routing/decision-trace.ts';
export type { Deployment } from '../routing/deployment.ts';
export { PlanFailedError } from '../routing/execute-plan.ts';
export {
  findTagProblem,
  teamPattern,
  teamRule,
  type TagProblem,
} from '../pipeline/identity/key-labels.ts';

/** A request to create a virtual key, as validated by the admin API. */
export interface CreateKeyRequest {
  readonly name: string;
  readonly models: readonly string[] | null;
  readonly expiresAt: number | null;
  /** A valid team id, or null for none. */
  readonly team: string | null;
  /** Valid, distinct tags, in any order; empty for none. */
  readonly tags: readonly string[];
}

/** Key administration, for admin routes. */
export interface KeyAdministration {
  create(request: CreateKeyRequest): Promise<{ readonly key: string; readonly view: KeyView }>;
  list(includeRevoked: boolean): Promise<KeyView[]>;
  get(id: string): Promise<KeyView | undefined>;
  /** Resolves the revoked key, or undefined when no such key exists. */
  revoke(id: string): Promise<KeyView | undefined>;
}

/**
 * Everything the HTTP layer may ask of the gateway. The HTTP layer decodes and encodes; every
 * decision (who may call, where a request goes) is made behind this interface.
 */
export interface Gateway {
  /** Synchronous when the key is cached, a promise when it must be looked up. */
  authenticate(keyText: string): Principal | undefined | Promise<Principal | undefined>;
  handleModelRequest(
    context: RequestContext,
    envelope: ModelRequestEnvelope,
  ): Promise<RoutedResponse>;
  /** The routing decision for a request, without calling any model (POST /v1/route). */
  recommendRoute(
    context: RequestContext,
    envelope: ModelRequestEnvelope,
  ): Promise<RouteRecommendation>;
  /** Every deployment with its health and load (GET /admin/deployments). */
  deployments(): readonly DeploymentStatus[];
  listModels(principal: Principal): readonly ListedModel[];
  readonly keys: KeyAdministration;
  /** Whether the gateway can serve: configuration loaded and storage answering. */
  isReady(): Promise<boolean>;
}
