import type { Usage } from '../canonical/usage.ts';
import type { DialectCodec } from '../dialects/dialect-codec.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamExchange } from './upstream-exchange.ts';
import { SseEventTooLargeError, SseParser } from './sse-parser.ts';

/** How a relayed stream ended. */
export interface StreamOutcome {
  readonly status: 'completed' | 'upstream-error' | 'client-closed';
  readonly usage: Usage | undefined;
  readonly finishReasons: readonly string[];
  /** Set unless the stream completed. */
  readonly error: GatewayError | undefined;
}

/** A stream that has passed its commit point: the first data event is in hand. */
export interface CommittedStream {
  /** Text to write to the client, in order. Pulls from upstream only as fast as it is consumed. */
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

/**
 * Relays an upstream event stream to the client through the dialect's tap, and resolves when the
 * first data event arrives (the commit point): a failure before then throws `GatewayError`, so the
 * caller may still fall back to another target; a failure after it becomes one in-stream error
 * event after everything valid that preceded it in the same read, then the end of the stream. Backpressure
 * is preserved: nothing is read from upstream until the client has taken what came before.
 */
export async function relayUpstreamStream(
  response: UpstreamExchange,
  codec: DialectCodec,
  stripUsageChunk: boolean,
): Promise<CommittedStream> {
  const parser = new SseParser();
  const tap = codec.createStreamTap({ stripUsageChunk });

  const pull = async (): Promise<Pulled> => {
    const output: string[] = [];
    try {
      const chunk = await response.next();
      const ended = chunk === null;
      const frames = chunk === null ? parser.end() : parser.push(chunk);
      for (const frame of frames) {
        const result = tap.push(frame);
        if (result.kind === 'fail') {
          return { output, failure: result.error, ended: true };
        }
        if (result.kind === 'forward') {
          output.push(result.text);
        }
      }
      if (ended && !tap.complete) {
        const failure = new GatewayError('SB_ERR_UPSTREAM_ERROR', {
          detail: 'The provider closed the stream before it finished.',
          internalDetail: 'stream ended without an end marker or finish reason',
        });
        return { output, failure, ended };
      }
      return { output, failure: undefined, ended };
    } catch (error) {
      const failure =
        error instanceof GatewayError
          ? error
          : new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
              internalDetail:
                error instanceof SseEventTooLargeError ? error.message : String(error),
            });
      return { output, failure, ended: true };
    }
  };

  // Up to the commit point: buffer what arrives until a data event is among it. Nothing has been
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
    if (tap.forwardedEvents > 0 || pending.ended) {
      break;
    }
  }
  if (tap.forwardedEvents === 0) {
    response.release();
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: 'event stream without data events',
    });
  }

  let settle: (outcome: StreamOutcome) => void = () => undefined;
  const outcome = new Promise<StreamOutcome>((resolve) => {
    settle = resolve;
  });

  async function* chunks(): AsyncGenerator<string> {
    // Stays 'client-closed' unless the stream reaches an end: a consumer that stops early left.
    let status: StreamOutcome['status'] = 'client-closed';
    let failure: GatewayError | undefined;
    try {
      yield* head;
      let current = pending;
      for (;;) {
        if (current.failure !== undefined) {
          failure = current.failure;
          if (failure.code === 'SB_ERR_CLIENT_CLOSED') {
            return;
          }
          status = 'upstream-error';
          yield codec.encodeStreamError(failure);
          return;
        }
        if (current.ended) {
          status = 'completed';
          return;
        }
        current = await pull();
        yield* current.output;
      }
    } finally {
      response.release();
      if (status === 'client-closed') {
        failure ??= new GatewayError('SB_ERR_CLIENT_CLOSED');
      }
      settle({
        status,
        usage: tap.usage,
        finishReasons: [...tap.finishReasons.values()],
        error: failure,
      });
    }
  }

  return { chunks: chunks(), outcome };
}
