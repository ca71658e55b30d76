import type { MockRefusalAnswer } from '../mock-dialect.ts';
import type { MockRefusal } from '../mock-directives.ts';
import type { MockRequestError } from '../mock-request.ts';

/**
 * Bedrock's error type for an HTTP status, as sent in `x-amzn-ErrorType`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors
 */
export function bedrockErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'ValidationException';
    case 401:
    case 403:
      return 'AccessDeniedException';
    case 404:
      return 'ResourceNotFoundException';
    case 408:
      return 'ModelTimeoutException';
    case 424:
      return 'ModelErrorException';
    case 429:
      return 'ThrottlingException';
    case 503:
      return 'ServiceUnavailableException';
    default:
      return status >= 500 ? 'InternalServerException' : 'ValidationException';
  }
}

/** A Bedrock error response: `{"message": ...}` with the type in `x-amzn-ErrorType`. */
export function encodeBedrockMockError(error: MockRequestError): {
  body: string;
  headers: Record<string, string>;
} {
  return {
    body: JSON.stringify({ message: error.message }),
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${bedrockErrorType(error.status)}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    },
  };
}

/**
 * How Bedrock refuses a request: a prompt over the model's window is a 400 `ValidationException`
 * with `message` (InvokeModel: "Input is too long for requested model."; Converse wraps the
 * model's own words in "The model returned the following errors: ..."). Bedrock has no
 * content-policy error: a guardrail that intervenes answers 200 with stopReason
 * `guardrail_intervened`, and only when the request configured one, so that refusal is undefined.
 * @see https://repost.aws/knowledge-center/bedrock-validation-exception-errors
 */
export function encodeBedrockMockRefusal(
  refusal: MockRefusal,
  operation: 'converse' | 'invoke',
): MockRefusalAnswer | undefined {
  if (refusal !== 'context-length') {
    return undefined;
  }
  const message =
    operation === 'invoke'
      ? 'Input is too long for requested model.'
      : 'The model returned the following errors: Input is too long for requested model.';
  return {
    status: 400,
    ...encodeBedrockMockError({ status: 400, code: 'ValidationException', message }),
  };
}
