import { expect } from 'vitest';
import type { RequestRecord } from '../../src/observability/request-record.ts';
import type { TestGateway } from './test-gateway.ts';

/** One of the three ingress dialects the fault matrix drives. */
export interface Ingress {
  readonly name: 'chat' | 'messages' | 'responses';
  readonly path: string;
  body(model: string, content: string, stream: boolean, maxTokens?: number): object;
  /** The event that ends a successful stream in this dialect. */
  readonly doneMarker: string;
}

export const ingresses: readonly Ingress[] = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    body: (model, content, stream, maxTokens) => ({
      model,
      stream,
      messages: [{ role: 'user', content }],
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    }),
    doneMarker: 'data: [DONE]',
  },
  {
    name: 'messages',
    path: '/v1/messages',
    body: (model, content, stream, maxTokens) => ({
      model,
      stream,
      max_tokens: maxTokens ?? 200,
      messages: [{ role: 'user', content }],
    }),
    doneMarker: 'event: message_stop',
  },
  {
    name: 'responses',
    path: '/v1/responses',
    body: (model, content, stream, maxTokens) => ({
      model,
      stream,
      input: content,
      ...(maxTokens === undefined ? {} : { max_output_tokens: maxTokens }),
    }),
    doneMarker: 'event: response.completed',
  },
];

/** What the client saw, in a dialect-neutral form. */
export interface Outcome {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  readonly requestId: string;
  /** The SB_ERR_ code of an error body or of the stream's final error event. */
  readonly errorCode: string | undefined;
  /** For a 200 stream: whether it ended with the dialect's own success marker. */
  readonly completed: boolean;
  readonly ms: number;
}

/** The last SSE event block of `text` (blank-line separated). */
function lastEvent(text: string): string {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split('\n\n')
    .filter((block) => block.trim() !== '');
  return blocks.at(-1) ?? '';
}

/** Sends one request to `ingress` and classifies what came back. */
export async function callIngress(
  harness: TestGateway,
  apiKey: string,
  ingress: Ingress,
  options: { model: string; content: string; stream: boolean; maxTokens?: number },
): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(harness.url + ingress.path, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      ingress.body(options.model, options.content, options.stream, options.maxTokens),
    ),
  });
  const text = await response.text();
  const tail = response.status === 200 && options.stream ? lastEvent(text) : text;
  const requestId = response.headers.get('x-signalbox-request-id') ?? '';
  return {
    status: response.status,
    text,
    headers: response.headers,
    requestId,
    errorCode: /SB_ERR_[A-Z_]+/.exec(tail)?.[0],
    completed: response.status === 200 && options.stream && tail.includes(ingress.doneMarker),
    ms: performance.now() - started,
  };
}

/**
 * Waits for the request's record, then checks that exactly one record exists for it (a late
 * duplicate would show up within the grace period) and returns it.
 */
export async function onlyRecord(harness: TestGateway, requestId: string): Promise<RequestRecord> {
  expect(requestId).not.toBe('');
  const record = await harness.waitForRecord((entry) => entry.requestId === requestId);
  await new Promise((resolve) => setTimeout(resolve, 15));
  expect(harness.records.filter((entry) => entry.requestId === requestId)).toHaveLength(1);
  return record;
}

/** A record's usage and cost are present, finite and not negative. */
export function expectSaneUsage(record: RequestRecord): void {
  expect(record.usage).toBeDefined();
  for (const value of [record.usage?.inputTokens.total, record.usage?.outputTokens.total]) {
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
  }
  if (record.costUsd !== undefined) {
    expect(Number.isFinite(record.costUsd)).toBe(true);
    expect(record.costUsd).toBeGreaterThanOrEqual(0);
  }
}
