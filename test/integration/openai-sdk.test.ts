import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { eventually, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const upstreamKey = 'sk-upstream-canary-4d1f9a';

let upstream: MockProviderServer;
let harness: TestGateway;
let appKey: string;

beforeAll(async () => {
  upstream = await startMockProvider({ apiKey: upstreamKey });
  harness = await startTestGateway({
    environment: { UPSTREAM_KEY: upstreamKey },
    // Streams and errors are under test here, not routing policy: no retries, no breaker.
    config: `
routing:
  retries: { max_retries: 0 }
  breaker: { min_requests: 100000 }
  cooldown_ms: 0
server: { max_body_bytes: 65536 }
providers:
  - id: upstream
    type: openai-compatible
    base_url: ${upstream.baseUrl}
    api_key: \${env:UPSTREAM_KEY}
    models: [echo, fast, embed]
    timeouts: { first_byte_ms: 400, idle_ms: 400, total_ms: 5000 }
  - id: mock
    type: mock
models:
  - alias: chat
    targets: [{ provider: upstream, model: echo }]
`,
  });
  appKey = await harness.createKey({ name: 'app' });
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
    },
  },
};

function lastUpstreamBody(): Record<string, unknown> {
  const last = upstream.requests.at(-1);
  return JSON.parse(last?.body ?? '{}') as Record<string, unknown>;
}

describe('chat completions through the official OpenAI SDK', () => {
  it('answers from the built-in mock/echo model, with the gateway headers', async () => {
    const { data, response } = await harness
      .client(appKey)
      .chat.completions.create({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'Hello, gateway!' }],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello, gateway!');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-signalbox-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-signalbox-provider')).toBe('mock');
    expect(response.headers.get('x-signalbox-model')).toBe('echo');
    expect(response.headers.get('server-timing')).toMatch(
      /^gateway;dur=\d+(\.\d{1,3})?, upstream;dur=\d+(\.\d{1,3})?$/,
    );
  });

  it('routes an alias to its target with the provider key, forwarding unknown fields as sent', async () => {
    const completion = await harness.client(appKey).chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'via alias' }],
      // A parameter the gateway does not know must still reach the provider.
      ...({ x_new_provider_param: { keep: [1, 2] } } as object),
    });
    expect(completion.choices[0]?.message.content).toBe('via alias');
    const request = upstream.requests.at(-1);
    expect(request?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    expect(request?.body).toContain('"x_new_provider_param":{"keep":[1,2]}');
    expect(lastUpstreamBody().model).toBe('echo');
    expect(JSON.stringify(request?.headers)).not.toContain(appKey);
  });

  it('streams without usage when the client did not ask, yet records the usage', async () => {
    const stream = await harness.client(appKey).chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'stream me please' }],
    });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks += 1;
    }
    expect(text).toBe('stream me please');
    expect(usageChunks).toBe(0);
    expect(lastUpstreamBody().stream_options).toEqual({ include_usage: true });
    const record = await harness.waitForRecord(
      (entry) => entry.stream && entry.requestedModel === 'chat',
    );
    expect(record.usage?.outputTokens.total).toBe(3);
    expect(record.finishReasons).toEqual(['stop']);
    expect(record.outcome).toBe('completed');
  });

  it('streams with usage when the client asks for it', async () => {
    const stream = await harness.client(appKey).chat.completions.create({
      model: 'mock/echo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count these tokens' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(3);
  });

  it('passes tool calls through, whole and streamed', async () => {
    const client = harness.client(appKey);
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Paris' }],
      tools: [weatherTool],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.name : '').toBe('get_weather');
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: 'Paris',
      days: 1,
    });

    const stream = client.chat.completions.stream({
      model: 'chat',
      messages: [{ role: 'user', content: 'Lisbon' }],
      tools: [weatherTool],
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(
      streamed?.type === 'function' ? JSON.parse(streamed.function.arguments) : undefined,
    ).toEqual({
      city: 'Lisbon',
      days: 1,
    });
  });

  it('creates embeddings (the SDK asks for base64 and decodes it)', async () => {
    const result = await harness
      .client(appKey)
      .embeddings.create({ model: 'mock/embed', input: ['one', 'two'] });
    expect(result.data).toHaveLength(2);
    const vector = result.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(16);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(result.usage.prompt_tokens).toBe(2);
  });

  it('lists the models the key may use', async () => {
    const all = [];
    for await (const model of harness.client(appKey).models.list()) all.push(model.id);
    expect(all).toEqual([
      'chat',
      'upstream/echo',
      'upstream/fast',
      'upstream/embed',
      'mock/echo',
      'mock/fast',
      'mock/embed',
    ]);
    const limited = await harness.createKey({ name: 'limited', models: ['mock/*'] });
    const visible = [];
    for await (const model of harness.client(limited).models.list()) visible.push(model.id);
    expect(visible).toEqual(['mock/echo', 'mock/fast', 'mock/embed']);
    await expect(
      harness
        .client(limited)
        .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 403, code: 'SB_ERR_AUTH_MODEL_NOT_ALLOWED' });
  });
});

