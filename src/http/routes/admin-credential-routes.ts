import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import {
  credentialNamePattern,
  credentialNameRule,
  maxCredentialValueBytes,
} from '../../gateway/credential-administration.ts';
import { safeParseJson } from '../../lib/json.ts';
import { SecretValue } from '../../lib/secret-value.ts';
import type { HttpExchange } from '../http-exchange.ts';
import { readRequestBody } from '../read-request-body.ts';
import type { Route } from '../router.ts';
import type { RouteHandler } from './route-handler.ts';

const credentialName = z
  .string()
  .regex(credentialNamePattern, credentialNameRule)
  // `/admin/credentials/rotate` is the rotation route, so no credential could be addressed by it.
  .refine((name) => name !== 'rotate', 'must not be "rotate", which names the rotation route');

// Error messages for `value` must never quote it: they say what is wrong, not what was sent.
const credentialValue = z
  .string('must be a string')
  .min(1, 'must not be empty')
  .refine(
    (value) => Buffer.byteLength(value, 'utf8') <= maxCredentialValueBytes,
    `must be at most ${String(maxCredentialValueBytes)} bytes`,
  );

const createCredentialSchema = z.strictObject({ name: credentialName, value: credentialValue });
const replaceCredentialSchema = z.strictObject({ value: credentialValue });

/**
 * The body limit: a maximal value with room for JSON escapes (a value made mostly of control
 * characters, escaped as six bytes each, may be refused as too large instead).
 */
const maxBodyBytes = 4 * maxCredentialValueBytes + 1024;

function firstIssue(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  const param =
    issue === undefined || issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s): ${issue.keys.join(', ')}`
      : (issue?.message ?? 'invalid');
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail: `\`${param}\` ${message}.` });
}

/**
 * Reads and validates a JSON body. A JSON syntax error is reported without the parser's message,
 * which quotes the body (and so the credential).
 */
async function readBody<Schema extends z.ZodType>(
  exchange: HttpExchange,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const parsed = safeParseJson(await readRequestBody(exchange.request, maxBodyBytes));
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID_JSON');
  }
  const input = schema.safeParse(parsed.value);
  if (!input.success) {
    throw firstIssue(input.error);
  }
  return input.data;
}

/** The `:name` path parameter, checked like a name in a body. */
function nameParameter(exchange: HttpExchange): string {
  const name = exchange.params.name ?? '';
  if (!credentialNamePattern.test(name)) {
    throw new GatewayError('SB_ERR_NOT_FOUND', { param: 'name' });
  }
  return name;
}

const createCredential: RouteHandler = async (exchange, dependencies) => {
  const input = await readBody(exchange, createCredentialSchema);
  const view = await dependencies.gateway.credentials.create(
    input.name,
    new SecretValue(input.value),
  );
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

const replaceCredential: RouteHandler = async (exchange, dependencies) => {
  const name = nameParameter(exchange);
  const input = await readBody(exchange, replaceCredentialSchema);
  const view = await dependencies.gateway.credentials.replace(name, new SecretValue(input.value));
  if (view === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', { param: 'name' });
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const listCredentials: RouteHandler = async (exchange, dependencies) => {
  exchange.sendJson(200, { object: 'list', data: await dependencies.gateway.credentials.list() });
  return { status: 200, outcome: 'completed' };
};

const deleteCredential: RouteHandler = async (exchange, dependencies) => {
  const name = nameParameter(exchange);
  if (!(await dependencies.gateway.credentials.remove(name))) {
    throw new GatewayError('SB_ERR_NOT_FOUND', { param: 'name' });
  }
  exchange.sendJson(200, { name, deleted: true });
  return { status: 200, outcome: 'completed' };
};

const rotateCredentials: RouteHandler = async (exchange, dependencies) => {
  exchange.sendJson(200, await dependencies.gateway.credentials.rotate());
  return { status: 200, outcome: 'completed' };
};

/**
 * Stored provider credentials under `/admin/credentials`; admin keys only. Values are accepted
 * and never returned: answers carry names, key ids and times.
 */
export const adminCredentialRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/credentials', access: 'admin', handler: createCredential },
  { method: 'GET', path: '/admin/credentials', access: 'admin', handler: listCredentials },
  {
    method: 'POST',
    path: '/admin/credentials/rotate',
    access: 'admin',
    handler: rotateCredentials,
  },
  {
    method: 'PUT',
    path: '/admin/credentials/:name',
    access: 'admin',
    handler: replaceCredential,
  },
  {
    method: 'DELETE',
    path: '/admin/credentials/:name',
    access: 'admin',
    handler: deleteCredential,
  },
];
