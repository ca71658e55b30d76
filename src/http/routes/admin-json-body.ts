import { formatFieldPath } from '../../lib/format-field-path.ts';
import type { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { HttpExchange } from '../http-exchange.ts';
import { readRequestBody } from '../read-request-body.ts';

/** Largest admin request body, in bytes: admin objects are small. */
const maxAdminBodyBytes = 64 * 1024;

/** The first problem zod found, as a 400 naming the field (unknown fields by name). */
export function firstIssue(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  const param = issue === undefined ? '(body)' : formatFieldPath(issue.path) || '(body)';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s): ${issue.keys.join(', ')}`
      : (issue?.message ?? 'invalid');
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail: `\`${param}\` ${message}.` });
}

/**
 * An admin request's body as parsed JSON, for the services that validate it themselves; an
 * empty body is `undefined`. Throws `GatewayError` for a body over `maxBytes` or not JSON.
 */
export async function readAdminJson(
  exchange: HttpExchange,
  maxBytes = maxAdminBodyBytes,
): Promise<unknown> {
  const text = await readRequestBody(exchange.request, maxBytes);
  return text === '' ? undefined : parseAdminJson(text);
}

function parseAdminJson(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID_JSON', { detail: `(${parsed.message})` });
  }
  return parsed.value;
}

/**
 * Reads an admin request's JSON body and validates it with a strict schema: unknown fields are
 * refused, never ignored (no mass assignment). Throws `GatewayError` (400) naming the field.
 */
export async function readAdminBody<Schema extends z.ZodType>(
  exchange: HttpExchange,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await readRequestBody(exchange.request, maxAdminBodyBytes);
  const input = schema.safeParse(parseAdminJson(text));
  if (!input.success) {
    throw firstIssue(input.error);
  }
  return input.data;
}

/** Query parameters of admin listings; names outside `allowed` are refused (400). */
export function readAdminQuery(
  exchange: HttpExchange,
  allowed: readonly string[],
): Readonly<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(exchange.query)) {
    if (!allowed.includes(name)) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: name,
        detail: `\`${name}\` is not a filter here; use ${allowed.join(', ')}.`,
      });
    }
    if (value.length > 256) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: name,
        detail: `\`${name}\` must be at most 256 characters.`,
      });
    }
    values[name] = value;
  }
  return values;
}

/** The authenticated caller of an admin route (the dispatcher authenticates before handlers). */
export function callerOf(exchange: HttpExchange): NonNullable<HttpExchange['principal']> {
  const principal = exchange.principal;
  if (principal === undefined) {
    throw new Error('admin routes require an authenticated principal');
  }
  return principal;
}

/** Throws the 404 every admin lookup gives for what the caller may not see or does not exist. */
export function notFound(param = 'id'): never {
  throw new GatewayError('SB_ERR_NOT_FOUND', { param });
}
