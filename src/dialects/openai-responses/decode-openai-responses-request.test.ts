import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { decodeOpenAiResponsesRequest } from './decode-openai-responses-request.ts';

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a refusal');
}

describe('decodeOpenAiResponsesRequest', () => {
  it('decodes the envelope; a Responses stream always carries usage', () => {
    const text = '{"model":"gpt-5","input":"Hi","stream":true,"x":1}';
    const envelope = decodeOpenAiResponsesRequest(text, 'chat');
    expect(envelope).toMatchObject({
      dialect: 'openai-responses',
      operation: 'chat',
      model: 'gpt-5',
      stream: true,
      clientWantsStreamUsage: true,
      body: { text },
    });
    expect(envelope.body.members.map((member) => member.key)).toEqual([
      'model',
      'input',
      'stream',
      'x',
    ]);
    expect(
      decodeOpenAiResponsesRequest('{"model":"m","input":[],"stream":null}', 'chat').stream,
    ).toBe(false);
  });

  it.each([
    ['{"model":', 'SB_ERR_REQUEST_INVALID_JSON', undefined],
    ['[1]', 'SB_ERR_REQUEST_INVALID', '(body)'],
    ['{"input":"x"}', 'SB_ERR_REQUEST_INVALID', 'model'],
    ['{"model":"  ","input":"x"}', 'SB_ERR_REQUEST_INVALID', 'model'],
    ['{"model":"m"}', 'SB_ERR_REQUEST_INVALID', 'input'],
    ['{"model":"m","input":{}}', 'SB_ERR_REQUEST_INVALID', 'input'],
    ['{"model":"m","input":"x","stream":"yes"}', 'SB_ERR_REQUEST_INVALID', 'stream'],
  ])('refuses %s with a 400 naming the field', (text, code, param) => {
    const error = refusal(() => decodeOpenAiResponsesRequest(text, 'chat'));
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it.each(['embeddings', 'count-tokens'] as const)('has no %s operation', (operation) => {
    const error = refusal(() =>
      decodeOpenAiResponsesRequest('{"model":"m","input":"x"}', operation),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('(route)');
  });
});
