import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunkLines, readRecordingText } from '../../test/helpers/provider-recordings.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';
import { SseParser } from '../upstream/sse-parser.ts';
import { extractMockDirectives } from './mock-directives.ts';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.ts';

let mock: MockProviderServer;

beforeAll(async () => {
  mock = await startMockProvider({ name: 'primary' });
});

afterAll(async () => {
  await mock.close();
});

function object(text: string): JsonObject {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    throw new Error(`not a JSON object: ${text}`);
  }
  return parsed.value;
}

/** The shape of a JSON value: object keys (recursively) and value types, not the values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : [shape(value[0])];
  }
  if (isJsonObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shape(value[key])]),
    );
  }
  return value === null ? null : typeof value;
}

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(mock.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function streamData(response: Response): Promise<string[]> {
  const parser = new SseParser();
  const frames = [...parser.push(await response.text()), ...parser.end()];
  return frames.flatMap((frame) => (frame.kind === 'event' ? [frame.data] : []));
}

describe('the mock speaks the OpenAI wire format', () => {
  it('answers a chat completion shaped exactly like a recorded OpenAI one', async () => {
    const response = await post('/chat/completions', {
      model: 'echo',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = object(await response.text());
    expect(shape(body)).toEqual(
      shape(object(readRecordingText('openai-chat/openai/openai-text.json'))),
    );
  });

  it('streams chunks shaped like the recorded ones, ending in a usage chunk and [DONE]', async () => {
    const response = await post('/chat/completions', {
      model: 'echo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi there' }],
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await streamData(response);
    expect(events.at(-1)).toBe('[DONE]');
    const recorded = readChunkLines('openai-chat/openai/openai-text.chunks.txt').map(object);
    const ours = events.slice(0, -1).map(object);
    const withoutObfuscation = (chunk: JsonObject): JsonObject =>
      Object.fromEntries(Object.entries(chunk).filter(([key]) => key !== 'obfuscation'));
    expect(shape(ours[0])).toEqual(shape(withoutObfuscation(recorded[0] ?? {})));
    expect(shape(ours[1])).toEqual(shape(withoutObfuscation(recorded[1] ?? {})));
    expect(shape(ours.at(-1))).toEqual(shape(withoutObfuscation(recorded.at(-1) ?? {})));
  });

  it('answers embeddings as floats or base64 float32, deterministically', async () => {
    const floats = object(
      await (
        await post('/embeddings', { model: 'embed', input: 'same text', dimensions: 8 })
      ).text(),
    );
    const base64 = object(
      await (
        await post('/embeddings', {
          model: 'embed',
          input: 'same text',
          dimensions: 8,
          encoding_format: 'base64',
        })
      ).text(),
    );
    const vector = (floats.data as { embedding: number[] }[])[0]?.embedding ?? [];
    const encoded = (base64.data as { embedding: string }[])[0]?.embedding ?? '';
    const decoded = Array.from(
      new Float32Array(new Uint8Array(Buffer.from(encoded, 'base64')).buffer),
    );
    expect(vector).toHaveLength(8);
    decoded.forEach((value, index) => expect(value).toBeCloseTo(vector[index] ?? 0, 6));
  });

  it('answers unknown models and URLs like OpenAI does', async () => {
    const model = await post('/chat/completions', {
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(model.status).toBe(404);
    expect(object(await model.text())).toMatchObject({
      error: { code: 'model_not_found', param: 'model' },
    });
    expect((await post('/completions', {})).status).toBe(404);
  });

  it('honours max_tokens with finish reason length, unless told to run away', async () => {
    const limited = object(
      await (
        await post('/chat/completions', {
          model: 'echo',
          max_tokens: 2,
          messages: [{ role: 'user', content: 'one two three four' }],
        })
      ).text(),
    );
    expect(limited).toMatchObject({
      choices: [{ message: { content: 'one two' }, finish_reason: 'length' }],
    });
    const runaway = object(
      await (
        await post('/chat/completions', {
          model: 'echo',
          max_tokens: 2,
          messages: [{ role: 'user', content: '!mock tokens=50\nword' }],
        })
      ).text(),
    );
    expect((runaway.usage as { completion_tokens: number }).completion_tokens).toBe(50);
  });

  it('obeys scripted faults addressed to it, and ignores those addressed to another mock', async () => {
    const failing = await post('/chat/completions', {
      model: 'echo',
      messages: [{ role: 'user', content: '!mock:primary status=429 retry_after=3\nhi' }],
    });
    expect(failing.status).toBe(429);
    expect(failing.headers.get('retry-after')).toBe('3');
    const other = await post('/chat/completions', {
      model: 'echo',
      messages: [{ role: 'user', content: '!mock:secondary status=500\nhi' }],
    });
    expect(other.status).toBe(200);
    expect(object(await other.text())).toMatchObject({ choices: [{ message: { content: 'hi' } }] });
  });

  it('records what it received', async () => {
    await post(
      '/chat/completions',
      { model: 'fast', messages: [{ role: 'user', content: 'recorded' }] },
      { 'x-test': '1' },
    );
    const last = mock.requests.at(-1);
    expect(last?.path).toBe('/v1/chat/completions');
    expect(last?.headers['x-test']).toBe('1');
    expect(last?.body).toContain('recorded');
  });
});

describe('extractMockDirectives', () => {
  it('reads every directive line for this mock and removes all of them from the text', () => {
    expect(
      extractMockDirectives(
        '!mock status=500\nhello\n!mock:other delay_ms=5\n!mock:me tokens=3 parallel',
        'me',
      ),
    ).toEqual({
      directives: { status: 500, tokens: 3, parallelTools: true },
      text: 'hello',
    });
  });

  it('ignores unknown keys and out-of-range values', () => {
    expect(
      extractMockDirectives('!mock status=99999 stall_ms=-1 future=1 malformed=weird', 'mock')
        .directives,
    ).toEqual({});
  });
});
