import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { openAiResponsesCodec, openAiResponsesIngress } from './openai-responses-codec.ts';

const context = { requestedModel: 'alias', includeUsage: false, now: 1_700_000_000_000 };
const options: EgressOptions = {
  upstreamModel: 'gpt-5-mini',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: false,
  maxTokensField: 'max_completion_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

const answer: ChatResponse = {
  id: 'msg_01',
  model: 'claude-x',
  created: 1,
  choices: [
    {
      index: 0,
      content: [
        { type: 'reasoning', text: 'Need the weather.', signature: 'SIG-1' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    },
  ],
  usage: undefined,
};

describe('a stateless conversation through the gateway', () => {
  it('reads back the output a client appends to its next input, as the SDK docs show', () => {
    const parsed = safeParseJson(openAiResponsesIngress.encodeResponse(answer, context));
    const value = parsed.ok && isJsonObject(parsed.value) ? parsed.value.output : undefined;
    const output: unknown[] = Array.isArray(value) ? value : [];
    expect(output).toHaveLength(3);
    const next = {
      model: 'alias',
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        ...output,
        { type: 'function_call_output', call_id: 'toolu_1', output: '12°C' },
      ],
    };
    const request = openAiResponsesIngress.toChatRequest(
      openAiResponsesIngress.decodeRequest(JSON.stringify(next), 'chat'),
    );
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      { role: 'assistant', content: answer.choices[0]?.content },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: '12°C' }] },
        ],
      },
    ]);
    // Sent on to an OpenAI Responses provider, statelessly, the reasoning goes back encrypted.
    const body = openAiResponsesCodec.egress.encodeRequest(request, options);
    expect(body.input).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Need the weather.' }],
        encrypted_content: 'SIG-1',
      },
      { role: 'assistant', content: 'Let me check.' },
      { type: 'function_call', call_id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'toolu_1', output: '12°C' },
    ]);
    expect(body).toMatchObject({ store: false, include: ['reasoning.encrypted_content'] });
  });
});
