import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import {
  openAiChatStreamBody,
  readRecordingText,
} from '../../../test/helpers/provider-recordings.ts';
import { createChatRequest } from '../../canonical/chat-request.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { mistralChatCodec } from './mistral-chat-codec.ts';
import { mistralToolCallId } from './mistral-tool-call-id.ts';

const options: EgressOptions = {
  upstreamModel: 'mistral-small-latest',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: true,
  maxTokensField: 'max_completion_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

const egress = mistralChatCodec.egress;

describe('mistral-chat egress', () => {
  it("uses Mistral's spellings and never asks for stream usage", () => {
    const body = egress.encodeRequest(
      createChatRequest({
        model: 'alias',
        stream: true,
        seed: 7,
        maxOutputTokens: 50,
        tools: [{ name: 'f', parameters: { type: 'object' } }],
        toolChoice: { type: 'required' },
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      }),
      options,
    );
    expect(body).toMatchObject({
      model: 'mistral-small-latest',
      random_seed: 7,
      max_tokens: 50,
      tool_choice: 'any',
      stream: true,
    });
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('stream_options');
    expect(body).not.toHaveProperty('max_completion_tokens');
    const named = egress.encodeRequest(
      createChatRequest({
        model: 'm',
        tools: [{ name: 'f', parameters: {} }],
        toolChoice: { type: 'tool', name: 'f' },
        messages: [],
      }),
      options,
    );
    expect(named.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
  });

  it('makes foreign tool call ids fit and keeps them paired with their results', () => {
    const body = egress.encodeRequest(
      createChatRequest({
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', id: 'call_abc123xyz', name: 'f', arguments: '{}' },
              { type: 'tool-call', id: 'gSIMJiOkT', name: 'f', arguments: '{}' },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'call_abc123xyz',
                content: [{ type: 'text', text: 'r1' }],
              },
              {
                type: 'tool-result',
                toolCallId: 'gSIMJiOkT',
                content: [{ type: 'text', text: 'r2' }],
              },
            ],
          },
        ],
      }),
      options,
    );
    const messages = body.messages as { tool_calls?: { id: string }[]; tool_call_id?: string }[];
    const ids = messages[0]?.tool_calls?.map((call) => call.id) ?? [];
    expect(ids[0]).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(ids[0]).toBe(mistralToolCallId('call_abc123xyz'));
    expect(ids[1]).toBe('gSIMJiOkT');
    expect(messages.slice(1).map((message) => message.tool_call_id)).toEqual(ids);
  });

  it('names what Mistral cannot express', () => {
    expect(
      egress.unsupportedParameters(
        createChatRequest({
          model: 'm',
          user: 'u',
          topK: 3,
          reasoning: { effort: 'low' },
          messages: [
            { role: 'user', content: [{ type: 'file', source: { kind: 'file-id', fileId: 'f' } }] },
          ],
        }),
      ),
    ).toEqual(['top_k', 'user', 'reasoning', 'messages[0] (a file)']);
  });

  it('decodes the recorded answers and streams, tool calls without index included', () => {
    for (const name of ['mistral-text', 'mistral-tool-call']) {
      const parsed = safeParseJson(readRecordingText(`mistral-chat/${name}.json`));
      const response = egress.decodeResponse(parsed.ok ? parsed.value : undefined);
      expect(response.usage?.inputTokens.total).toBeGreaterThan(0);
      const decoded = decodeWireBody(
        egress.createStreamDecoder(),
        openAiChatStreamBody(`mistral-chat/${name}.chunks.txt`),
        5,
      );
      expect(decoded.failure).toBeUndefined();
      expectValidEventOrder(decoded.events);
    }
    const stream = assembleStream(
      decodeWireBody(
        egress.createStreamDecoder(),
        openAiChatStreamBody('mistral-chat/mistral-tool-call.chunks.txt'),
      ).events,
    );
    expect(stream.choices.get(0)?.toolCalls).toEqual([
      { id: 'gSIMJiOkT', name: 'weather', arguments: '{"location": "San Francisco"}' },
    ]);
    expect(stream.usage?.outputTokens.total).toBe(22);
  });

  it('reads thinking chunks of a reasoning model as reasoning', () => {
    const response = egress.decodeResponse({
      id: 'x',
      model: 'magistral-medium-latest',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: [{ type: 'text', text: 'Let me think.' }] },
              { type: 'text', text: 'Answer.' },
              { type: 'reference', reference_ids: [1] },
            ],
          },
        },
      ],
    });
    expect(response.choices[0]?.content).toEqual([
      { type: 'reasoning', text: 'Let me think.' },
      { type: 'text', text: 'Answer.' },
    ]);
    const chunk = (content: unknown, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'x', model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    const stream = assembleStream(
      decodeWireBody(
        egress.createStreamDecoder(),
        chunk([{ type: 'thinking', thinking: [{ type: 'text', text: 'Hmm' }] }], null) +
          chunk('Yes', 'stop') +
          'data: [DONE]\n\n',
      ).events,
    );
    expect(stream.choices.get(0)).toMatchObject({ reasoning: 'Hmm', text: 'Yes' });
  });

  it('reads error facts from top-level fields, never the message', () => {
    expect(
      mistralChatCodec.readErrorFacts(
        '{"object":"error","message":"secret","type":"invalid_request_error","param":null,"code":"3051"}',
      ),
    ).toEqual({ code: '3051', param: undefined });
    expect(mistralChatCodec.readErrorFacts('{"detail":[{"msg":"x"}]}')).toEqual({
      code: undefined,
      param: undefined,
    });
    expect(mistralChatCodec.readErrorFacts('{"error":{"code":"rate_limited"}}').code).toBe(
      'rate_limited',
    );
  });

  it('reads model_length as a length stop and error as an error finish', () => {
    const answer = (finish: string) =>
      egress.decodeResponse({
        id: 'x',
        model: 'mistral-small-latest',
        choices: [
          { index: 0, finish_reason: finish, message: { role: 'assistant', content: 'Cut' } },
        ],
      }).choices[0]?.finishReason;
    expect(answer('model_length')).toEqual({ unified: 'length', raw: 'model_length' });
    expect(answer('error')).toEqual({ unified: 'error', raw: 'error' });
    const streamed = assembleStream(
      decodeWireBody(
        egress.createStreamDecoder(),
        `data: ${JSON.stringify({ id: 'x', model: 'm', choices: [{ index: 0, delta: { content: 'Cut' }, finish_reason: 'model_length' }] })}\n\ndata: [DONE]\n\n`,
      ).events,
    );
    expect(streamed.choices.get(0)?.finishReason).toBe('length');
  });

  it('tells two tool calls without index apart by id', () => {
    const stream = assembleStream(
      decodeWireBody(
        egress.createStreamDecoder(),
        `data: ${JSON.stringify({
          id: 'x',
          model: 'mistral-small-latest',
          choices: [
            {
              index: 0,
              delta: {
                content: null,
                tool_calls: [
                  {
                    id: 'D681PevKs',
                    function: { name: 'get_weather', arguments: '{"city": "Paris"}' },
                  },
                  {
                    id: 'Xn2pQ7rTz',
                    function: { name: 'get_weather', arguments: '{"city": "Rome"}' },
                  },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
          usage: { prompt_tokens: 430, total_tokens: 510, completion_tokens: 80 },
        })}\n\ndata: [DONE]\n\n`,
      ).events,
    );
    expect(stream.choices.get(0)?.toolCalls).toEqual([
      { id: 'D681PevKs', name: 'get_weather', arguments: '{"city": "Paris"}' },
      { id: 'Xn2pQ7rTz', name: 'get_weather', arguments: '{"city": "Rome"}' },
    ]);
  });

  it('fails the stream on an error object in its documented shape after content', () => {
    const content = `data: ${JSON.stringify({ id: 'x', model: 'm', choices: [{ index: 0, delta: { content: 'Partial' }, finish_reason: null }] })}\n\n`;
    const error = `data: ${JSON.stringify({ object: 'error', message: 'secret', type: 'service_unavailable', param: null, code: '1000' })}\n\n`;
    const decoded = decodeWireBody(
      egress.createStreamDecoder(),
      `${content}${error}data: [DONE]\n\n`,
    );
    expect(assembleStream(decoded.events).choices.get(0)?.text).toBe('Partial');
    expect(decoded.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(decoded.failure?.publicMessage).not.toContain('secret');
  });
});
