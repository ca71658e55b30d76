import { createHash } from 'node:crypto';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { JsonObject } from '../../lib/json.ts';
import { canonicalJson } from '../audit/canonical-json.ts';
import type { ResponseCacheAddress } from '../../storage/ports.ts';
import type { TenantScope } from './tenant-scope.ts';

/**
 * Body fields that never change the answer: how it is delivered (`stream`, `stream_options`),
 * who asked (`user`, `metadata`, `safety_identifier`), and the provider's own bookkeeping
 * (`store`, `service_tier`, prompt-cache hints). `model` is replaced by the model that answers.
 * Every other field, known or not, is part of the key: an unknown field can only cause a miss,
 * never a wrong hit.
 */
const deliveryFields: ReadonlySet<string> = new Set([
  'model',
  'stream',
  'stream_options',
  'user',
  'metadata',
  'safety_identifier',
  'store',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
]);

/** Format of the digest input; bump to invalidate every entry written by an older format. */
const keyVersion = 'signalbox-cache-key-v1';

/** The request's answer-relevant fields: the body without delivery fields. Pure. */
export function answerRelevantFields(body: Readonly<JsonObject>): JsonObject {
  const relevant: JsonObject = {};
  for (const [name, value] of Object.entries(body)) {
    if (!deliveryFields.has(name)) relevant[name] = value;
  }
  return relevant;
}

/** What besides the body decides an answer. */
export interface ExactKeyContext {
  /** The caller's organisation (invalidation by tenant). */
  readonly org: string;
  readonly scope: TenantScope;
  /** The alias the client asked for (invalidation by alias). */
  readonly alias: string;
  /** `<provider>/<model>` of the model that produces (or produced) the answer. */
  readonly target: string;
  /** The policy version in force: a policy guards and redacts answers. */
  readonly policyVersion: string | undefined;
}

/**
 * The cache address of `envelope` for one producing model. The digest is SHA-256 over the key
 * version, the tenant scope, the dialect and operation, the producing model, the policy
 * version, the headers that travel upstream and the canonical JSON of every answer-relevant
 * field. Pure.
 */
export function exactCacheAddress(
  envelope: ModelRequestEnvelope,
  context: ExactKeyContext,
): ResponseCacheAddress {
  const digest = createHash('sha256')
    .update(
      canonicalJson({
        v: keyVersion,
        scope: context.scope,
        dialect: envelope.dialect,
        operation: envelope.operation,
        target: context.target,
        policy: context.policyVersion ?? null,
        headers: envelope.forwardedHeaders ?? {},
        body: answerRelevantFields(envelope.body.value),
      }),
    )
    .digest('hex');
  return { org: context.org, scope: context.scope, alias: context.alias, digest };
}
