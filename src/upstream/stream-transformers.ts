import type { AnswerSchemaOutcome } from '../canonical/answer-schema-check.ts';
import type { ChatResponseAccumulator } from '../canonical/chat-response-events.ts';
import type { ChatResponse } from '../canonical/chat-response.ts';
import type { ChatStreamEvent } from '../canonical/chat-stream-event.ts';
import type { StreamEventFilter } from '../canonical/stream-event-filter.ts';
import type { DialectId } from '../canonical/dialect-id.ts';
import { tagEventSignature } from '../canonical/signature-origin.ts';
import { mergeUsage } from '../canonical/merge-usage.ts';
import type { Usage } from '../canonical/usage.ts';
import type {
  DecodeStep,
  StreamDecoder,
  StreamEncoder,
  StreamTap,
} from '../dialects/dialect-codec.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamFrame } from '../lib/upstream-frame.ts';
import type { StreamAnswerCheck } from './answer-schema-verdict.ts';

/**
 * Turns a provider's stream frames into the client's wire text: either forwarding them (same
 * dialect) or translating them through the canonical events. Tracks what the record needs.
 */
export interface StreamTransformer {
  /**
   * Appends the frame's wire text for the client to `output`. Returns a failure when the stream
   * cannot continue; what it appended before the failure is still valid.
   */
  push(frame: UpstreamFrame, output: string[]): GatewayError | undefined;
  /** Appends what the end of the upstream stream produces; returns a failure as `push` does. */
  end(output: string[]): GatewayError | undefined;
  /** The in-stream error the client's dialect uses to end a failed stream. */
  fail(error: GatewayError): string;
  /** Whether content (not just preamble) has been produced: the commit point. */
  readonly contentStarted: boolean;
  readonly usage: Usage | undefined;
  readonly finishReasons: readonly string[];
  /** How the answer's structured-output check went, when it was checked. */
  readonly answerSchema: AnswerSchemaOutcome | undefined;
  /** The whole answer as delivered, when it is recorded (for the cache) and the stream ended. */
  readonly answer: ChatResponse | undefined;
}

/** Same-dialect streams: frames pass through the dialect's tap. */
export class PassThroughTransformer implements StreamTransformer {
  readonly #tap: StreamTap;
  readonly #fail: (error: GatewayError) => string;

  constructor(tap: StreamTap, fail: (error: GatewayError) => string) {
    this.#tap = tap;
    this.#fail = fail;
  }

  push(frame: UpstreamFrame, output: string[]): GatewayError | undefined {
    const result = this.#tap.push(frame);
    if (result.kind === 'fail') {
      return result.error;
    }
    if (result.kind === 'forward') {
      output.push(result.text);
    }
    return undefined;
  }

  end(): GatewayError | undefined {
    if (this.#tap.complete) {
      return undefined;
    }
    return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
      detail: 'The provider closed the stream before it finished.',
      internalDetail: 'stream ended without an end marker or finish reason',
    });
  }

  fail(error: GatewayError): string {
    return this.#fail(error);
  }

  get contentStarted(): boolean {
    return this.#tap.forwardedEvents > 0;
  }

  get usage(): Usage | undefined {
    return this.#tap.usage;
  }

  get finishReasons(): readonly string[] {
    return [...this.#tap.finishReasons.values()];
  }

  /** Forwarded bytes are never checked (a checked answer is always translated). */
  get answerSchema(): undefined {
    return undefined;
  }

  /** Forwarded bytes are never recorded (a recorded answer is always translated). */
  get answer(): undefined {
    return undefined;
  }
}

/** The error for an answer the policy's answer guard stopped. */
function answerStopped(): GatewayError {
  return new GatewayError('SB_ERR_POLICY_DENIED', { detail: 'The answer was stopped by policy.' });
}

/** The error for an answer the provider ended with an error finish reason. */
export function modelFailure(raw: string | undefined): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
    detail: 'The model could not complete the answer.',
    internalDetail: `the provider ended the answer with finish reason ${raw ?? 'error'}`,
  });
}

/** Events that do not yet commit a stream to a provider (a provider may still fail after them). */
const preambleEvents: ReadonlySet<ChatStreamEvent['type']> = new Set([
  'response-start',
  'usage-delta',
]);

