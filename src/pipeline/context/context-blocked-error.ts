import type { ContextProvenance } from '../../canonical/request-provenance.ts';
import { GatewayError } from '../../errors/gateway-error.ts';

/**
 * The refusal of a request whose attachment blocks on a stale version (`SB_ERR_CONTEXT_STALE`,
 * 403). It carries what was resolved up to and including the blocked document, so the caller
 * records the refused request's provenance like a served one's.
 */
export class ContextBlockedError extends GatewayError {
  readonly provenance: readonly ContextProvenance[];

  constructor(detail: string, provenance: readonly ContextProvenance[]) {
    super('SB_ERR_CONTEXT_STALE', { detail });
    this.name = 'ContextBlockedError';
    this.provenance = provenance;
  }
}
