import { formatFieldPath } from '../../lib/format-field-path.ts';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import { hasControlCharacter } from '../../lib/control-characters.ts';

/** A context document id: lowercase letters, digits, `.`, `_`, `-`, 1–64 characters. */
export const contextDocumentIdPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The largest document content accepted, in UTF-8 bytes. */
export const maxContextContentBytes = 64 * 1024;

/** Ingress paths of the chat routes, the only routes a document can be attached to. */
export const contextRoutes: readonly string[] = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/messages',
];

// Title and owner are written into the header line of the injected text: a line break there
// would let a document forge its own header.
const headerText = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => !hasControlCharacter(text), 'must not contain control characters');

/** The body of `POST /admin/context-documents/{id}/versions`. */
export const contextVersionBodySchema = z.strictObject({
  title: headerText,
  owner: headerText,
  content: z
    .string()
    .min(1)
    .refine(
      (text) => Buffer.byteLength(text) <= maxContextContentBytes,
      `must be at most ${String(maxContextContentBytes / 1024)} KiB`,
    ),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** The body of `POST /admin/context-documents/{id}/versions/{v}/revoke` (absent: no reason). */
export const contextRevokeBodySchema = z.strictObject({
  reason: z.string().max(500).optional(),
});

/** The body of `POST /admin/context-attachments`. */
export const contextAttachmentBodySchema = z
  .strictObject({
    document: z
      .string()
      .regex(contextDocumentIdPattern, 'must be a document id of lowercase letters, digits, . _ -'),
    scope: z.enum(['alias', 'team', 'route']),
    target: z.string().min(1).max(200),
    version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    on_stale: z.enum(['warn', 'block', 'caveat']).default('caveat'),
  })
  .superRefine((body, context) => {
    if (body.scope === 'route' && !contextRoutes.includes(body.target)) {
      context.addIssue({
        code: 'custom',
        path: ['target'],
        message: `must be the path of a chat route: ${contextRoutes.join(', ')}`,
      });
    }
  });

/**
 * Validates an admin body against one of the schemas above. Throws `GatewayError`
 * `SB_ERR_REQUEST_INVALID` naming the first field at fault and listing every problem found.
 */
export function parseContextInput<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 20).map((issue) => {
    const path = formatFieldPath(issue.path) || '(body)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.message;
    return `\`${path}\` ${message}`;
  });
  const first = parsed.error.issues[0];
  return invalid(
    first === undefined ? '(body)' : formatFieldPath(first.path) || '(body)',
    `The ${what} is not valid: ${problems.join('; ')}.`,
  );
}

/** Throws the 400 every refused admin input gives. */
export function invalid(param: string, detail: string): never {
  throw new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}