describe('refusals', () => {
  it('refuses a bad key with 401', async () => {
    const call = harness
      .client('sk-sb-notarealkey')
      .chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] });
    await expect(call).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(call).rejects.toMatchObject({ status: 401, code: 'SB_ERR_AUTH_INVALID_KEY' });
  });

  it('refuses an unknown model with 404', async () => {
    const call = harness
      .client(appKey)
      .chat.completions.create({ model: 'gpt-99', messages: [{ role: 'user', content: 'x' }] });
    await expect(call).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(call).rejects.toMatchObject({
      status: 404,
      code: 'SB_ERR_MODEL_NOT_FOUND',
      param: 'model',
    });
  });

  it('refuses malformed JSON with 400 and says what is wrong', async () => {
    const response = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
      body: '{"model": "mock/echo", "messages": [',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SB_ERR_REQUEST_INVALID_JSON');
    expect(body.error.message).toMatch(/^The request body is not valid JSON\. \(.+\)$/);
  });

  it('refuses an oversized body with 413, by declared length and while reading', async () => {
    const big = JSON.stringify({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'x'.repeat(100_000) }],
    });
    const declared = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe(
      'SB_ERR_REQUEST_TOO_LARGE',
    );
    const chunked = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    const viaSdk = harness.client(appKey).chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'x'.repeat(100_000) }],
    });
    await expect(viaSdk).rejects.toMatchObject({ status: 413, code: 'SB_ERR_REQUEST_TOO_LARGE' });
  });
});

describe('upstream failures are mapped and never leaked', () => {
  const ask = (content: string) =>
    harness
      .client(appKey)
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }] });

  it('maps a 429 to a rate-limit error and passes a sane Retry-After', async () => {
    const error = await ask('!mock status=429 retry_after=7').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'SB_ERR_UPSTREAM_RATE_LIMITED' });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(
      '7',
    );
    expect(JSON.stringify(error)).not.toContain('Scripted failure');
  });

  it('maps a 500 to a 502 without the provider text', async () => {
    const error = await ask('!mock status=500').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'SB_ERR_UPSTREAM_ERROR' });
    expect((error as Error).message).not.toContain('Scripted failure');
  });

  it('maps a slow first byte to a 504', async () => {
    const error = await ask('!mock delay_ms=1500').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 504, code: 'SB_ERR_UPSTREAM_TIMEOUT' });
  });

  it('never echoes the provider key or provider messages in any error body', async () => {
    for (const directive of [
      'status=400',
      'status=401',
      'status=503',
      'status=404',
      'malformed=html',
    ]) {
      const response = await fetch(`${harness.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'chat',
          messages: [{ role: 'user', content: `!mock ${directive}` }],
        }),
      });
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(text).not.toContain(upstreamKey);
      expect(text).not.toMatch(/Scripted failure|Incorrect API key|Bad gateway/);
    }
    expect(harness.logLines.join('')).not.toContain(upstreamKey);
  });
});

describe('client disconnects', () => {
  it('closes the upstream request when the client aborts mid-stream', async () => {
    const abortedBefore = upstream.abortedResponses;
    const controller = new AbortController();
    const stream = await harness.client(appKey).chat.completions.create(
      {
        model: 'chat',
        stream: true,
        messages: [{ role: 'user', content: '!mock tokens=400 tps=40\nlong answer' }],
      },
      { signal: controller.signal },
    );
    let received = 0;
    try {
      for await (const chunk of stream) {
        received += chunk.choices.length;
        if (received === 3) controller.abort();
      }
    } catch {
      // The SDK may surface the abort as an error or simply end the stream.
    }
    expect(received).toBeLessThan(50);
    await eventually(() => upstream.abortedResponses === abortedBefore + 1);
    const record = await harness.waitForRecord((entry) => entry.outcome === 'client-closed');
    expect(record.stream).toBe(true);
  });
});
