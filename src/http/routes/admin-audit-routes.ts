import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Route } from '../router.ts';
import { firstIssue, readAdminQuery } from './admin-json-body.ts';
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

/** The audit trail's proofs; install-wide, so platform readers only. */
export const adminAuditRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/audit/proof', access: 'platform', handler: auditProof },
];