/** Cross-dialect streams: the egress decoder's events, written by the ingress encoder as they come. */
export class TranslatingTransformer implements StreamTransformer {
  readonly #decoder: StreamDecoder;
  readonly #encoder: StreamEncoder;
  /** The provider's dialect, which its signatures are tagged with for the client. */
  readonly #egress: DialectId;
  #contentStarted = false;
  #usage: Usage | undefined;
  readonly #finishReasons: string[] = [];

  /** The answer guard, when a policy guards answers. */
  readonly #guard: StreamEventFilter | undefined;
  /** The structured-output check, when a policy validates answers (after the guard). */
  readonly #answerCheck: StreamAnswerCheck | undefined;
  /** Rebuilds the delivered answer, when the cache will store it. */
  readonly #recorder: ChatResponseAccumulator | undefined;

  constructor(
    decoder: StreamDecoder,
    encoder: StreamEncoder,
    egress: DialectId,
    readers: {
      readonly guard?: StreamEventFilter | undefined;
      readonly answerCheck?: StreamAnswerCheck | undefined;
      readonly recorder?: ChatResponseAccumulator | undefined;
    } = {},
  ) {
    this.#decoder = decoder;
    this.#encoder = encoder;
    this.#egress = egress;
    this.#guard = readers.guard;
    this.#answerCheck = readers.answerCheck;
    this.#recorder = readers.recorder;
  }

  push(frame: UpstreamFrame, output: string[]): GatewayError | undefined {
    return this.#encode(this.#guarded(this.#decoder.push(frame), false), output);
  }

  end(output: string[]): GatewayError | undefined {
    return this.#encode(this.#guarded(this.#decoder.end(), true), output);
  }

  /** The decoded step through the answer guard; a block ends the stream with a policy error. */
  #guarded(step: DecodeStep, atEnd: boolean): DecodeStep {
    const guard = this.#guard;
    if (guard === undefined) return step;
    const events: ChatStreamEvent[] = [];
    for (const event of step.events) {
      const filtered = guard.push(event);
      events.push(...filtered.events);
      if (filtered.blocked) return { events, failure: answerStopped() };
    }
    if (atEnd || step.failure !== undefined) {
      const rest = guard.end();
      events.push(...rest.events);
      if (rest.blocked) return { events, failure: answerStopped() };
    }
    return { ...step, events };
  }

  fail(error: GatewayError): string {
    return this.#encoder.fail(error);
  }

  get contentStarted(): boolean {
    return this.#contentStarted;
  }

  get usage(): Usage | undefined {
    return this.#usage;
  }

  get finishReasons(): readonly string[] {
    return this.#finishReasons;
  }

  get answerSchema(): AnswerSchemaOutcome | undefined {
    return this.#answerCheck?.outcome;
  }

  get answer(): ChatResponse | undefined {
    return this.#recorder?.answer;
  }

  /** Appends the step's events as wire text; returns the step's failure, or the one they raise. */
  #encode(step: DecodeStep, output: string[]): GatewayError | undefined {
    for (const event of step.events) {
      if (event.type === 'choice-end' && event.finishReason.unified === 'error') {
        // The provider gave up on the answer (a malformed tool call, a model failure): that is a
        // failure to report, not an answer that ended normally.
        return modelFailure(event.finishReason.raw);
      }
      const invalid = this.#answerCheck?.observe(event);
      if (invalid !== undefined) {
        // The choice's end is not delivered: the stream ends with the error event instead.
        return invalid;
      }
      if (!preambleEvents.has(event.type)) {
        this.#contentStarted = true;
      }
      if (event.type === 'usage-delta') {
        this.#usage = mergeUsage(this.#usage, event.usage);
      } else if (event.type === 'choice-end') {
        this.#finishReasons.push(event.finishReason.raw ?? event.finishReason.unified);
      }
      const tagged = tagEventSignature(event, this.#egress);
      this.#recorder?.push(tagged);
      const text = this.#encoder.push(tagged);
      if (text !== '') {
        output.push(text);
      }
    }
    return step.failure;
  }
}
