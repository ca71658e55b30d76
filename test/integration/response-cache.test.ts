import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';
import { testRedisUrl } from '../helpers/redis-test-clients.ts';

let harness: TestGateway | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const providers = `providers:
  - { id: mock, type: mock }
  - { id: other, type: mock }
models:
  - alias: assistant
    targets: [{ provider: mock, model: echo }]
    fallbacks: [backup]
  - alias: backup
    targets: [{ provider: other, model: echo }]
`;

async function start(cache: string): Promise<TestGateway> {
  harness = await startTestGateway({ config: `${providers}${cache}` });
  return harness;
}

/** A key of `org` (created with the organisation when needed). */
async function keyOf(gateway: TestGateway, org: string, tags: string[] = []): Promise<string> {
  if (org !== 'default') {
    const created = await gateway.admin('POST', '/admin/orgs', { id: org, name: org });
    expect([201, 409]).toContain(created.status);
  }
  const response = await gateway.admin('POST', '/admin/keys', { name: `key-${org}`, org, tags });
  expect(response.status).toBe(201);
  return ((await response.json()) as { key: string }).key;
}

function ask(
  gateway: TestGateway,
  key: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${gateway.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model: 'assistant',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      ...body,
    }),
  });
}

/** Sends and reads a request; resolves the cache header and the body. */
async function send(
  gateway: TestGateway,
  key: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ cache: string | null; body: string; cost: string | null; status: number }> {
  const response = await ask(gateway, key, body, headers);
  const text = await response.text();
  return {
    status: response.status,
    cache: response.headers.get('x-signalbox-cache'),
    body: text,
    cost: response.headers.get('x-signalbox-cost-usd'),
  };
}

/** Stored entries are written behind the answer: wait until a request hits. */
async function untilHit(gateway: TestGateway, key: string, body: Record<string, unknown> = {}) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const result = await send(gateway, key, body);
    if (result.cache === 'hit') return result;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the answer was never served from the cache');
}

