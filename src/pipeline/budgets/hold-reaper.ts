import type { Clock } from '../../lib/clock.ts';
import type { BudgetStore, ExpiredHold, LedgerEntry, LedgerOutcome } from '../../storage/ports.ts';

/** What the audit log says a request did, as far as its ledger row needs it. */
export interface AuditedRequest {
  /** `reaped` when the record is one a reaper wrote (its settlement did not finish). */
  readonly outcome: LedgerOutcome;
  readonly provider: string | null;
  readonly deployment: string | null;
  readonly upstreamModel: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** The cost the record gives (it keeps micro-dollars), or undefined when usage was unknown. */
  readonly costNanos: number | undefined;
}

/**
 * The audit trail as the reaper uses it, so a reaped request ends with exactly one audit record:
 * the one its process committed before dying, or one the reaper writes.
 */
export interface ReaperAudit {
  /** The request's committed audit record, if any. */
  find(requestId: string): Promise<AuditedRequest | undefined>;
  /** Records that these requests were reaped; resolves once the records are committed. */
  recordReaped(holds: readonly ExpiredHold[]): Promise<void>;
}

export interface HoldReaperOptions {
  readonly store: BudgetStore;
  readonly clock: Clock;
  /** How often to look for expired holds. */
  readonly intervalMs: number;
  /**
   * How long a claimed hold is kept from other reapers while this one settles it (a pass takes
   * milliseconds; a reaper that dies mid-pass leaves its claims to others after this).
   */
  readonly claimMs: number;
  /** Without it (the audit trail is off), holds are settled without looking for records. */
  readonly audit: ReaperAudit | undefined;
  readonly onReaped: (count: number) => void;
  readonly onFailed: (error: unknown) => void;
}

/** Holds settled per pass; a larger backlog is worked off over several passes. */
const holdsPerPass = 500;

/** The ledger row of a request that never settled, from its audit record when there is one. */
export function reapedLedgerEntry(
  hold: ExpiredHold,
  found: AuditedRequest | undefined,
): LedgerEntry {
  // A reaper's own record (a pass that died before its row) says nothing the hold does not.
  const audited = found?.outcome === 'reaped' ? undefined : found;
  const served = audited?.deployment !== null && audited?.deployment !== undefined;
  // As a settled request: usage at list price, else (served) the hold as an estimate, else 0.
  const costNanos =
    audited === undefined
      ? hold.amountNanos
      : (audited.costNanos ?? (served ? hold.amountNanos : 0));
  return {
    requestId: hold.requestId,
    atMs: hold.atMs,
    subject: hold.subject,
    provider: audited?.provider ?? null,
    deployment: audited?.deployment ?? null,
    upstreamModel: audited?.upstreamModel ?? null,
    inputTokens: audited?.inputTokens ?? null,
    outputTokens: audited?.outputTokens ?? null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    costNanos,
    estimated: audited === undefined || (audited.costNanos === undefined && served),
    outcome: audited?.outcome ?? 'reaped',
  };
}

/**
 * Settles budget holds whose request never settled (a process that died mid-request). A request
 * whose audit record was committed gets the row that record describes; one that was never
 * audited gets an audit record saying it was reaped (committed first) and a row at the held
 * amount, marked estimated: the conservative answer, since the hold bounded the cost. Every
 * replica may run one; each hold is claimed by one reaper and its row is written once.
 */
export async function reapExpiredHolds(options: HoldReaperOptions): Promise<number> {
  const now = options.clock.now();
  const holds = await options.store.claimExpiredHolds(now, now + options.claimMs, holdsPerPass);
  const entries: LedgerEntry[] = [];
  const unaudited: ExpiredHold[] = [];
  for (const hold of holds) {
    const audited = await options.audit?.find(hold.requestId);
    if (audited === undefined) unaudited.push(hold);
    entries.push(reapedLedgerEntry(hold, audited));
  }
  // Audit records first: a crash between the two leaves records the next pass finds.
  if (options.audit !== undefined && unaudited.length > 0) {
    await options.audit.recordReaped(unaudited);
  }
  await options.store.settle(entries);
  return entries.length;
}

/** Runs {@link reapExpiredHolds} now and every `intervalMs`, one pass at a time. */
export function startHoldReaper(options: HoldReaperOptions): { stop(): void } {
  let running = false;
  const pass = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const count = await reapExpiredHolds(options);
      if (count > 0) options.onReaped(count);
    } catch (error) {
      options.onFailed(error);
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), options.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
