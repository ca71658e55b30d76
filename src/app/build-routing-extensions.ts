import type { GatewayConfig, LearnedRouterConfig } from '../config/gateway-config.ts';
import type { Gateway } from '../gateway/gateway.ts';
import type { Clock } from '../lib/clock.ts';
import { lexicalEncoderForId } from '../pipeline/cache/semantic/lexical-encoder-for-id.ts';
import { LexicalEncoder } from '../pipeline/cache/semantic/lexical-encoder.ts';
import { OnnxEncoder } from '../pipeline/cache/semantic/onnx-encoder.ts';
import {
  multiModelRouterRuntime,
  pairRouterRuntime,
  type LearnedRouterRuntime,
} from '../routing/learned/learned-router-runtime.ts';
import {
  isMultiModelRouterArtifact,
  routerFromArtifact,
} from '../routing/learned/router-artifact.ts';
import {
  precomputedOnly,
  type AsyncTextVectoriser,
  type TextVectoriser,
} from '../routing/learned/router.ts';
import type { RoutingExtensions } from '../routing/model-catalog.ts';
import { GatewayEmbeddingsEncoder } from './gateway-embeddings-encoder.ts';

/** Dimensions of the encoder semantic routes compare with. */
const semanticRouteDimensions = 256;

/**
 * What routing needs that src/routing may not build (it may not import src/pipeline): the
 * learned routers, and the built-in lexical encoder for semantic routes when a group has some.
 */
export async function buildRoutingExtensions(
  config: GatewayConfig,
  services?: RouterEncoderServices,
): Promise<RoutingExtensions> {
  const semantic = config.models.some((group) => group.semanticRoutes !== undefined);
  return {
    learnedRouters: await buildLearnedRouters(config, services),
    textEncoder: semantic ? new LexicalEncoder({ dimensions: semanticRouteDimensions }) : undefined,
  };
}

/** What an embeddings-model encoder needs: the gateway (called at request time) and a clock. */
export interface RouterEncoderServices {
  readonly gateway: () => Gateway;
  readonly clock: Clock;
}

/** A router's encoder: synchronous (lexical) or asynchronous (ONNX, embeddings). */
interface RouterEncoder {
  readonly vectoriser: TextVectoriser;
  readonly asynchronous: AsyncTextVectoriser | undefined;
}

/** Where an encoder is shared from: one per lexical id, ONNX directory or embeddings model. */
function encoderKey(router: LearnedRouterConfig): string {
  const settings = router.encoder;
  if (settings === undefined) return router.artifact.encoderId;
  return settings.type === 'onnx'
    ? `onnx:${settings.directory}`
    : `embeddings:${settings.model}:${String(router.artifact.features.encoderDimensions)}`;
}

/** Opens the encoder a router was trained with; throws naming the router when it cannot. */
async function openRouterEncoder(
  router: LearnedRouterConfig,
  opened: Map<string, Promise<RouterEncoder>>,
  services: RouterEncoderServices | undefined,
): Promise<RouterEncoder> {
  const wanted = router.artifact.encoderId;
  const key = encoderKey(router);
  let encoder = opened.get(key);
  if (encoder === undefined) {
    encoder = openEncoder(router, services);
    opened.set(key, encoder);
  }
  const { vectoriser, asynchronous } = await encoder;
  if (vectoriser.id !== wanted) {
    throw new Error(
      `router ${router.name}: its artifact was trained with encoder ${wanted}, but the configured encoder is ${vectoriser.id}; train it again or configure the encoder it was trained with`,
    );
  }
  return { vectoriser, asynchronous };
}

async function openEncoder(
  router: LearnedRouterConfig,
  services: RouterEncoderServices | undefined,
): Promise<RouterEncoder> {
  const settings = router.encoder;
  if (settings?.type === 'embeddings') {
    if (services === undefined) {
      throw new Error(`router ${router.name}: an embeddings encoder needs a running gateway`);
    }
    const embeddings = GatewayEmbeddingsEncoder.forRouting(
      services.gateway,
      settings.model,
      router.artifact.features.encoderDimensions,
      services.clock,
    );
    return { vectoriser: precomputedOnly(embeddings), asynchronous: embeddings };
  }
  if (settings?.type === 'onnx') {
    const onnx = await OnnxEncoder.open(
      settings.directory,
      settings.maxTokens === undefined ? {} : { maxSequenceLength: settings.maxTokens },
    );
    return { vectoriser: precomputedOnly(onnx), asynchronous: onnx };
  }
  const lexical = lexicalEncoderForId(router.artifact.encoderId);
  if (lexical === undefined) {
    throw new Error(
      `router ${router.name}: its artifact was trained with encoder ${router.artifact.encoderId}, which this build does not have; configure the encoder it was trained with or train it again`,
    );
  }
  return { vectoriser: lexical, asynchronous: undefined };
}

/**
 * The configuration's learned routers, ready to score: each artifact with the encoder it was
 * trained with (the built-in lexical encoder its id names, or the ONNX model or embeddings model
 * configured for it; each opened once and shared). Throws with the router's name when the
 * encoder is missing or is not the one the artifact names, so that a reload keeps the running
 * table instead.
 */
async function buildLearnedRouters(
  config: GatewayConfig,
  services?: RouterEncoderServices,
): Promise<Map<string, LearnedRouterRuntime>> {
  const opened = new Map<string, Promise<RouterEncoder>>();
  const runtimes = new Map<string, LearnedRouterRuntime>();
  for (const router of config.routers) {
    const { vectoriser, asynchronous } = await openRouterEncoder(router, opened, services);
    const artifact = router.artifact;
    runtimes.set(
      router.name,
      isMultiModelRouterArtifact(artifact)
        ? multiModelRouterRuntime(router, routerFromArtifact(artifact, vectoriser), asynchronous)
        : pairRouterRuntime(router, routerFromArtifact(artifact, vectoriser), asynchronous),
    );
  }
  return runtimes;
}
