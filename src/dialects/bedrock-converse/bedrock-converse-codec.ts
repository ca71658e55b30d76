import type { DialectCodec } from '../dialect-codec.ts';
import { readBedrockConverseErrorFacts } from './bedrock-converse-error-facts.ts';
import { BedrockConverseStreamDecoder } from './bedrock-converse-stream-decoder.ts';
import { decodeBedrockConverseResponse } from './decode-bedrock-converse-response.ts';
import {
  encodeBedrockConverseRequest,
  unsupportedBedrockConverseParameters,
} from './encode-bedrock-converse-request.ts';

/**
 * The Amazon Bedrock Converse dialect (Converse and ConverseStream), as an egress only: requests
 * out as Converse bodies (SigV4 signing is the auth layer's), answers in from JSON bodies or
 * binary event streams. Clients do not speak it to the gateway, and there is no same-dialect
 * pass-through.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */
export const bedrockConverseCodec: DialectCodec = {
  id: 'bedrock-converse',
  ingress: undefined,
  egress: {
    framing: 'aws-event-stream',
    unsupportedParameters: unsupportedBedrockConverseParameters,
    encodeRequest: encodeBedrockConverseRequest,
    decodeResponse: decodeBedrockConverseResponse,
    createStreamDecoder: () => new BedrockConverseStreamDecoder(),
  },
  passThrough: undefined,
  readErrorFacts: readBedrockConverseErrorFacts,
};
