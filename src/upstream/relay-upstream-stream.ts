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

/**
 * Relays an upstream event stream to the client through the dialect's tap, and resolves when the
 * first data event arrives (the commit point): a failure before then throws `GatewayError`, so the
 * caller may still fall back to another target; a failure after it becomes one in-stream error
 * event followed by the end of the stream. Backpressure is preserved: nothing is read from
 * upstream until the client has taken what came before.
 */
export async function relayUpstreamStream(
  response: UpstreamResponse,
  codec: DialectCodec,
  stripUsageChunk: boolean,
): Promise<CommittedStream> {
  const parser = new SseParser();
  const tap = codec.createStreamTap({ stripUsageChunk });
  const body = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  /** Set once upstream has signalled the end of its body. */
  const state = { ended: false };

  /** Reads the next upstream chunk and returns what to forward; null once upstream has ended. */
  const pull = async (): Promise<string[] | null> => {
    if (state.ended) {
      return null;
    }
    let next: IteratorResult<Buffer>;
    try {
      next = await body.next();
    } catch (error) {
      throw response.explainFailure(error);
    }
    const frames = next.done === true ? parser.end() : parser.push(next.value);
    if (next.done === true) {
      state.ended = true;
    }
    const output: string[] = [];
    for (const frame of frames) {
      const result = tap.push(frame);
      if (result.kind === 'fail') {
        throw result.error;
      }
      if (result.kind === 'forward') {
        output.push(result.text);
      }
    }
    if (state.ended && !tap.complete) {
      throw new GatewayError('SB_ERR_UPSTREAM_ERROR', {
        detail: 'The provider closed the stream before it finished.',
        internalDetail: 'stream ended without an end marker or finish reason',
      });
    }
    return output;
  };

  const pullSafely = async (): Promise<string[] | null> => {
    try {
      return await pull();
    } catch (error) {
      if (error instanceof SseEventTooLargeError) {
        throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
          internalDetail: error.message,
        });
      }
      throw error;
    }
  };

  // Up to the commit point: buffer what arrives until a data event is among it.
  const head: string[] = [];
  try {
    for (;;) {
      const output = await pullSafely();
      if (output === null) {
        throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
          internalDetail: 'empty event stream',
        });
      }
      head.push(...output);
      if (tap.forwardedEvents > 0 || state.ended) {
        break;
      }
    }
  } catch (error) {
    response.release();
    throw error instanceof GatewayError ? error : response.explainFailure(error);
  }

  let settle: (outcome: StreamOutcome) => void = () => undefined;
  const outcome = new Promise<StreamOutcome>((resolve) => {
    settle = resolve;
  });
  const finish = (status: StreamOutcome['status'], error: GatewayError | undefined): void => {
    settle({ status, usage: tap.usage, finishReasons: [...tap.finishReasons.values()], error });
  };

  async function* chunks(): AsyncGenerator<string> {
    let status: StreamOutcome['status'] = 'client-closed';
    let failure: GatewayError | undefined = new GatewayError('SB_ERR_CLIENT_CLOSED');
    try {
      yield* head;
      for (;;) {
        let output: string[] | null;
        try {
          output = await pullSafely();
        } catch (error) {
          const gatewayError =
            error instanceof GatewayError ? error : response.explainFailure(error);
          if (gatewayError.code === 'SB_ERR_CLIENT_CLOSED') {
            failure = gatewayError;
            return;
          }
          status = 'upstream-error';
          failure = gatewayError;
          yield codec.encodeStreamError(gatewayError);
          return;
        }
        if (output === null) {
          status = 'completed';
          failure = undefined;
          return;
        }
        yield* output;
      }
    } finally {
      response.release();
      finish(status, failure);
    }
  }

  return { chunks: chunks(), outcome };
}
