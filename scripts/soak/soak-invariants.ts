/**
 * The invariants checked through the admin API once the soak's load has stopped and the writers
 * have flushed: every answered request is in the request log and the audit trail, every admitted
 * request has exactly one ledger row, no budget hold is left, budget counters equal the ledger,
 * and the audit chain verifies. "Records lost" is the difference for each store (must be 0).
 */
import { isJsonObject, safeParseJson, type JsonObject } from '../../src/lib/json.ts';
import type { TrafficTotals } from './soak-traffic.ts';

/** Calls the gateway's admin API with the admin key; throws on a status other than 200. */
export class AdminClient {
  private readonly url: string;
  private readonly adminKey: string;

  constructor(url: string, adminKey: string) {
    this.url = url;
    this.adminKey = adminKey;
  }

  async call(method: 'GET' | 'POST' | 'PUT', path: string, body?: string, type?: string) {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(type === undefined ? {} : { 'content-type': type }),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    return text;
  }

  async json(method: 'GET' | 'POST' | 'PUT', path: string, body?: string): Promise<JsonObject> {
    const text = await this.call(method, path, body, 'application/json');
    const parsed = safeParseJson(text);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      throw new Error(`${method} ${path} did not answer a JSON object: ${text.slice(0, 200)}`);
    }
    return parsed.value;
  }

  /** The number of records in the audit log now. */
  async auditRecords(): Promise<number> {
    return Number((await this.json('GET', '/admin/audit/status')).records);
  }
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

export interface InvariantCheck {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

export interface InvariantReport {
  readonly ok: boolean;
  readonly checks: readonly InvariantCheck[];
  /** Per store: expected minus found (0 when nothing was lost). */
  readonly recordsLost: { requestLog: number; ledger: number; audit: number };
  readonly requestLog: {
    modelRows: number;
    admittedRows: number;
    byOutcome: Record<string, number>;
  };
  readonly ledger: { requests: number; costUsd: number; estimatedRequests: number };
  readonly budgets: { lines: number; reservedUsd: number; spentByScope: Record<string, number> };
  readonly audit: { recordsAdded: number; verify: JsonObject };
}

/** Every model request row of the request log since `since`, paged by cursor. */
async function readRequestLog(admin: AdminClient, since: string) {
  const ids = new Set<string>();
  const byOutcome: Record<string, number> = {};
  let admittedRows = 0;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '200', from: since });
    if (cursor !== null) query.set('cursor', cursor);
    const page = await admin.json('GET', `/admin/requests?${query.toString()}`);
    for (const row of objects(page.data)) {
      if (typeof row.route !== 'string' || !row.route.startsWith('/v1/')) continue;
      ids.add(String(row.request_id));
      const outcome = String(row.outcome);
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
      if (outcome !== 'rejected') admittedRows += 1;
    }
    cursor = typeof page.next_cursor === 'string' ? page.next_cursor : null;
  } while (cursor !== null);
  return { ids, byOutcome, admittedRows };
}

/**
 * Between `expected` and `expected + slack` (the transport errors: requests whose answer the
 * client never saw may or may not have reached the gateway); exact when there were none.
 */
function within(name: string, expected: number, slack: number, actual: number): InvariantCheck {
  return {
    name,
    expected: slack === 0 ? String(expected) : `${expected}..${expected + slack}`,
    actual: String(actual),
    ok: actual >= expected && actual <= expected + slack,
  };
}

const usdTolerance = 1e-6;

/** Runs every check; `auditBaseline` is the audit record count just before the load began. */
export async function checkInvariants(
  admin: AdminClient,
  options: {
    readonly since: string;
    readonly traffic: TrafficTotals;
    readonly respondedIds: ReadonlySet<string>;
    readonly auditBaseline: number;
  },
): Promise<InvariantReport> {
  const { traffic } = options;
  const slack = traffic.transportErrors;
  const auditRecordsNow = await admin.auditRecords();
  const log = await readRequestLog(admin, options.since);
  const missingFromLog = [...options.respondedIds].filter((id) => !log.ids.has(id)).length;
  const spend = await admin.json('GET', '/admin/spend?group_by=team');
  const spendRows = objects(spend.data);
  const ledger = {
    requests: spendRows.reduce((sum, row) => sum + Number(row.requests), 0),
    costUsd: spendRows.reduce((sum, row) => sum + Number(row.cost_usd), 0),
    estimatedRequests: spendRows.reduce((sum, row) => sum + Number(row.estimated_requests), 0),
  };
  const budgets = objects((await admin.json('GET', '/admin/budgets')).data);
  let lines = 0;
  let reservedUsd = 0;
  const spentByScope: Record<string, number> = {};
  for (const budget of budgets) {
    for (const line of objects(budget.lines)) {
      lines += 1;
      reservedUsd += Number(line.reserved_usd);
      const scope = String(budget.scope);
      spentByScope[scope] = (spentByScope[scope] ?? 0) + Number(line.spent_usd);
    }
  }
  const verify = await admin.json('POST', '/admin/audit/verify');
  const auditAdded = auditRecordsNow - options.auditBaseline;

  const checks: InvariantCheck[] = [
    within('request log rows = requests answered', traffic.responded, slack, log.ids.size),
    {
      name: 'answered requests missing from the request log',
      expected: '0',
      actual: String(missingFromLog),
      ok: missingFromLog === 0,
    },
    within(
      'ledger rows = requests admitted (client count)',
      traffic.admitted,
      slack,
      ledger.requests,
    ),
    within('ledger rows = request log rows not rejected', log.admittedRows, 0, ledger.requests),
    {
      name: 'budget holds left (reserved USD)',
      expected: '0',
      actual: String(reservedUsd),
      ok: Math.abs(reservedUsd) < usdTolerance,
    },
    ...['team', 'key', 'org'].map((scope) => ({
      name: `${scope} budget spent = ledger cost (USD)`,
      expected: ledger.costUsd.toFixed(6),
      actual: (spentByScope[scope] ?? 0).toFixed(6),
      ok: Math.abs((spentByScope[scope] ?? 0) - ledger.costUsd) < usdTolerance * (lines + 1),
    })),
    within('audit records added = requests answered', traffic.responded, slack, auditAdded),
    {
      name: 'audit verify',
      expected: 'ok, complete',
      actual: `ok=${String(verify.ok)} complete=${String(verify.complete)} checked=${String(verify.records_checked)}`,
      ok: verify.ok === true && verify.complete === true,
    },
  ];
  return {
    ok: checks.every((check) => check.ok),
    checks,
    recordsLost: {
      requestLog: missingFromLog,
      ledger: traffic.admitted - ledger.requests,
      audit: traffic.responded - auditAdded,
    },
    requestLog: {
      modelRows: log.ids.size,
      admittedRows: log.admittedRows,
      byOutcome: log.byOutcome,
    },
    ledger,
    budgets: { lines, reservedUsd, spentByScope },
    audit: { recordsAdded: auditAdded, verify },
  };
}
