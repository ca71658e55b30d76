import { z } from 'zod';
import {
  findMetadataProblem,
  findTagProblem,
  keyRoles,
  modelRouteNames,
  teamPattern,
  teamRule,
} from '../../gateway/gateway.ts';

/** Largest metadata object, as JSON text. */
const maxMetadataBytes = 4096;

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

/** A lowercase identifier: team and organisation ids. */
export const identifierSchema = z.string().regex(teamPattern, teamRule);

const modelsSchema = z.array(z.string().min(1).max(256)).max(1000).nullable();

const routesSchema = z
  .array(z.enum(modelRouteNames))
  .max(modelRouteNames.length)
  .refine((routes) => new Set(routes).size === routes.length, 'must not repeat a route')
  .nullable();

const maxOutputTokensSchema = z.number().int().positive().max(10_000_000).nullable();

const expiresAtSchema = z.iso.datetime({ offset: true }).nullable();

const tagsSchema = z.array(z.string()).superRefine((tags, context) => {
  const problem = findTagProblem(tags);
  if (problem !== undefined) {
    context.addIssue({
      code: 'custom',
      message: problem.message,
      path: problem.index === undefined ? [] : [problem.index],
    });
  }
});

const metadataSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((metadata, context) => {
    const problem = findMetadataProblem(metadata);
    if (problem !== undefined) {
      context.addIssue({ code: 'custom', message: problem.message, path: [...problem.path] });
    } else if (Buffer.byteLength(JSON.stringify(metadata)) > maxMetadataBytes) {
      context.addIssue({
        code: 'custom',
        message: `must be at most ${String(maxMetadataBytes)} bytes as JSON`,
      });
    }
  });

/**
 * `POST /admin/keys`. Strict: `id`, `secret_hash`, `created_by`, `revoked_at` and any other
 * unknown field are refused. `org` is accepted here and then refused unless the caller is a
 * platform admin; `role`, `team`, `owner` and the limits are checked against the caller's rights.
 */
export const createKeySchema = z.strictObject({
  name: nameSchema,
  models: modelsSchema.optional(),
  routes: routesSchema.optional(),
  max_output_tokens: maxOutputTokensSchema.optional(),
  expires_at: expiresAtSchema.optional(),
  team: identifierSchema.nullable().optional(),
  tags: tagsSchema.optional(),
  role: z.enum(keyRoles).optional(),
  owner: z.string().min(1).max(64).nullable().optional(),
  metadata: metadataSchema.optional(),
  org: identifierSchema.optional(),
});

/**
 * `PATCH /admin/keys/{id}`: what may change. A key's role, team, owner, organisation, id and
 * creator never change (unknown fields here, refused): revoke and create another instead.
 */
export const updateKeySchema = z
  .strictObject({
    name: nameSchema.optional(),
    models: modelsSchema.optional(),
    routes: routesSchema.optional(),
    max_output_tokens: maxOutputTokensSchema.optional(),
    expires_at: expiresAtSchema.optional(),
    tags: tagsSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, 'must change at least one field');
