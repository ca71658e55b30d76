import type { ChatResponse } from '../canonical/chat-response.ts';
import type { AnswerSchemaOutcome } from '../canonical/answer-schema-check.ts';
import type { Usage } from '../canonical/usage.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamFrame } from '../lib/upstream-frame.ts';
import type { FrameParser } from './frame-parsers.ts';
import { joinForWrites } from './join-for-writes.ts';
import type { StreamTransformer } from './stream-transformers.ts';
import type { UpstreamExchange } from './upstream-exchange.ts';

/** How a relayed stream ended. */
export interface StreamOutcome {
  readonly status: 'completed' | 'upstream-error' | 'client-closed';
  readonly usage: Usage | undefined;
  readonly finishReasons: readonly string[];
  /** Set unless the stream completed. */
  readonly error: GatewayError | undefined;
  /**
   * Whether `usage` is the provider's final count: the stream reached its end, also when the
   * client had left and the rest was read without it. False when it was cut off.
   */
  readonly usageFinal: boolean;
  /** How the answer's structured-output check went, when it was checked. */
  readonly answerSchema: AnswerSchemaOutcome | undefined;
  /** The whole answer as delivered, when it was recorded and the stream completed. */
  readonly answer?: ChatResponse | undefined;
}

/** How a relayed stream treats a client that leaves before the end. */
export interface RelayOptions {
  /**
   * How long to keep reading (and discarding) after the client left, to reach the provider's
   * usage event; 0 aborts the upstream at once.
   */
  readonly drainMs: number;
}

/** What the relay needs of an upstream exchange: its body read by read, and its release. */
export type RelayedBody = Pick<UpstreamExchange, 'next' | 'release' | 'outliveClient'>;

/** A stream that has passed its commit point: its first content is in hand. */
export interface CommittedStream {
  /**
   * Text to write to the client, in order, one string per read from upstream. Pulls from
   * upstream only as fast as it is consumed.
   */
  readonly chunks: AsyncIterable<string>;
  /** Settles (never rejects) once the stream has ended, however it ended. */
  readonly outcome: Promise<StreamOutcome>;
}

/** What one read from upstream produced: text to forward, then possibly a failure or the end. */
interface Pulled {
  readonly output: readonly string[];
  readonly failure: GatewayError | undefined;
  readonly ended: boolean;
}

function framingFailure(error: unknown): GatewayError {
  return error instanceof GatewayError
    ? error
    : new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
        internalDetail: error instanceof Error ? error.message : String(error),
      });
}

/**
 * Relays an upstream stream to the client through a frame parser and a transformer, and resolves
 * at the commit point: when the first content is ready. A failure before then throws
 * `GatewayError`, so the caller may still fall back to another target (nothing has reached the
 * client); a failure after it becomes one in-stream error in the client's dialect, after
 * everything valid that preceded it, then the end of the stream. Backpressure is preserved:
 * nothing is read from upstream until the client has taken what came before.
 */
export async function relayUpstreamStream(
  response: RelayedBody,
  parser: FrameParser,
  transformer: StreamTransformer,
  options: RelayOptions = { drainMs: 0 },
): Promise<CommittedStream> {
  const apply = (frames: readonly UpstreamFrame[], output: string[]): GatewayError | undefined => {
    for (const frame of frames) {
      const failure = transformer.push(frame, output);
      if (failure !== undefined) {
        return failure;
      }
    }
    return undefined;
  };

  const pull = async (): Promise<Pulled> => {
    const output: string[] = [];
    try {
      const chunk = await response.next();
      if (chunk === null) {
        const failure = apply(parser.end(), output);
        if (failure !== undefined) {
          return { output, failure, ended: true };
        }
        return { output, failure: transformer.end(output), ended: true };
      }
      const failure = apply(parser.push(chunk), output);
      return { output, failure, ended: failure !== undefined };
    } catch (error) {
      return { output, failure: framingFailure(error), ended: true };
    }
  };

  // Up to the commit point: buffer what arrives until content is among it. Nothing has been
  // written to the client yet, so any failure here, even one that follows valid events in the
  // same read, is thrown for the caller to fall back on.
  const head: string[] = [];
  let pending: Pulled;
  for (;;) {
    pending = await pull();
    head.push(...pending.output);
    if (pending.failure !== undefined) {
      response.release();
      throw pending.failure;
    }
    if (transformer.contentStarted || pending.ended) {
      break;
    }
  }
  if (!transformer.contentStarted) {
    response.release();
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: 'the stream ended without content',
    });
  }

  if (options.drainMs > 0) {
    response.outliveClient();
  }

  /** Reads the rest of the stream without a client, until it ends or `drainMs` passes. */
  const drain = async (from: Pulled): Promise<boolean> => {
    const deadline = setTimeout(() => {
      response.release();
    }, options.drainMs);
    try {
      let current = from;
      while (current.failure === undefined && !current.ended) {
        current = await pull();
      }
      return current.failure === undefined;
    } finally {
      clearTimeout(deadline);
    }
  };

  let settle: (outcome: StreamOutcome) => void = () => undefined;
  const outcome = new Promise<StreamOutcome>((resolve) => {
    settle = resolve;
  });

  async function* chunks(): AsyncGenerator<string> {
    // Stays 'client-closed' unless the stream reaches an end: a consumer that stops early left.
    let status: StreamOutcome['status'] = 'client-closed';
    let failure: GatewayError | undefined;
    let current = pending;
    let usageFinal = false;
    try {
      // A few strings per read from upstream, not one per event: each yield is a write to the
      // client's socket, and a read often carries dozens of small events.
      yield* joinForWrites(head);
      for (;;) {
        if (current.failure !== undefined) {
          failure = current.failure;
          if (failure.code === 'SB_ERR_CLIENT_CLOSED') {
            return;
          }
          status = 'upstream-error';
          yield transformer.fail(failure);
          return;
        }
        if (current.ended) {
          status = 'completed';
          usageFinal = true;
          return;
        }
        current = await pull();
        yield* joinForWrites(current.output);
      }
    } finally {
      if (status === 'client-closed' && options.drainMs > 0 && failure === undefined) {
        usageFinal = await drain(current);
      }
      response.release();
      if (status === 'client-closed') {
        failure ??= new GatewayError('SB_ERR_CLIENT_CLOSED');
      }
      settle({
        status,
        usage: transformer.usage,
        finishReasons: transformer.finishReasons,
        answerSchema: transformer.answerSchema,
        answer: status === 'completed' ? transformer.answer : undefined,
        error: failure,
        usageFinal,
      });
    }
  }

  return { chunks: chunks(), outcome };
}
