/** One upstream request as the authorizer sees it (signing covers all of it). */
export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Adds a provider's credentials to a request. Static schemes answer synchronously with the same
 * object every time; token and signing schemes may answer with a promise. Implementations never
 * put a secret into an error message.
 */
export interface UpstreamAuthorizer {
  authorize(
    request: SignableRequest,
  ): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
}

/**
 * Sends a token request (a form or JSON POST to an identity provider) and returns the parsed JSON
 * answer. Supplied by `src/upstream/`, the only layer that does network I/O.
 */
export type TokenTransport = (request: {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}) => Promise<unknown>;
