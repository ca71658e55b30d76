import { z } from 'zod';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Route } from '../router.ts';
import { callerOf, firstIssue, notFound, readAdminQuery } from './admin-json-body.ts';
import type { HttpExchange } from '../http-exchange.ts';
import type { HttpDependencies } from '../http-dependencies.ts';
import type { AuditPayloadAccess } from '../../gateway/audit-payload-access.ts';
import type { RouteHandler } from './route-handler.ts';

const count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const proofQuerySchema = z
  .strictObject({
    seq: count.optional(),
    size: count.optional(),
    from: count.optional(),
    to: count.optional(),
  })
  .refine(
    (query) => (query.seq === undefined) !== (query.from === undefined),
    'ask for an inclusion proof (seq, size) or a consistency proof (from, to)',
  );

/**
 * `GET /admin/audit/proof`: `?seq=N[&size=M]` proves record N is in the tree of the first M
 * records (default all); `?from=M[&to=N]` proves the tree of M records is a prefix of the tree
 * of N. Hashes are hex; see docs/audit.md for verifying them against a signed checkpoint.
 */
const auditProof: RouteHandler = async (exchange, dependencies) => {
  const query = proofQuerySchema.safeParse(readAdminQuery(exchange, ['seq', 'size', 'from', 'to']));
  if (!query.success) {
    throw firstIssue(query.error);
  }
  const { seq, size, from, to } = query.data;
  try {
    const proof =
      seq === undefined
        ? await dependencies.gateway.audit.consistencyProof(from ?? 0, to)
        : await dependencies.gateway.audit.inclusionProof(seq, size);
    exchange.sendJson(200, proof);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: '(query)',
        detail: `${error.message}.`,
      });
    }
    throw error;
  }
  return { status: 200, outcome: 'completed' };
};

/** Payload retention, or a 404 that says it is off. */
function payloadAccess(dependencies: HttpDependencies): AuditPayloadAccess {
  const access = dependencies.gateway.audit.payloads;
  if (access === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', {
      param: '(path)',
      detail: 'Payload retention is off (set audit.payloads in the configuration).',
    });
  }
  return access;
}

function actorOf(exchange: HttpExchange): { agent: string; org: string | undefined } {
  const caller = callerOf(exchange);
  return { agent: caller.agent, org: caller.org };
}

const seqSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * `GET /admin/audit/payloads/:seq`: the request and answer kept with audit record `seq`
 * (docs/audit.md). 404 when none is kept, 410 when its organisation key was erased. Every read
 * is itself audited (`audit.payload_read`).
 */
const readPayload: RouteHandler = async (exchange, dependencies) => {
  const seq = seqSchema.safeParse(exchange.params.seq);
  if (!seq.success) notFound('seq');
  const opened = await payloadAccess(dependencies).read(seq.data, actorOf(exchange));
  if (opened.status === 'absent') notFound('seq');
  if (opened.status === 'erased') {
    throw new GatewayError('SB_ERR_AUDIT_PAYLOAD_ERASED', { param: 'seq' });
  }
  const parsed = safeParseJson(opened.text);
  exchange.sendJson(200, {
    seq: seq.data,
    request_id: opened.requestId,
    org: opened.org,
    ...(parsed.ok && isJsonObject(parsed.value) ? parsed.value : {}),
  });
  return { status: 200, outcome: 'completed' };
};

const orgSchema = z.string().min(1).max(128);

/**
 * `DELETE /admin/audit/payload-keys/:org`: destroys the organisation's payload keys, so every
 * payload kept for it becomes unreadable while the audit chain still verifies. Audited as
 * `audit.tenant_key_erased` (and as an admin action).
 */
const erasePayloadKeys: RouteHandler = async (exchange, dependencies) => {
  const org = orgSchema.safeParse(exchange.params.org);
  if (!org.success) notFound('org');
  const erased = await payloadAccess(dependencies).erase(org.data, actorOf(exchange));
  exchange.sendJson(200, { org: org.data, erased_key_ids: erased });
  return { status: 200, outcome: 'completed' };
};

/**
 * `GET /admin/audit/status`: how many records the log holds, its newest record (seq and hash)
 * and the newest signed checkpoint in the checkpoint file.
 */
const auditStatus: RouteHandler = async (exchange, dependencies) => {
  exchange.sendJson(200, await dependencies.gateway.audit.inspection.status());
  return { status: 200, outcome: 'completed' };
};

/**
 * `POST /admin/audit/verify`: what `signalbox audit verify` checks (hash chain, Merkle tree,
 * signed checkpoints, kept payloads), on the running gateway. Reads only; POST because it is
 * expensive: one run at a time (concurrent calls share it), stopped at a time limit.
 */
const auditVerify: RouteHandler = async (exchange, dependencies) => {
  exchange.sendJson(200, await dependencies.gateway.audit.inspection.verify());
  return { status: 200, outcome: 'completed' };
};

/**
 * The audit trail's state, verification and proofs (install-wide, so platform readers); kept payloads and their
 * erasure (prompts and answers: platform admins only).
 */
export const adminAuditRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/audit/proof', access: 'platform', handler: auditProof },
  { method: 'GET', path: '/admin/audit/status', access: 'platform', handler: auditStatus },
  { method: 'POST', path: '/admin/audit/verify', access: 'platform', handler: auditVerify },
  { method: 'GET', path: '/admin/audit/payloads/:seq', access: 'admin', handler: readPayload },
  {
    method: 'DELETE',
    path: '/admin/audit/payload-keys/:org',
    access: 'admin',
    handler: erasePayloadKeys,
  },
];
