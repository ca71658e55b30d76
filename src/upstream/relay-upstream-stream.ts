import type { Usage } from '../canonical/usage.ts';
import type { DialectCodec } from '../dialects/dialect-codec.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamResponse } from './send-upstream-request.ts';
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
  response: UpstreamResponse,
  codec: DialectCodec,
  stripUsageChunk: boolean,
): Promise<CommittedStream> {
  const parser = new SseParser();
  const tap = codec.createStreamTap({ stripUsageChunk });
  const body = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  const pull = async (): Promise<Pulled> => {
    const output: string[] = [];
    try {
      const next = await body.next();
      const ended = next.done === true;
      const frames = ended ? parser.end() : parser.push(next.value);
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
        error instanceof SseEventTooLargeError
          ? new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', { internalDetail: error.message })
          : response.explainFailure(error);
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
    let status: StreamOutcome['status'] = 'client-closed';
    let failure: GatewayError | undefined = new GatewayError('SB_ERR_CLIENT_CLOSED');
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
          failure = undefined;
          return;
        }
        current = await pull();
        yield* current.output;
      }
    } finally {
      response.release();
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
