import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';

/**
 * What the embedded (SQLite) state of a gateway says about its records, read directly from the
 * database file of a state directory, for crash-consistency and soak checks.
 */
export interface StateInvariantReport {
  readonly ledgerRows: number;
  readonly ledgerCostNanos: number;
  /** Request ids with a `request` audit record. */
  readonly auditedRequests: number;
  /** Request ids with more than one `request` audit record. */
  readonly duplicateAuditRecords: readonly string[];
  /** Audited requests that were admitted (not `rejected`) but have no ledger row. */
  readonly admittedWithoutLedgerRow: readonly string[];
  /** Ledger rows whose request has no `request` audit record. */
  readonly ledgerRowsWithoutAuditRecord: readonly string[];
  /** Holds not settled. */
  readonly openReservations: number;
  /** Sum of every counter's spent amount, and of its reserved amount. */
  readonly counterSpentNanos: number;
  readonly counterReservedNanos: number;
  readonly reapedRows: number;
  readonly estimatedRows: number;
  /** The request ids with a ledger row, and how many `request` audit records each request has. */
  readonly ledgerRequestIds: ReadonlySet<string>;
  readonly auditRecordCounts: ReadonlyMap<string, number>;
}

interface AuditRow {
  readonly request_id: string | null;
  readonly outcome: string | null;
}

/** Reads the invariants' facts from `<stateDir>/signalbox.db` (opened read-only). */
export function readStateInvariants(
  stateDir: string,
  databaseFile = 'signalbox.db',
): StateInvariantReport {
  const database = new DatabaseSync(join(stateDir, databaseFile), { readOnly: true });
  try {
    database.exec('PRAGMA busy_timeout = 5000');
    // One snapshot for every read below.
    database.exec('BEGIN');
    const ledger = database
      .prepare('SELECT request_id, cost_nanos, outcome, estimated FROM spend_ledger')
      .all() as { request_id: string; cost_nanos: number; outcome: string; estimated: number }[];
    const audit = database
      .prepare(
        `SELECT json_extract(payload, '$.request_id') AS request_id,
                json_extract(payload, '$.outcome') AS outcome
         FROM audit_log WHERE kind = 'request'`,
      )
      .all() as unknown as AuditRow[];
    const counters = database
      .prepare(
        'SELECT sum(spent_nanos) AS spent, sum(reserved_nanos) AS reserved FROM budget_counters',
      )
      .get() as { spent: number | null; reserved: number | null };
    const reservations = database
      .prepare('SELECT count(*) AS count FROM budget_reservations')
      .get() as { count: number };
    const ledgerIds = new Set(ledger.map((row) => row.request_id));
    const auditCounts = new Map<string, number>();
    const admitted = new Set<string>();
    for (const row of audit) {
      if (row.request_id === null) continue;
      auditCounts.set(row.request_id, (auditCounts.get(row.request_id) ?? 0) + 1);
      if (row.outcome !== 'rejected') admitted.add(row.request_id);
    }
    return {
      ledgerRows: ledger.length,
      ledgerCostNanos: ledger.reduce((sum, row) => sum + row.cost_nanos, 0),
      auditedRequests: auditCounts.size,
      duplicateAuditRecords: [...auditCounts].filter(([, count]) => count > 1).map(([id]) => id),
      admittedWithoutLedgerRow: [...admitted].filter((id) => !ledgerIds.has(id)),
      ledgerRowsWithoutAuditRecord: [...ledgerIds].filter((id) => !auditCounts.has(id)),
      openReservations: reservations.count,
      counterSpentNanos: counters.spent ?? 0,
      counterReservedNanos: counters.reserved ?? 0,
      reapedRows: ledger.filter((row) => row.outcome === 'reaped').length,
      estimatedRows: ledger.filter((row) => row.estimated === 1).length,
      ledgerRequestIds: ledgerIds,
      auditRecordCounts: auditCounts,
    };
  } finally {
    if (database.isTransaction) database.exec('ROLLBACK');
    database.close();
  }
}
