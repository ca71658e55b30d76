import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../canonical/chat-request.ts';
import { anthropicMessagesCodec } from '../dialects/anthropic-messages/anthropic-messages-codec.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ModelFacts } from '../providers/model-facts.ts';
import { prepareChatRequest } from './prepare-chat-request.ts';
import type { ProviderEndpoint } from './provider-endpoint.ts';

function endpoint(facts: ModelFacts, dropUnsupportedParams: boolean): ProviderEndpoint {
  return {
    id: 'claude',
    codec: anthropicMessagesCodec,
    dropUnsupportedParams,
    modelFacts: () => facts,
  } as unknown as ProviderEndpoint;
}

const image = { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } } as const;

function request(fields: Partial<ChatRequest>): ChatRequest {
  return createChatRequest({
    model: 'm',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    ...fields,
  });
}

function refusal(call: () => unknown): GatewayError {
  try {
    call();
  } catch (error) {
    if (error instanceof GatewayError) return error;
  }
  throw new Error('expected a GatewayError');
}

describe('prepareChatRequest', () => {
  const limited: ModelFacts = {
    tools: false,
    vision: false,
    jsonSchema: false,
    reasoning: false,
    maxOutputTokens: 1000,
  };

  it('passes a request the target can take unchanged', () => {
    const plain = request({ maxOutputTokens: 10 });
    expect(prepareChatRequest(plain, endpoint(limited, false), 'small')).toEqual({
      request: plain,
      dropped: [],
    });
  });

  it('refuses, naming the parameter and the target, what the model cannot do', () => {
    const cases: [Partial<ChatRequest>, string][] = [
      [{ tools: [{ name: 'f', parameters: {} }] }, 'tools'],
      [
        { messages: [{ role: 'user', content: [image] }] },
        'messages[0] (an image; the model takes no images)',
      ],
      [{ responseFormat: { type: 'json-schema', name: 'r', schema: {} } }, 'response_format'],
      [{ reasoning: { effort: 'high' } }, 'reasoning'],
      [{ maxOutputTokens: 5000 }, 'max_tokens'],
      [{ seed: 1 }, 'seed'],
      [{ unmappedParameters: ['logprobs'] }, 'logprobs'],
    ];
    for (const [fields, param] of cases) {
      const error = refusal(() =>
        prepareChatRequest(request(fields), endpoint(limited, false), 'small'),
      );
      expect(error.code).toBe('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER');
      expect(error.param).toBe(param);
      expect(error.publicMessage).toContain('claude/small');
    }
    // Switching reasoning off, or unknown capabilities, are not refused.
    expect(
      prepareChatRequest(request({ reasoning: { disabled: true } }), endpoint(limited, false), 's')
        .dropped,
    ).toEqual([]);
    expect(
      prepareChatRequest(
        request({ tools: [{ name: 'f', parameters: {} }] }),
        endpoint({}, false),
        's',
      ).dropped,
    ).toEqual([]);
  });

  it('drops what may be dropped when configured, and says what it dropped', () => {
    const prepared = prepareChatRequest(
      request({
        seed: 1,
        maxOutputTokens: 5000,
        reasoning: { effort: 'low' },
        responseFormat: { type: 'json-schema', name: 'r', schema: {} },
        unmappedParameters: ['logprobs'],
      }),
      endpoint(limited, true),
      'small',
    );
    expect(prepared.dropped).toEqual([
      'logprobs',
      'seed',
      'response_format',
      'reasoning',
      'max_tokens',
    ]);
    expect(prepared.request).toMatchObject({
      seed: undefined,
      maxOutputTokens: 1000,
      reasoning: undefined,
      responseFormat: undefined,
      unmappedParameters: [],
    });
  });

  it('never drops content: tools and images are refused even when dropping is on', () => {
    expect(
      refusal(() =>
        prepareChatRequest(
          request({ tools: [{ name: 'f', parameters: {} }] }),
          endpoint(limited, true),
          's',
        ),
      ).publicMessage,
    ).toContain('cannot be dropped');
    expect(
      refusal(() =>
        prepareChatRequest(
          request({
            messages: [
              {
                role: 'tool',
                content: [{ type: 'tool-result', toolCallId: 'x', content: [image] }],
              },
            ],
          }),
          endpoint(limited, true),
          's',
        ),
      ).param,
    ).toBe('messages[0] (an image; the model takes no images)');
  });
});
