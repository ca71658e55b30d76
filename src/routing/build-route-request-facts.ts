import { lastUserText } from '../canonical/last-user-text.ts';
import { requestedMaxTokens } from '../canonical/requested-max-tokens.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { ChatRequest } from '../canonical/chat-request.ts';
import type { Deployment } from './deployment.ts';
import { fitsContextWindow } from './input-tokens/fits-context-window.ts';
import { ensureTokenizerFor, InputTokenMeasure } from './input-tokens/input-token-measure.ts';
import { tokenizerModelsWorthLoading } from './input-tokens/tokenizer-models-worth-loading.ts';
import type { AsyncTextVectoriser } from './learned/router.ts';
import type { RouteRequestFacts, WindowFit } from './route-request-facts.ts';
import { sessionHeader, sessionKeyOf } from './sessions/session-key.ts';
import {
  buildRuleFacts,
  type RuleHeadersSource,
  type RuleKeySource,
} from './rules/build-rule-facts.ts';
import type { RuleFacts } from './rules/rule-facts.ts';
import { toCelContext } from './rules/to-cel-context.ts';
import type { RequestTranslation } from '../upstream/request-translation.ts';

/** Output tokens assumed for cost and capacity when the request sets no maximum. */
const defaultExpectedOutputTokens = 512;
/** A requested maximum counts for cost and capacity up to this much (most answers stop early). */
const expectedOutputCap = 4096;

/**
 * Tokens a provider adds that the body's bytes do not show: the tool-use preamble (Anthropic
 * documents up to 530; 1,024 is allowed, as in the measure's own bound) and reply framing.
 */
const structureSlack = 1_088;

/** Who is calling and what they require, besides the body. */
export interface RouteCaller {
  readonly requestId: string;
  readonly key: RuleKeySource;
  readonly headers: RuleHeadersSource;
  readonly requestedTags: readonly string[];
  readonly requestedRegion: string | undefined;
  /** The policy decision's routing restrictions; absent when no policy restricts. */
  readonly policyAllows?: (deployment: Deployment) => boolean;
}

/** Output tokens to expect for cost and capacity: the requested maximum (capped), else a default. */
function expectedOutputTokens(maxTokens: number | undefined): number {
  return Math.min(maxTokens ?? defaultExpectedOutputTokens, expectedOutputCap);
}

/**
 * The quick token estimate of a request, without decoding it: the body's bytes / 4 for the input
 * plus the expected output. What rate limits charge before routing; usage corrects it. Pure.
 */
export function estimateRequestTokens(envelope: ModelRequestEnvelope): number {
  return (
    Math.ceil(Buffer.byteLength(envelope.body.text) / 4) +
    expectedOutputTokens(requestedMaxTokens(envelope.body.value))
  );
}

function hasImage(request: ChatRequest | undefined): boolean {
  if (request === undefined) {
    return false;
  }
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'image') {
        return true;
      }
      if (part.type === 'tool-result' && part.content.some((inner) => inner.type === 'image')) {
        return true;
      }
    }
  }
  return false;
}

const noVectors: ReadonlyMap<string, Float32Array> = new Map();

/** How long routing waits for an asynchronous encoder before planning without its vector. */
const routingEncodeTimeoutMs = 250;

/**
 * The routing text encoded by each asynchronous encoder a learned router of the plan needs. An
 * encoder that fails or takes longer than `routingEncodeTimeoutMs` gives no vector: its router
 * then makes no decision (the group's priority order stands) rather than delaying the request.
 */
async function encodeRoutingText(
  encoders: readonly AsyncTextVectoriser[],
  text: () => string,
): Promise<ReadonlyMap<string, Float32Array>> {
  const vectors = new Map<string, Float32Array>();
  if (text() === '') return vectors;
  await Promise.all(
    encoders.map(async (encoder) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => {
          resolve(undefined);
        }, routingEncodeTimeoutMs);
      });
      try {
        const [vector] = (await Promise.race([encoder.encode([text()]), timeout])) ?? [];
        if (vector !== undefined) vectors.set(encoder.id, vector);
      } catch {
        // No vector: the router stands aside for this request.
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return vectors;
}

/**
 * The planner's view of one request. Cheap by default: the body's byte length bounds its text
 * tokens (a JSON body is never shorter than the UTF-8 text it carries, and every tokenizer
 * spends at least one byte per token), so most requests are proved to fit every window without
 * decoding or tokenizing. The canonical request is decoded only when the body may carry media,
 * when a rule needs facts, or when the bound is too close to a window; a tokenizer is loaded
 * only then, for the candidate models that have one. Requests whose canonical form cannot be
 * built (a same-dialect request with something the hub cannot express) route on body facts.
 */
