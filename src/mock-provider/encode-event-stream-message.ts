import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * One binary AWS event-stream message (prelude, string headers, payload, CRCs), as Bedrock sends
 * for ConverseStream and InvokeModelWithResponseStream.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
 */
export function encodeEventStreamMessage(
  headers: Readonly<Record<string, string>>,
  payload: string,
): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, { type: 'string', value }]),
    ),
    body: fromUtf8(payload),
  });
}

/** A Bedrock event message: `:message-type` event, JSON content. */
export function encodeBedrockEvent(eventType: string, payload: object): Uint8Array {
  return encodeEventStreamMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );
}

/** A Bedrock exception message (`throttlingException`, `internalServerException`, ...). */
export function encodeBedrockException(exceptionType: string, message: string): Uint8Array {
  return encodeEventStreamMessage(
    {
      ':exception-type': exceptionType,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    JSON.stringify({ message }),
  );
}
