import { safeParseJson } from '../lib/json.ts';
import type { AuditedRequest, ReaperAudit } from '../pipeline/budgets/hold-reaper.ts';
import type { AuditEvent } from '../pipeline/audit/audit-record.ts';
import type { AuditLogStore, ExpiredHold, LedgerOutcome } from '../storage/ports.ts';

function objectField(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[field]
    : undefined;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function countOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** A request record's outcome as a ledger row says it (`rejected` and upstream errors: failed). */
function ledgerOutcome(outcome: unknown): LedgerOutcome {
  if (outcome === 'completed' || outcome === 'client-closed' || outcome === 'reaped') {
    return outcome;
  }
  return 'failed';
}

/**
 * What a committed `request` audit record (its canonical JSON payload, as written by
 * `auditEventOfRequest` or {@link reapedAuditEvent}) says about the request's spend; undefined
 * when the payload is not such a record.
 */
export function auditedRequestOfPayload(payload: string): AuditedRequest | undefined {
  const parsed = safeParseJson(payload);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const record = parsed.value;
  const served = objectField(record, 'served');
  const tokens = objectField(record, 'tokens');
  const micro = objectField(record, 'cost_micro_usd');
  return {
    outcome: ledgerOutcome(objectField(record, 'outcome')),
    provider: textOrNull(objectField(served, 'provider')),
    deployment: textOrNull(objectField(served, 'deployment')),
    upstreamModel: textOrNull(objectField(served, 'model')),
    inputTokens: countOrNull(objectField(tokens, 'input')),
    outputTokens: countOrNull(objectField(tokens, 'output')),
    costNanos:
      typeof micro === 'number' && Number.isSafeInteger(micro) && micro >= 0
        ? micro * 1000
        : undefined,
  };
}

/**
 * The audit record of a request whose process died before it was audited: what its hold says
 * (who, which model, the held amount), the outcome `reaped`, and nothing that was not known.
 */
export function reapedAuditEvent(hold: ExpiredHold, at: number): AuditEvent {
  return {
    at,
    kind: 'request',
    payload: {
      request_id: hold.requestId,
      outcome: 'reaped',
      started_at: hold.atMs,
      identity: {
        key_id: hold.subject.keyId,
        org: hold.subject.org ?? null,
        user: hold.subject.user ?? null,
        team: hold.subject.team ?? null,
      },
      requested_model: hold.subject.model,
      served: { provider: null, model: null, deployment: null },
      tokens: { input: null, output: null },
      // What the ledger row charges: the hold, an estimate (micro-dollars, rounded up).
      cost_micro_usd: Math.ceil(hold.amountNanos / 1000),
      estimated: true,
    },
  };
}

/** The audit trail as the hold reaper uses it: lookups in the log, records through the writer. */
export function createReaperAudit(options: {
  readonly store: AuditLogStore;
  /** Queues events and resolves once they are committed. */
  readonly recordAndFlush: (events: readonly AuditEvent[]) => Promise<void>;
  readonly now: () => number;
}): ReaperAudit {
  return {
    async find(requestId) {
      const [record] = await options.store.findRequestRecords(requestId);
      return record === undefined ? undefined : auditedRequestOfPayload(record.payload);
    },
    recordReaped: (holds) =>
      options.recordAndFlush(holds.map((hold) => reapedAuditEvent(hold, options.now()))),
  };
}