export async function buildRouteRequestFacts(
  translation: RequestTranslation,
  caller: RouteCaller,
  candidates: readonly Deployment[],
  vectorEncoders: readonly AsyncTextVectoriser[] = [],
): Promise<RouteRequestFacts> {
  const envelope = translation.envelope;
  const chatLike = envelope.operation === 'chat' || envelope.operation === 'count-tokens';
  let decoded: ChatRequest | undefined;
  let decodeTried = false;
  const chatRequest = (): ChatRequest | undefined => {
    if (!decodeTried && chatLike) {
      decodeTried = true;
      try {
        decoded = translation.chatRequest;
      } catch {
        decoded = undefined;
      }
    }
    return decoded;
  };
  const bodyBytes = Buffer.byteLength(envelope.body.text);
  const mayCarryMedia = chatLike && /image|file|audio|document|input_/.test(envelope.body.text);
  const maxTokens = requestedMaxTokens(envelope.body.value);
  let measure: InputTokenMeasure | undefined;
  const measured = (): InputTokenMeasure | undefined => {
    const request = chatRequest();
    if (request !== undefined) {
      measure ??= new InputTokenMeasure(request);
    }
    return measure;
  };
  // Media cost tokens that their bytes do not show (an image URL is short); those requests are
  // measured properly.
  const quickBound = mayCarryMedia ? undefined : bodyBytes + structureSlack;
  const reserved = maxTokens ?? 0;
  const needsMeasure = candidates.some(
    (deployment) =>
      deployment.contextWindow !== undefined &&
      (quickBound === undefined || quickBound + reserved > deployment.contextWindow),
  );
  if (needsMeasure) {
    const current = measured();
    if (current !== undefined) {
      const models = tokenizerModelsWorthLoading(
        current,
        candidates.map((deployment) => ({
          model: deployment.upstreamModel,
          contextWindow: deployment.contextWindow,
        })),
        reserved,
      );
      await Promise.all(models.map((model) => ensureTokenizerFor(model)));
    }
  }
  const estimatedInputTokens = measure?.estimate() ?? Math.ceil(bodyBytes / 4);
  let ruleFacts: RuleFacts | undefined;
  let routingText: string | undefined;
  const lastUser = (): string => {
    if (routingText === undefined) {
      const request = chatRequest();
      routingText = request === undefined ? '' : lastUserText(request);
    }
    return routingText;
  };
  // Most plans have no router on an asynchronous encoder: nothing to await then.
  const routingVectors =
    vectorEncoders.length === 0 ? noVectors : await encodeRoutingText(vectorEncoders, lastUser);
  let sessionKey: { value: string | undefined } | undefined;
  return {
    keyId: caller.key.id,
    endUser: typeof envelope.body.value.user === 'string' ? envelope.body.value.user : undefined,
    requestId: caller.requestId,
    requestedTags: caller.requestedTags,
    requestedRegion: caller.requestedRegion,
    policyAllows: caller.policyAllows ?? (() => true),
    images: mayCarryMedia && hasImage(chatRequest()),
    estimatedInputTokens,
    estimatedOutputTokens: expectedOutputTokens(maxTokens),
    fits(deployment: Deployment): WindowFit {
      const window = deployment.contextWindow;
      if (window === undefined || (quickBound !== undefined && quickBound + reserved <= window)) {
        return 'fits';
      }
      const current = measured();
      if (current === undefined) {
        return quickBound !== undefined && quickBound + reserved <= window ? 'fits' : 'unknown';
      }
      return fitsContextWindow(current, deployment.upstreamModel, window, reserved);
    },
    routingText: lastUser,
    routingVector: (encoderId) => routingVectors.get(encoderId),
    sessionKey(): string | undefined {
      if (sessionKey === undefined) {
        const header = caller.headers[sessionHeader];
        sessionKey = {
          value: sessionKeyOf(
            caller.key.id,
            typeof header === 'string' ? header : header?.[0],
            chatRequest(),
          ),
        };
      }
      return sessionKey.value;
    },
    ruleContext(): RuleFacts {
      ruleFacts ??= toCelContext(
        buildRuleFacts({
          envelope,
          chatRequest: chatRequest(),
          estimatedInputTokens,
          requestedRegion: caller.requestedRegion,
          requestedTags: caller.requestedTags,
          headers: caller.headers,
          key: caller.key,
        }),
      );
      return ruleFacts;
    },
  };
}

export { requestedMaxTokens } from '../canonical/requested-max-tokens.ts';