describe('the response caches', () => {
  it('serves a repeated request from the cache, identically and at no cost, within one tenant only', async () => {
    const gateway = await start('cache: { backend: memory }\n');
    const acme = await keyOf(gateway, 'acme');
    const acmeToo = await keyOf(gateway, 'acme');
    const globex = await keyOf(gateway, 'globex');
    const first = await send(gateway, acme);
    expect(first.cache).toBe('miss');
    const hit = await untilHit(gateway, acmeToo);
    expect(JSON.parse(hit.body)).toEqual(JSON.parse(first.body));
    expect(hit.cost).toBe('0');
    // Another organisation sending the byte-identical request never gets acme's entry.
    expect((await send(gateway, globex)).cache).toBe('miss');
    const record = await gateway.waitForRecord(
      (entry) => entry.cache?.status === 'hit' && entry.keyId !== undefined,
    );
    expect(record.costUsd).toBe(0);
    expect(record.attempts).toEqual([]);
    // The spend report counts the hit, at no cost.
    await expect
      .poll(async () => {
        const report = (await (await gateway.admin('GET', '/admin/spend?org=acme')).json()) as {
          data: { cache_hits: number; requests: number }[];
        };
        return report.data[0];
      })
      .toMatchObject({ requests: 2, cache_hits: 1 });
  });

  it('misses when any answer-relevant field changes, and hits when only delivery fields do', async () => {
    const gateway = await start('cache: { backend: memory }\n');
    const key = await keyOf(gateway, 'default');
    await send(gateway, key, { temperature: 0 });
    await untilHit(gateway, key, { temperature: 0 });
    const changes: Record<string, unknown>[] = [
      { temperature: 0.5 },
      { temperature: 0, seed: 7 },
      { temperature: 0, n: 2 },
      { temperature: 0, max_tokens: 50 },
      { temperature: 0, top_p: 0.5 },
      { temperature: 0, response_format: { type: 'json_object' } },
      { temperature: 0, stop: ['.'] },
      {
        temperature: 0,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      },
      { temperature: 0, messages: [{ role: 'user', content: 'What is the capital of Spain?' }] },
      {
        temperature: 0,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'What is the capital of France?' },
        ],
      },
    ];
    for (const change of changes) {
      expect((await send(gateway, key, change)).cache, JSON.stringify(change)).toBe('miss');
    }
    // Who asked and how it is delivered do not change the answer.
    expect((await send(gateway, key, { temperature: 0, user: 'someone-else' })).cache).toBe('hit');
    expect((await send(gateway, key, { temperature: 0, metadata: { a: 'b' } })).cache).toBe('hit');
  });

  it('replays a cached answer as a proper stream, and caches a streamed answer for a complete request', async () => {
    const gateway = await start('cache: { backend: memory }\n');
    const key = await keyOf(gateway, 'default');
    const complete = await send(gateway, key);
    await untilHit(gateway, key);
    const streamed = await ask(gateway, key, {
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(streamed.headers.get('x-signalbox-cache')).toBe('hit');
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const text = await streamed.text();
    const events = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
      .map(
        (frame) =>
          JSON.parse(frame.slice(6)) as {
            choices: { delta: { content?: string } }[];
            usage?: unknown;
          },
      );
    const content = events.map((event) => event.choices[0]?.delta.content ?? '').join('');
    const original = JSON.parse(complete.body) as {
      choices: { message: { content: string } }[];
    };
    expect(content).toBe(original.choices[0]?.message.content);
    expect(events.some((event) => event.usage !== undefined && event.usage !== null)).toBe(true);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);

    const question = { messages: [{ role: 'user', content: 'Stream first, then ask whole.' }] };
    const firstStream = await ask(gateway, key, { ...question, stream: true });
    expect(firstStream.headers.get('x-signalbox-cache')).toBe('miss');
    await firstStream.text();
    const whole = await untilHit(gateway, key, question);
    expect(JSON.parse(whole.body)).toMatchObject({ object: 'chat.completion' });
  });

  it('obeys Cache-Control and x-signalbox-cache-ttl, excluded keys and per-alias settings', async () => {
    const gateway = await start(
      'cache:\n  backend: memory\n  exclude_key_tags: [no-cache]\n  aliases:\n    backup: { enabled: false }\n',
    );
    const key = await keyOf(gateway, 'default');
    const excluded = await keyOf(gateway, 'default', ['no-cache']);
    expect((await send(gateway, key, {}, { 'cache-control': 'no-store' })).cache).toBe('bypass');
    expect((await send(gateway, key, {}, { 'x-signalbox-cache-ttl': '0' })).cache).toBe('miss');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Neither of those stored anything.
    expect((await send(gateway, key, {}, { 'cache-control': 'no-cache' })).cache).toBe('miss');
    // no-cache stored the fresh answer; it is served from now on.
    await untilHit(gateway, key);
    expect((await send(gateway, key, {}, { 'cache-control': 'no-cache' })).cache).toBe('miss');
    expect((await send(gateway, excluded)).cache).toBe('bypass');
    expect((await send(gateway, key, { model: 'backup' })).cache).toBe('bypass');
    const bad = await send(gateway, key, {}, { 'x-signalbox-cache-ttl': 'soon' });
    expect(bad.status).toBe(400);
    // A short TTL expires.
    const shortLived = { messages: [{ role: 'user', content: 'short-lived' }] };
    await send(gateway, key, shortLived, { 'x-signalbox-cache-ttl': '1' });
    await untilHit(gateway, key, shortLived);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(gateway, key, shortLived)).cache).toBe('miss');
  });

  it('keeps entries in SQLite over a restart', async () => {
    const config = 'cache: { backend: sqlite }\n';
    const first = await start(config);
    const key = await keyOf(first, 'default');
    await send(first, key);
    await untilHit(first, key);
    const stateDir = first.stateDir;
    await first.close();
    harness = await startTestGateway({ config: `${providers}${config}`, stateDir });
    const again = await keyOf(harness, 'default');
    expect((await send(harness, again)).cache).toBe('hit');
  });

  it('shares entries between replicas through Redis', async () => {
    const config = `${providers}storage:\n  redis_url: \${env:CACHE_TEST_REDIS_URL}\n  redis_key_prefix: "signalbox-test:${randomUUID()}:"\ncache: { backend: redis, ttl_seconds: 30 }\n`;
    const environment = { CACHE_TEST_REDIS_URL: testRedisUrl };
    const first = await startTestGateway({ config, environment });
    harness = first;
    const second = await startTestGateway({ config, environment });
    try {
      expect((await send(first, testAdminKey)).cache).toBe('miss');
      const hit = await untilHit(second, testAdminKey);
      expect(hit.cost).toBe('0');
      const invalidated = await second.admin('POST', '/admin/cache/invalidate', {
        alias: 'assistant',
      });
      expect(invalidated.status).toBe(200);
      expect(((await invalidated.json()) as { removed: number }).removed).toBe(1);
      expect((await send(first, testAdminKey)).cache).toBe('miss');
    } finally {
      await second.close();
    }
  });

  it('serves a reworded question from the semantic cache, within one tenant, never across numbers', async () => {
    const gateway = await start('cache:\n  backend: memory\n  semantic: {}\n');
    const acme = await keyOf(gateway, 'acme');
    const globex = await keyOf(gateway, 'globex');
    const question = (content: string) => ({ messages: [{ role: 'user', content }] });
    const original = await send(
      gateway,
      acme,
      question('How many moons does the planet Mars have?'),
    );
    expect(original.cache).toBe('miss');
    await untilHit(gateway, acme, question('How many moons does the planet Mars have?'));
    const reworded = await send(
      gateway,
      acme,
      question('How many moons does the planet Mars have, please?'),
    );
    expect(reworded.cache).toBe('semantic-hit');
    expect(JSON.parse(reworded.body)).toEqual(JSON.parse(original.body));
    const record = await gateway.waitForRecord((entry) => entry.cache?.status === 'semantic-hit');
    expect(record.cache?.similarity).toBeGreaterThanOrEqual(0.8);
    // The same rewording from another tenant is a miss.
    expect(
      (await send(gateway, globex, question('How many moons does the planet Mars have, please?')))
        .cache,
    ).toBe('miss');
    // A changed number or name is never a hit, however alike the words.
    const counting = 'Tom has 5 apples and eats 2. How many apples are left?';
    await send(gateway, acme, question(counting));
    await untilHit(gateway, acme, question(counting));
    expect(
      (
        await send(
          gateway,
          acme,
          question('Tom has 7 apples and eats 2. How many apples are left?'),
        )
      ).cache,
    ).toBe('miss');
    // Hot sampling and tools skip it.
    expect(
      (
        await send(gateway, acme, {
          ...question('How many moons does the planet Mars have, please?'),
          temperature: 1.5,
        })
      ).cache,
    ).toBe('miss');
  });

  it('can use an embeddings model configured in Signalbox as the semantic encoder', async () => {
    const gateway = await start(
      'cache:\n  semantic: { encoder: { type: embeddings, model: mock/embed }, threshold: 0.99 }\n',
    );
    expect(gateway.logLines.join('\n')).toContain('embeddings:mock/embed:16');
    const key = await keyOf(gateway, 'default');
    const question = (content: string) => ({ messages: [{ role: 'user', content }] });
    await send(gateway, key, question('What is the boiling point of water at sea level?'));
    await untilHit(gateway, key, question('What is the boiling point of water at sea level?'));
    // The mock embeds equal texts equally: surrounding whitespace is not part of the message.
    const spaced = await send(
      gateway,
      key,
      question('  What is the boiling point of water at sea level?\n'),
    );
    expect(spaced.cache).toBe('semantic-hit');
    expect(
      (await send(gateway, key, question('What is the freezing point of water at sea level?')))
        .cache,
    ).toBe('miss');
    // The encoder's own calls are accounted as requests of the service identity `semantic-cache`.
    await expect
      .poll(async () => (await gateway.admin('GET', '/admin/spend?group_by=key')).text())
      .toContain('semantic-cache');
  });

  it('finds a semantic match stored by another replica', async () => {
    const config = `${providers}storage:\n  redis_url: \${env:CACHE_TEST_REDIS_URL}\n  redis_key_prefix: "signalbox-test:${randomUUID()}:"\ncache: { backend: redis, ttl_seconds: 30, semantic: {} }\n`;
    const environment = { CACHE_TEST_REDIS_URL: testRedisUrl };
    const first = await startTestGateway({ config, environment });
    harness = first;
    const second = await startTestGateway({ config, environment });
    try {
      const question = (content: string) => ({ messages: [{ role: 'user', content }] });
      await send(first, testAdminKey, question('Which river flows through the city of Vienna?'));
      // The second replica indexes the first one's entry within a second (its feed is polled).
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const status = (
        await send(
          second,
          testAdminKey,
          question('Which river flows through the city of Vienna, please?'),
        )
      ).cache;
      expect(status).toBe('semantic-hit');
    } finally {
      await second.close();
    }
  });
});
