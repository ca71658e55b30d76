import type { GatewayConfig } from '../config/gateway-config.ts';
import { lexicalEncoderForId } from '../pipeline/cache/semantic/lexical-encoder-for-id.ts';
import { LexicalEncoder } from '../pipeline/cache/semantic/lexical-encoder.ts';
import {
  multiModelRouterRuntime,
  pairRouterRuntime,
  type LearnedRouterRuntime,
} from '../routing/learned/learned-router-runtime.ts';
import type { RoutingExtensions } from '../routing/model-catalog.ts';
import {
  isMultiModelRouterArtifact,
  routerFromArtifact,
} from '../routing/learned/router-artifact.ts';

/** Dimensions of the encoder semantic routes compare with. */
const semanticRouteDimensions = 256;

/**
 * What routing needs that src/routing may not build (it may not import src/pipeline): the
 * learned routers, and the built-in lexical encoder for semantic routes when a group has some.
 */
export function buildRoutingExtensions(config: GatewayConfig): RoutingExtensions {
  const semantic = config.models.some((group) => group.semanticRoutes !== undefined);
  return {
    learnedRouters: buildLearnedRouters(config),
    textEncoder: semantic ? new LexicalEncoder({ dimensions: semanticRouteDimensions }) : undefined,
  };
}

/**
 * The configuration's learned routers, ready to score: each artifact with the encoder it was
 * trained with (the built-in lexical encoder its id names; one per id, shared). Throws with the
 * router's name when an artifact wants an encoder this build does not have, so that a reload
 * keeps the running table instead.
 */
export function buildLearnedRouters(config: GatewayConfig): Map<string, LearnedRouterRuntime> {
  const encoders = new Map<string, LexicalEncoder>();
  const runtimes = new Map<string, LearnedRouterRuntime>();
  for (const router of config.routers) {
    const artifact = router.artifact;
    const encoder = encoders.get(artifact.encoderId) ?? lexicalEncoderForId(artifact.encoderId);
    if (encoder === undefined) {
      throw new Error(
        `router ${router.name}: its artifact was trained with encoder ${artifact.encoderId}, which this build does not have; train it again`,
      );
    }
    encoders.set(artifact.encoderId, encoder);
    runtimes.set(
      router.name,
      isMultiModelRouterArtifact(artifact)
        ? multiModelRouterRuntime(router, routerFromArtifact(artifact, encoder))
        : pairRouterRuntime(router, routerFromArtifact(artifact, encoder)),
    );
  }
  return runtimes;
}
