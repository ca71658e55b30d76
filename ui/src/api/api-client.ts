/**
 * The console's only way to the gateway: same-origin fetch with the session cookie, and the
 * session's CSRF token on every unsafe request (the gateway refuses cookie-authenticated writes
 * without it).
 */

/** An answer other than 2xx, with the gateway's error code and message when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, message: string, code: string | undefined) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let csrfToken: string | undefined;

/** Remembers the session's CSRF token (from sign-in or GET /admin/session); undefined forgets. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when any request answers 401, so the shell can go back to the sign-in page. */
let onUnauthorised: (() => void) | undefined;
export function setUnauthorisedHandler(handler: (() => void) | undefined): void {
  onUnauthorised = handler;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ApiResponse<T> {
  readonly body: T;
  readonly headers: Headers;
  readonly status: number;
}

/** Sends a request and returns the parsed JSON body with headers; throws ApiError on non-2xx. */
export async function apiRequest<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { readonly quietUnauthorised?: boolean } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (unsafeMethods.has(method) && csrfToken !== undefined) {
    headers['x-csrf-token'] = csrfToken;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : parseJson(text);
  if (!response.ok) {
    if (response.status === 401 && options.quietUnauthorised !== true) {
      onUnauthorised?.();
    }
    const error = errorOf(parsed);
    throw new ApiError(
      response.status,
      error.message ?? `${method} ${path} answered ${response.status}.`,
      error.code,
    );
  }
  return { body: parsed as T, headers: response.headers, status: response.status };
}

/** GET returning only the body. */
export async function apiGet<T>(path: string): Promise<T> {
  return (await apiRequest<T>('GET', path)).body;
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return undefined;
  }
}

function errorOf(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = body.error;
    if (typeof error === 'object' && error !== null) {
      const record = error as Record<string, unknown>;
      return {
        ...(typeof record.message === 'string' ? { message: record.message } : {}),
        ...(typeof record.code === 'string' ? { code: record.code } : {}),
      };
    }
  }
  return {};
}

/** Builds a query string from the set, non-empty values. */
export function queryString(values: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
