import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { rejectDestinationFields } from './destination-guard.ts';

function rejectionOf(body: unknown, headers: string[] = []): GatewayError | undefined {
  try {
    rejectDestinationFields(body, headers);
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) {
      return error;
    }
    throw error;
  }
}

/** Wraps a value `depth` levels deep, alternating objects and arrays. */
function nest(value: unknown, depth: number): unknown {
  let current = value;
  for (let level = 0; level < depth; level += 1) {
    current = level % 2 === 0 ? { metadata: current } : [current];
  }
  return current;
}

describe('rejectDestinationFields', () => {
  it.each([
    'api_base',
    'base_url',
    'api_key',
    'azure_endpoint',
    'custom_llm_provider',
    'apiBase',
    'API-BASE',
    'baseURL',
    'custom_host',
  ])('rejects %s at the top level', (field) => {
    const error = rejectionOf({ model: 'm', [field]: 'http://127.0.0.1:1/v1' });
    expect(error?.code).toBe('SB_ERR_REQUEST_DESTINATION_FIELD');
    expect(error?.status).toBe(400);
    expect(error?.param).toBe(field);
  });

  it.each([1, 2, 3, 4, 5, 9])(
    'rejects api_base nested %i levels deep inside objects and arrays',
    (depth) => {
      const error = rejectionOf({
        model: 'm',
        extra_body: nest({ api_base: 'http://169.254.169.254/' }, depth),
      });
      expect(error?.code).toBe('SB_ERR_REQUEST_DESTINATION_FIELD');
      expect(error?.param).toMatch(/api_base$/);
    },
  );

  it('names the exact path', () => {
    expect(rejectionOf({ litellm_embedding_config: [{ x: { base_url: 'h' } }] })?.param).toBe(
      'litellm_embedding_config[0].x.base_url',
    );
  });

  it('allows a tool whose JSON Schema has a parameter called base_url', () => {
    const body = {
      model: 'm',
      tools: [
        {
          type: 'function',
          function: {
            name: 'fetch_page',
            parameters: {
              type: 'object',
              properties: { base_url: { type: 'string' }, api_key: { type: 'string' } },
            },
          },
        },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { properties: { api_base: {} } } },
      },
    };
    expect(rejectionOf(body)).toBeUndefined();
  });

  it('allows text that merely mentions the words', () => {
    expect(
      rejectionOf({ messages: [{ role: 'user', content: 'set api_base to http://x' }] }),
    ).toBeUndefined();
  });

  it.each([
    'x-portkey-custom-host',
    'x-signalbox-base-url',
    'X-Api-Base',
    'x-azure-endpoint',
    'x-forward-to',
  ])('rejects the header %s', (header) => {
    expect(rejectionOf({ model: 'm' }, [header])?.param).toBe(`header ${header}`);
  });

  it('refuses absurdly deep bodies instead of walking them without bound', () => {
    expect(rejectionOf(nest('x', 200))?.code).toBe('SB_ERR_REQUEST_INVALID');
  });
});
