import type { TokenTransport } from '../../src/auth/upstream-authorizer.ts';

/** One token request as an authorizer sent it. */
export interface RecordedTokenRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The request body decoded as a form. */
  readonly form: URLSearchParams;
}

/** An answer to give: a JSON value, an error to throw, or a promise the test settles itself. */
export type TokenAnswer = unknown;

/**
 * A fake `TokenTransport` that records every request and answers from a queue (the last answer
 * repeats). An `Error` in the queue is thrown as the transport's failure.
 */
export function createRecordingTokenTransport(...answers: TokenAnswer[]): {
  transport: TokenTransport;
  requests: RecordedTokenRequest[];
  answers: TokenAnswer[];
} {
  const requests: RecordedTokenRequest[] = [];
  const queue = [...answers];
  const transport: TokenTransport = async (request) => {
    requests.push({ ...request, form: new URLSearchParams(request.body) });
    const answer = queue.length > 1 ? queue.shift() : queue[0];
    const settled: unknown = await answer;
    if (settled instanceof Error) {
      throw settled;
    }
    return settled;
  };
  return { transport, requests, answers: queue };
}
