import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import type { ContextProvenance, PromptProvenance } from '../../canonical/request-provenance.ts';
import type { IngressCodec } from '../../dialects/dialect-codec.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';

/** Renders the prompt a request names (see `PromptService.resolve`). */
export interface PromptResolver {
  resolve(
    reference: unknown,
    stickiness: string,
  ): { readonly provenance: PromptProvenance; readonly preamble: RequestPreamble };
}

/** Finds the context documents a request must carry (see `ContextDocumentService.resolve`). */
export interface ContextResolver {
  resolve(facts: {
    readonly alias: string;
    readonly team: string | undefined;
    readonly route: string;
  }): {
    readonly preamble: RequestPreamble;
    readonly provenance: readonly ContextProvenance[];
    readonly warnings: readonly string[];
  };
}

/** Operations whose bodies carry a conversation a preamble can go in front of. */
const conversationOperations: ReadonlySet<ModelOperation> = new Set(['chat', 'count-tokens']);

/** The body without its `prompt` member, the named template rendered in front of its messages. */
function renderInto(
  value: Readonly<JsonObject>,
  ingress: IngressCodec,
  operation: ModelOperation,
  prompts: PromptResolver,
  stickiness: (value: Readonly<JsonObject>) => string,
): { readonly text: string; readonly provenance: PromptProvenance } {
  if (!conversationOperations.has(operation)) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'prompt',
      detail: 'Prompt templates apply to chat requests; this route takes none.',
    });
  }
  const resolved = prompts.resolve(value.prompt, stickiness(value));
  const body: JsonObject = { ...value };
  delete body.prompt;
  return {
    text: JSON.stringify(ingress.withPreamble(body, resolved.preamble)),
    provenance: resolved.provenance,
  };
}

/**
 * Decodes a model request, first rendering the prompt template it names in `prompt` (`{id,
 * version | label, variables}`) into the ingress dialect's own fields, so the rest of the gateway
 * (policy, cache, routing, the provider) sees an ordinary request. The member is taken out: it
 * never reaches a provider (OpenAI's Responses API has a `prompt` of its own). The body is only
 * parsed an extra time when its text mentions `"prompt"`; a member name written with escapes is
 * caught after decoding. `onModel` is told the model named before the prompt is resolved (for the
 * record of a request the prompt refuses). Throws `GatewayError` as the decoder and the resolver
 * do.
 */
export function decodeWithPrompt(
  text: string,
  ingress: IngressCodec,
  operation: ModelOperation,
  prompts: PromptResolver,
  stickiness: (value: Readonly<JsonObject>) => string,
  onModel: (model: string) => void = () => undefined,
): { readonly envelope: ModelRequestEnvelope; readonly prompt: PromptProvenance | undefined } {
  let value: Readonly<JsonObject> | undefined;
  if (text.includes('"prompt"')) {
    const parsed = safeParseJson(text);
    if (parsed.ok && isJsonObject(parsed.value) && Object.hasOwn(parsed.value, 'prompt')) {
      value = parsed.value;
    }
  }
  if (value === undefined) {
    const envelope = ingress.decodeRequest(text, operation);
    if (!Object.hasOwn(envelope.body.value, 'prompt')) return { envelope, prompt: undefined };
    value = envelope.body.value;
  }
  // Known before the prompt is resolved, so a refused prompt's record names the model.
  if (typeof value.model === 'string') onModel(value.model);
  const rendered = renderInto(value, ingress, operation, prompts, stickiness);
  return { envelope: ingress.decodeRequest(rendered.text, operation), prompt: rendered.provenance };
}

/**
 * The request with the context documents attached to its alias, team or route in front of its
 * system text (decoded again, so every later step sees one consistent envelope), and what was
 * injected. Requests of other operations, and those nothing is attached to, come back as they
 * were. Throws the resolver's error when a stale document's rule is to refuse.
 */
export function withContextDocuments(
  envelope: ModelRequestEnvelope,
  ingress: IngressCodec,
  context: ContextResolver,
  facts: { readonly team: string | undefined; readonly route: string },
): {
  readonly envelope: ModelRequestEnvelope;
  readonly provenance: readonly ContextProvenance[];
  readonly warnings: readonly string[];
} {
  if (!conversationOperations.has(envelope.operation)) {
    return { envelope, provenance: [], warnings: [] };
  }
  const resolution = context.resolve({ alias: envelope.model, ...facts });
  const preamble = resolution.preamble;
  if (preamble.system.length === 0 && preamble.messages.length === 0) {
    return { envelope, provenance: resolution.provenance, warnings: resolution.warnings };
  }
  const decoded = ingress.decodeRequest(
    JSON.stringify(ingress.withPreamble(envelope.body.value, preamble)),
    envelope.operation,
  );
  return {
    envelope:
      envelope.forwardedHeaders === undefined
        ? decoded
        : { ...decoded, forwardedHeaders: envelope.forwardedHeaders },
    provenance: resolution.provenance,
    warnings: resolution.warnings,
  };
}
