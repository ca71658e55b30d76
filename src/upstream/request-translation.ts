import type { AnswerSchemaCheck } from '../canonical/answer-schema-check.ts';
import type { StreamEventFilter } from '../canonical/stream-event-filter.ts';
import type { ChatRequest, ReasoningSettings, ResponseFormat } from '../canonical/chat-request.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { tagRequestSignatures } from '../canonical/signature-origin.ts';
import type { IngressCodec, PassThroughCodec } from '../dialects/dialect-codec.ts';
import { getDialectCodec } from '../dialects/dialect-registry.ts';

/**
 * One client request and, when a target speaks another dialect, its canonical form: decoded at
 * most once per request (on the first attempt that needs it) and shared by every attempt.
 */
export class RequestTranslation {
  readonly envelope: ModelRequestEnvelope;
  readonly ingress: IngressCodec;
  /** How the client's own bytes are forwarded to a provider that takes them as they are. */
  readonly passThrough: PassThroughCodec | undefined;
  #chatRequest: ChatRequest | undefined;
  #outputTokenCap: number | undefined;
  #outputGuard: (() => StreamEventFilter) | undefined;
  #answerSchemaCheck: AnswerSchemaCheck | undefined;
  #recordsAnswers = false;
  #reasoningDefault: ReasoningSettings | undefined;

  constructor(envelope: ModelRequestEnvelope) {
    this.envelope = envelope;
    const codec = getDialectCodec(envelope.dialect);
    if (codec.ingress === undefined) {
      throw new Error(`dialect ${envelope.dialect} has no ingress codec`);
    }
    this.ingress = codec.ingress;
    this.passThrough = codec.passThrough;
  }

  /** The most output tokens any attempt may ask for (a budget's cap); undefined for no cap. */
  get outputTokenCap(): number | undefined {
    return this.#outputTokenCap;
  }

  /**
   * A new answer guard per attempt, when a policy guards answers; undefined for none. With one,
   * answers are always translated through the hub (never forwarded as bytes), so it sees them.
   */
  get outputGuard(): (() => StreamEventFilter) | undefined {
    return this.#outputGuard;
  }

  /** Guards every attempt's answer (set before the first attempt). */
  guardOutput(guard: (() => StreamEventFilter) | undefined): void {
    this.#outputGuard = guard;
  }

  /** The check every attempt's answer must pass (a policy validating structured output). */
  get answerSchemaCheck(): AnswerSchemaCheck | undefined {
    return this.#answerSchemaCheck;
  }

  /**
   * Checks every attempt's answer against the output format the client asked for, when `check`
   * (a policy's) gives a check for it (set before the first attempt). Reads the format alone, so
   * a request that asks for none stays untranslated. Throws `GatewayError` (400) for a malformed
   * format or a schema the check refuses.
   */
  checkAnswers(
    check: ((format: ResponseFormat | undefined) => AnswerSchemaCheck | undefined) | undefined,
  ): void {
    if (check === undefined || this.envelope.operation !== 'chat') return;
    this.#answerSchemaCheck = check(this.ingress.readResponseFormat(this.envelope));
  }

  /**
   * Whether answers must be translated through the hub (never forwarded as bytes): an answer
   * guard or an answer check reads them there.
   */
  get readsAnswers(): boolean {
    return (
      this.#outputGuard !== undefined ||
      this.#answerSchemaCheck !== undefined ||
      this.#recordsAnswers
    );
  }

  /** Whether every attempt's answer is kept in the hub's terms (for the response cache). */
  get recordsAnswers(): boolean {
    return this.#recordsAnswers;
  }

  /** Keeps every attempt's answer in the hub's terms (set before the first attempt). */
  recordAnswers(): void {
    this.#recordsAnswers = true;
  }

  /**
   * Reasoning settings routing chose (a rule or a learned router's difficulty band), for requests
   * that set none; applied only to models known to reason (set before the first attempt).
   */
  defaultReasoning(settings: ReasoningSettings | undefined): void {
    this.#reasoningDefault = settings;
  }

  /**
   * The reasoning settings to add for a target, or undefined: only when routing chose some, the
   * target's model is known to reason, and the client's request is a chat that set none.
   */
  addedReasoning(modelReasons: boolean | undefined): ReasoningSettings | undefined {
    if (this.#reasoningDefault === undefined || modelReasons !== true) return undefined;
    if (this.envelope.operation !== 'chat') return undefined;
    try {
      return this.chatRequest.reasoning === undefined ? this.#reasoningDefault : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A copy asking for a complete answer (never a stream) kept in the hub's terms, with every
   * setting of this one, except that an invalid structured answer always falls back: what a
   * cascade asks of its cheaper tiers, whose answers it reads before anything is sent.
   */
  completeAnswerCopy(): RequestTranslation {
    const copy = new RequestTranslation({
      ...this.envelope,
      stream: false,
      clientWantsStreamUsage: false,
    });
    copy.#chatRequest =
      this.#chatRequest === undefined ? undefined : { ...this.#chatRequest, stream: false };
    copy.#outputTokenCap = this.#outputTokenCap;
    copy.#outputGuard = this.#outputGuard;
    copy.#answerSchemaCheck =
      this.#answerSchemaCheck === undefined
        ? undefined
        : { ...this.#answerSchemaCheck, onInvalid: 'fallback' };
    copy.#recordsAnswers = true;
    copy.#reasoningDefault = this.#reasoningDefault;
    return copy;
  }

  /** Caps every attempt's output limit (set before the first attempt). */
  limitOutputTokens(cap: number | undefined): void {
    this.#outputTokenCap = cap;
  }

  /**
   * The canonical request, signatures tagged with the client's dialect; throws `GatewayError`
   * (400) for content that cannot be translated.
   */
  get chatRequest(): ChatRequest {
    this.#chatRequest ??= tagRequestSignatures(
      this.ingress.toChatRequest(this.envelope),
      this.envelope.dialect,
    );
    return this.#chatRequest;
  }
}
