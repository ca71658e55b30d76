/**
 * The error catalogue: every error Signalbox can return, with its HTTP status, the OpenAI-style
 * `type`, whether a client may retry it, and whether its detail is safe to show the caller.
 * `exposure: 'internal'` errors show only `message` to the client; their detail goes to logs.
 */
export interface ErrorDefinition {
  readonly status: number;
  readonly type:
    | 'invalid_request_error'
    | 'authentication_error'
    | 'permission_error'
    | 'not_found_error'
    | 'rate_limit_error'
    | 'api_error'
    | 'timeout_error'
    | 'overloaded_error';
  readonly retryable: boolean;
  readonly exposure: 'public' | 'internal';
  /** What the client reads: says what happened and, where it can, how to fix it. */
  readonly message: string;
}

export const errorCatalogue = {
  SB_ERR_AUTH_MISSING_KEY: {
    status: 401,
    type: 'authentication_error',
    retryable: false,
    exposure: 'public',
    message:
      'No API key was sent. Send one as "Authorization: Bearer <key>" or "x-api-key: <key>".',
  },
  SB_ERR_AUTH_INVALID_KEY: {
    status: 401,
    type: 'authentication_error',
    retryable: false,
    exposure: 'public',
    message: 'The API key is not valid, has been revoked or has expired.',
  },
  SB_ERR_AUTH_UNAVAILABLE: {
    status: 503,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message:
      "The identity provider's signing keys could not be fetched, so the token cannot be checked now. Retry after the Retry-After time.",
  },
  SB_ERR_POLICY_DENIED: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message: "The gateway's policy does not allow this request.",
  },
  SB_ERR_CONTEXT_STALE: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message:
      "Reference context this request must carry has expired or been revoked, and the gateway's rule for it is to refuse until an administrator renews it.",
  },
  SB_ERR_AUTH_FORBIDDEN: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message: 'This key is not allowed to use this route.',
  },
  SB_ERR_AUTH_CSRF: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message:
      'A console session may change things only from the console itself: send its x-csrf-token header from a page of this origin.',
  },
  SB_ERR_AUTH_MODEL_NOT_ALLOWED: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message: 'This key is not allowed to use the requested model.',
  },
  SB_ERR_REQUEST_INVALID_JSON: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The request body is not valid JSON.',
  },
  SB_ERR_REQUEST_INVALID: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The request is not valid.',
  },
  SB_ERR_REQUEST_DESTINATION_FIELD: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message:
      'The request tries to choose where it is sent. Destinations and credentials come only from the gateway configuration.',
  },
  SB_ERR_REQUEST_UNSUPPORTED_PARAMETER: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The request uses a parameter the selected model cannot honour.',
  },
  SB_ERR_REQUEST_SCHEMA_UNSAFE: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The requested JSON schema cannot be used to validate answers.',
  },
  SB_ERR_REQUEST_TOO_LARGE: {
    status: 413,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The request body is larger than this gateway accepts.',
  },
  SB_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The request body must be JSON, sent with "Content-Type: application/json".',
  },
  SB_ERR_REQUEST_TIMEOUT: {
    status: 408,
    type: 'invalid_request_error',
    retryable: true,
    exposure: 'public',
    message: 'The request body did not arrive in time.',
  },
  SB_ERR_ROUTE_NOT_FOUND: {
    status: 404,
    type: 'not_found_error',
    retryable: false,
    exposure: 'public',
    message: 'There is no such route.',
  },
  SB_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'This route does not accept that HTTP method.',
  },
  SB_ERR_PROMPT_NOT_FOUND: {
    status: 404,
    type: 'not_found_error',
    retryable: false,
    exposure: 'public',
    message: 'The requested prompt, prompt version or prompt label does not exist on this gateway.',
  },
  SB_ERR_MODEL_NOT_FOUND: {
    status: 404,
    type: 'not_found_error',
    retryable: false,
    exposure: 'public',
    message: 'The requested model is not configured on this gateway.',
  },
  SB_ERR_NOT_FOUND: {
    status: 404,
    type: 'not_found_error',
    retryable: false,
    exposure: 'public',
    message: 'The requested object does not exist.',
  },
  SB_ERR_AUDIT_PAYLOAD_ERASED: {
    status: 410,
    type: 'not_found_error',
    retryable: false,
    exposure: 'public',
    message:
      "This payload's organisation key was erased; its content can no longer be read. The audit record remains.",
  },
  SB_ERR_CONFLICT: {
    status: 409,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'An object with this id already exists.',
  },
  SB_ERR_RATE_LIMITED: {
    status: 429,
    type: 'rate_limit_error',
    retryable: true,
    exposure: 'public',
    message:
      'A rate limit configured on this gateway was reached. Retry after the Retry-After time.',
  },
  SB_ERR_RATE_LIMIT_EXCEEDS_BURST: {
    status: 413,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message:
      "The request's estimated tokens exceed what a configured token limit admits at once; it can never pass. Send less input or a lower max_tokens.",
  },
  SB_ERR_BUDGET_EXCEEDED: {
    status: 402,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message:
      'A spending budget configured on this gateway has too little left for this request. Retry-After, when present, is when the budget period starts again.',
  },
  SB_ERR_BUDGET_UNPRICED_MODEL: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    exposure: 'public',
    message:
      'A hard budget applies to this request, but a deployment it may reach has no price, so its cost cannot be bounded. Set the price in model_facts.',
  },
  SB_ERR_BUDGET_UNAVAILABLE: {
    status: 503,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message:
      'Budgets cannot be checked right now (their storage is unreachable), so the request was refused rather than risk overspending. Retry after the Retry-After time.',
  },
  SB_ERR_STORAGE_UNAVAILABLE: {
    status: 503,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message:
      "The gateway's database cannot be reached right now, and this request needs it. Retry after the Retry-After time.",
  },
  SB_ERR_LEDGER_BACKLOG: {
    status: 503,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message:
      'The spend ledger cannot be written right now and its buffer is full, so no request is admitted until it drains. Retry after the Retry-After time.',
  },
  SB_ERR_UPSTREAM_RATE_LIMITED: {
    status: 429,
    type: 'rate_limit_error',
    retryable: true,
    exposure: 'public',
    message: 'The model provider is rate limiting requests. Retry later.',
  },
  SB_ERR_UPSTREAM_OVERLOADED: {
    status: 503,
    type: 'overloaded_error',
    retryable: true,
    exposure: 'public',
    message: 'The model provider is overloaded. Retry later.',
  },
  SB_ERR_UPSTREAM_ERROR: {
    status: 502,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message: 'The model provider failed to answer.',
  },
  SB_ERR_UPSTREAM_TIMEOUT: {
    status: 504,
    type: 'timeout_error',
    retryable: true,
    exposure: 'public',
    message: 'The model provider did not answer in time.',
  },
  SB_ERR_UPSTREAM_CONNECTION: {
    status: 502,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message: 'The gateway could not connect to the model provider.',
  },
  SB_ERR_UPSTREAM_AUTH: {
    status: 502,
    type: 'api_error',
    retryable: false,
    exposure: 'internal',
    message:
      "The model provider rejected the gateway's credentials. An operator must fix the provider configuration.",
  },
  SB_ERR_UPSTREAM_REJECTED_REQUEST: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The model provider rejected the request.',
  },
  SB_ERR_UPSTREAM_CONTEXT_LENGTH: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message:
      "The request does not fit the model's context window (input plus requested output tokens).",
  },
  SB_ERR_UPSTREAM_CONTENT_POLICY: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The model provider refused the request under its content policy.',
  },
  SB_ERR_ROUTE_NO_ELIGIBLE_DEPLOYMENT: {
    status: 422,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: "No deployment of the requested model meets the request's requirements.",
  },
  SB_ERR_ROUTE_UNAVAILABLE: {
    status: 503,
    type: 'overloaded_error',
    retryable: true,
    exposure: 'public',
    message:
      'Every deployment of the requested model is failing and paused by its circuit breaker. Retry later.',
  },
  SB_ERR_UPSTREAM_INVALID_RESPONSE: {
    status: 502,
    type: 'api_error',
    retryable: true,
    exposure: 'internal',
    message: 'The model provider sent a response the gateway could not read.',
  },
  SB_ERR_OUTPUT_SCHEMA_INVALID: {
    status: 502,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message: "The model's answer does not match the requested JSON schema.",
  },
  SB_ERR_CASCADE_REJECTED: {
    status: 502,
    type: 'api_error',
    retryable: true,
    exposure: 'public',
    message:
      "The cascade's acceptance checks rejected a model's answer and no later model could answer.",
  },
  SB_ERR_UPSTREAM_REDIRECT: {
    status: 502,
    type: 'api_error',
    retryable: false,
    exposure: 'internal',
    message: 'The model provider answered with a redirect, which the gateway does not follow.',
  },
  SB_ERR_CLIENT_CLOSED: {
    status: 499,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'The client closed the connection before the response was complete.',
  },
  SB_ERR_CREDENTIAL_EXISTS: {
    status: 409,
    type: 'invalid_request_error',
    retryable: false,
    exposure: 'public',
    message: 'A stored credential of that name already exists; replace its value with PUT.',
  },
  SB_ERR_CREDENTIAL_KEY_MISSING: {
    status: 503,
    type: 'api_error',
    retryable: false,
    exposure: 'public',
    message:
      'Stored credentials need an encryption key: set SIGNALBOX_ENCRYPTION_KEY or SIGNALBOX_ENCRYPTION_KEY_FILE and restart the gateway.',
  },
  SB_ERR_GATEWAY_CAPACITY: {
    status: 503,
    type: 'overloaded_error',
    retryable: true,
    exposure: 'public',
    message:
      'The gateway could not open a connection to the provider: it has run out of connections (file descriptors or local ports) for now. Retry shortly.',
  },
  SB_ERR_NOT_READY: {
    status: 503,
    type: 'overloaded_error',
    retryable: true,
    exposure: 'public',
    message: 'The gateway is not ready to serve requests.',
  },
  SB_ERR_INTERNAL: {
    status: 500,
    type: 'api_error',
    retryable: true,
    exposure: 'internal',
    message: 'The gateway failed while handling the request.',
  },
} as const satisfies Record<string, ErrorDefinition>;

/** A code from the catalogue. */
export type ErrorCode = keyof typeof errorCatalogue;
