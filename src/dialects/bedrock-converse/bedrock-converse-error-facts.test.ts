import { describe, expect, it } from 'vitest';
import { bedrockConverseCodec } from './bedrock-converse-codec.ts';
import { readBedrockConverseErrorFacts } from './bedrock-converse-error-facts.ts';

describe('readBedrockConverseErrorFacts', () => {
  // Bedrock Runtime error bodies carry only a message; the type is in x-amzn-ErrorType.
  // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
  it.each([
    [400, 'Malformed input request: #: extraneous key [foo] is not permitted'],
    [401, 'The security token included in the request is invalid.'],
    [403, "You don't have access to the model with the specified model ID."],
    [404, 'Could not resolve the foundation model from the provided model identifier.'],
    [429, 'Too many requests, please wait before trying again.'],
    [500, 'The system encountered an unexpected error during processing. Try your request again.'],
    [503, 'Bedrock is unable to process your request.'],
    [529, 'Model is overloaded. secret sk-live-123'],
  ])('reads nothing from a %i body that has only a message', (_status, message) => {
    const facts = readBedrockConverseErrorFacts(JSON.stringify({ message }));
    expect(facts).toEqual({ code: undefined, param: undefined });
    expect(JSON.stringify(facts)).not.toContain('sk-live');
  });

  it('reads the error type from __type, without its namespace', () => {
    expect(
      readBedrockConverseErrorFacts(
        '{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}',
      ),
    ).toEqual({ code: 'ValidationException', param: undefined });
    expect(
      readBedrockConverseErrorFacts(
        '{"__type":"ThrottlingException:http://internal.amazon.com/coral/","message":"slow"}',
      ).code,
    ).toBe('ThrottlingException');
  });

  it('reads the type of an unknown-operation answer', () => {
    expect(
      readBedrockConverseErrorFacts(
        '{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}',
      ).code,
    ).toBe('UnknownOperationException');
  });

  it('reads a plain code field', () => {
    expect(readBedrockConverseErrorFacts('{"code":"ModelNotReadyException"}').code).toBe(
      'ModelNotReadyException',
    );
  });

  it('ignores codes that are not plain identifiers, and bodies that are not JSON objects', () => {
    expect(readBedrockConverseErrorFacts('{"code":"not an identifier!"}').code).toBeUndefined();
    expect(readBedrockConverseErrorFacts('{"__type":42}').code).toBeUndefined();
    expect(readBedrockConverseErrorFacts('<html>Bad gateway</html>')).toEqual({
      code: undefined,
      param: undefined,
    });
    expect(readBedrockConverseErrorFacts('[1,2]').code).toBeUndefined();
  });

  it('is the codec’s error reader', () => {
    const body = '{"__type":"ThrottlingException","message":"slow"}';
    expect(bedrockConverseCodec.readErrorFacts(body)).toEqual(readBedrockConverseErrorFacts(body));
    expect(bedrockConverseCodec.id).toBe('bedrock-converse');
    expect(bedrockConverseCodec.ingress).toBeUndefined();
    expect(bedrockConverseCodec.passThrough).toBeUndefined();
    expect(bedrockConverseCodec.egress.framing).toBe('aws-event-stream');
  });
});

describe('readBedrockConverseErrorFacts with headers', () => {
  it('takes the error type from x-amzn-errortype, never the message', () => {
    expect(
      readBedrockConverseErrorFacts('{"message":"secret"}', {
        'x-amzn-errortype':
          'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      }),
    ).toEqual({ code: 'ThrottlingException', param: undefined });
  });
});

describe('readBedrockConverseErrorFacts on a request too long for the window', () => {
  const validation = {
    'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
  };

  // ValidationException messages from Converse and InvokeModel; see
  // https://repost.aws/knowledge-center/bedrock-validation-exception-errors
  it.each([
    'Input is too long for requested model.',
    'The model returned the following errors: Input is too long for requested model.',
    'The model returned the following errors: prompt is too long: 227255 tokens > 200000 maximum',
    'The model returned the following errors: input length and `max_tokens` exceed context limit: 196395 + 64000 > 204698, decrease input length or `max_tokens` and try again',
    'Input Tokens Exceeded: Number of input tokens exceeds maximum length. Please update the input to try again.',
    "This model's maximum context length is 8192 tokens. Please reduce the length of the prompt.",
  ])('reads "%s" as a context-length refusal', (message) => {
    expect(readBedrockConverseErrorFacts(JSON.stringify({ message }), validation)).toEqual({
      code: 'ValidationException',
      param: undefined,
      refusal: 'context-length',
    });
  });

  it('reads the message when no type is given, and through the codec', () => {
    expect(
      bedrockConverseCodec.readErrorFacts('{"message":"Input is too long for requested model."}')
        .refusal,
    ).toBe('context-length');
  });

  it('reads no refusal from other exceptions or other validation messages', () => {
    expect(
      readBedrockConverseErrorFacts(
        '{"message":"Too many tokens, please wait before trying again."}',
        {
          'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/',
        },
      ).refusal,
    ).toBeUndefined();
    expect(
      readBedrockConverseErrorFacts(
        '{"message":"The maximum tokens you requested exceeds the model limit of 32768. Try again with a maximum tokens value that is lower than 32768."}',
        validation,
      ).refusal,
    ).toBeUndefined();
    expect(
      readBedrockConverseErrorFacts(
        '{"message":"ModelErrorException: Input is too long for requested model."}',
        { 'x-amzn-errortype': 'ModelErrorException:http://internal.amazon.com/coral/' },
      ).refusal,
    ).toBeUndefined();
  });
});
