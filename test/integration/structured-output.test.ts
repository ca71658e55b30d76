import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// `careful` tries `first`, then `second`; `alone` has `first` only. Both mocks answer JSON built
// from the requested schema unless a `!mock:<name> ignore_format` line makes one echo the prompt.
const config = `
providers:
  - { id: first, type: mock }
  - { id: second, type: mock }
models:
  - alias: careful
    strategy: priority
    targets:
      - { provider: first, model: echo, priority: 0 }
      - { provider: second, model: echo, priority: 1 }
  - alias: alone
    targets:
      - { provider: first, model: echo }
`;

const validating = (onInvalid: 'fallback' | 'error'): string => `
name: shapes
rules: []
output: { json_schema: { validate: true, on_invalid: ${onInvalid} } }
`;

const schema = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
  required: ['city', 'population'],
  additionalProperties: false,
};

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config });
});

afterAll(async () => {
  await harness.close();
});

async function putPolicy(text: string): Promise<void> {
  const response = await fetch(`${harness.url}/admin/policy`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/yaml' },
    body: text,
  });
  // 201 for a new version, 200 when it is already in force.
  expect([200, 201]).toContain(response.status);
}

function chat(
  model: string,
  content: string,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
      ...extra,
    }),
  });
}

async function recordOf(response: Response) {
  const id = response.headers.get('x-signalbox-request-id');
  return harness.waitForRecord((record) => record.requestId === id);
}

interface ErrorBody {
  error: { code: string; message: string; type: string };
}

describe('structured output validated against the requested JSON schema', () => {
  it('checks nothing while the policy does not ask for it', async () => {
    await putPolicy('name: shapes\nrules: []\n');
    const response = await chat('alone', '!mock ignore_format\n{"city": 7}');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('{"city": 7}');
    expect((await recordOf(response)).outputSchema).toBeUndefined();
  });

  it('passes a valid answer untouched and records it as valid', async () => {
    await putPolicy(validating('fallback'));
    const response = await chat('careful', 'Lisbon');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(JSON.parse(body.choices[0]?.message.content ?? '')).toEqual({
      city: 'Lisbon',
      population: 1,
    });
    const record = await recordOf(response);
    expect(record.outputSchema).toBe('valid');
    expect(record.attempts).toHaveLength(1);
  });

  it('falls back to the next deployment when an answer does not match', async () => {
    await putPolicy(validating('fallback'));
    const response = await chat('careful', '!mock:first ignore_format\n{"city": "Oslo"}');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-deployment')).toBe('second/echo');
    const record = await recordOf(response);
    expect(record.deployment).toBe('second/echo');
    expect(record.outputSchema).toBe('valid');
    expect(record.attempts.map((attempt) => [attempt.deployment, attempt.errorClass])).toEqual([
      ['first/echo', 'output-schema'],
      ['second/echo', undefined],
    ]);
    expect(record.attempts[0]?.errorCode).toBe('SB_ERR_OUTPUT_SCHEMA_INVALID');
  });

  it('answers 502 listing the problems, never the answer, when no deployment is left', async () => {
    await putPolicy(validating('fallback'));
    const response = await chat(
      'alone',
      '!mock ignore_format\n{"city": "Top-Secret-Town", "population": -4}',
    );
    expect(response.status).toBe(502);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('SB_ERR_OUTPUT_SCHEMA_INVALID');
    expect(body.error.message).toContain('#/population: fails "minimum"');
    expect(body.error.message).not.toContain('Top-Secret-Town');
    const record = await recordOf(response);
    expect(record.outputSchema).toBe('invalid');
    expect(record.errorCode).toBe('SB_ERR_OUTPUT_SCHEMA_INVALID');
  });

  it('does not fall back with on_invalid: error', async () => {
    await putPolicy(validating('error'));
    const response = await chat('careful', '!mock:first ignore_format\nnot json');
    expect(response.status).toBe(502);
    expect(((await response.json()) as ErrorBody).error.message).toContain('#: not valid JSON');
    const record = await recordOf(response);
    expect(record.attempts.map((attempt) => attempt.deployment)).toEqual(['first/echo']);
  });

  it('ends a stream with the error event instead of its normal end when the answer does not match', async () => {
    await putPolicy(validating('fallback'));
    // Paced, so the content reaches the client before the end arrives (a whole answer in one
    // read is checked before anything is sent, and falls back instead).
    const response = await chat('alone', '!mock ignore_format tps=20\n{"town": "Porto"}', {
      stream: true,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6));
    const last = JSON.parse(events.at(-1) ?? '{}') as Partial<ErrorBody>;
    expect(last.error?.code).toBe('SB_ERR_OUTPUT_SCHEMA_INVALID');
    expect(text).not.toContain('"finish_reason":"stop"');
    expect(text).not.toContain('[DONE]');
    const record = await recordOf(response);
    expect(record.outputSchema).toBe('invalid');
    expect(record.errorCode).toBe('SB_ERR_OUTPUT_SCHEMA_INVALID');
  });

  it('answers 502 for a streamed answer that arrived whole before anything was sent', async () => {
    await putPolicy(validating('fallback'));
    const response = await chat('alone', '!mock ignore_format burst\n{"town": "Porto"}', {
      stream: true,
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as ErrorBody).error.code).toBe('SB_ERR_OUTPUT_SCHEMA_INVALID');
  });

  it('streams a valid answer to its normal end', async () => {
    await putPolicy(validating('fallback'));
    const response = await chat('alone', 'Porto', { stream: true });
    const text = await response.text();
    expect(text).toContain('[DONE]');
    expect(text).not.toContain('SB_ERR_OUTPUT_SCHEMA_INVALID');
    expect((await recordOf(response)).outputSchema).toBe('valid');
  });

  it('validates json_object, the Responses API text.format and Anthropic output_format too', async () => {
    await putPolicy(validating('error'));
    const objectOnly = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'alone',
        messages: [{ role: 'user', content: '!mock ignore_format\n[1, 2]' }],
        response_format: { type: 'json_object' },
      }),
    });
    expect(objectOnly.status).toBe(502);
    expect(((await objectOnly.json()) as ErrorBody).error.message).toContain('not a JSON object');
    const responses = await fetch(`${harness.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'alone',
        input: '!mock ignore_format\n{"city": 1}',
        text: { format: { type: 'json_schema', name: 'city', schema, strict: true } },
      }),
    });
    expect(responses.status).toBe(502);
    const anthropic = await fetch(`${harness.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': testAdminKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'alone',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Faro' }],
        output_format: { type: 'json_schema', schema },
      }),
    });
    expect(anthropic.status).toBe(200);
    expect((await recordOf(anthropic)).outputSchema).toBe('valid');
  });

  it('refuses a schema with an unsafe pattern before anything is sent', async () => {
    await putPolicy(validating('fallback'));
    const response = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'alone',
        messages: [{ role: 'user', content: 'hello' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'bad', schema: { type: 'string', pattern: '^(a|aa)*$' } },
        },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('SB_ERR_REQUEST_SCHEMA_UNSAFE');
    expect(body.error.type).toBe('invalid_request_error');
    expect((await recordOf(response)).attempts).toHaveLength(0);
  });
});
