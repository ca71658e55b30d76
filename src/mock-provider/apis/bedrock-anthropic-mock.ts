import { encodeBedrockEvent, encodeBedrockException } from '../encode-event-stream-message.ts';
import type { MockDialect } from '../mock-dialect.ts';
import { parseAnthropicMockRequest } from './anthropic-messages-mock.ts';
import {
  encodeMockAnthropicEvents,
  encodeMockAnthropicMessage,
} from './anthropic-messages-mock-wire.ts';
import { encodeBedrockMockError, encodeBedrockMockRefusal } from './bedrock-error-mock.ts';

const invokePath = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;

function chunk(event: object): Uint8Array {
  return encodeBedrockEvent('chunk', {
    bytes: Buffer.from(JSON.stringify(event)).toString('base64'),
  });
}

/**
 * The mock speaking Claude on Amazon Bedrock's InvokeModel: the path names the model and whether
 * to stream, the body is Anthropic's with `anthropic_version` and without `model` or `stream`
 * (Bedrock refuses both), and a stream is binary event-stream `chunk` messages, each holding one
 * Anthropic event as base64 JSON.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html
 */
export const bedrockAnthropicMockDialect: MockDialect = {
  name: 'bedrock-anthropic',
  route(method, path) {
    const match = method === 'POST' ? invokePath.exec(path) : null;
    if (match === null) return undefined;
    return {
      model: decodeURIComponent(match[1] ?? ''),
      stream: match[2] === 'invoke-with-response-stream',
    };
  },
  parseRequest(body, route) {
    for (const key of ['model', 'stream']) {
      if (key in body) {
        return {
          status: 400,
          code: 'ValidationException',
          message: `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
        };
      }
    }
    if (body.anthropic_version !== 'bedrock-2023-05-31') {
      return {
        status: 400,
        code: 'ValidationException',
        message: 'Malformed input request: #: required key [anthropic_version] not found',
      };
    }
    return parseAnthropicMockRequest(body, route);
  },
  encodeResponse: (identity, reply) => JSON.stringify(encodeMockAnthropicMessage(identity, reply)),
  encodeStream(identity, reply) {
    const frames = encodeMockAnthropicEvents(identity, reply).map(chunk);
    return {
      contentType: 'application/vnd.amazon.eventstream',
      frames,
      terminalFrames: 1,
      truncateAt: Math.max(1, frames.length - 3),
      malformedFrame: encodeBedrockEvent('chunk', { bytes: 'not base64 json' }),
      errorFrame: encodeBedrockException('modelStreamErrorException', 'Upstream secret detail'),
      sse: false,
    };
  },
  encodeError: encodeBedrockMockError,
  encodeRefusal: (refusal) => encodeBedrockMockRefusal(refusal, 'invoke'),
};
