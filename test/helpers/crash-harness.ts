import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashPointNames, type CrashPointName } from '../../src/lib/crash-points.ts';
import { spawnServe, type ServeProcess } from './serve-process.ts';
import { readStateInvariants, type StateInvariantReport } from './state-invariants.ts';

export const crashAdminKey = 'crash-harness-admin-key-0123456789abc';

/**
 * A gateway whose holds are reaped 3 s after a crash (longer than any request here), with every
 * request under one budget (so each admitted request holds money), a checkpoint every 3 audit
 * records (so checkpoint writes are frequent), and the in-process mock provider.
 */
export const crashConfig = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 1, output: 2 } } }
server:
  budget_hold_ttl_ms: 3000
  shutdown_grace_ms: 2000
budgets:
  - { scope: org, usd: 100000, period: total }
audit:
  checkpoint_every_records: 3
`;

/** One state directory and configuration that successive gateway processes share. */
export interface CrashSite {
  readonly directory: string;
  readonly stateDir: string;
  readonly configPath: string;
}

export function createCrashSite(): CrashSite {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-crash-'));
  const configPath = join(directory, 'signalbox.yaml');
  writeFileSync(configPath, crashConfig);
  return { directory, stateDir: join(directory, 'state'), configPath };
}

/** Starts `serve` on the site, with `crashAt` (`<point>:<n>`) armed when given. */
export function startOnSite(site: CrashSite, crashAt: string | undefined): ServeProcess {
  return spawnServe(['--config', site.configPath, '--state-dir', site.stateDir, '--port', '0'], {
    SIGNALBOX_ADMIN_KEY: crashAdminKey,
    ...(crashAt === undefined ? {} : { SIGNALBOX_CRASH_POINT: crashAt }),
  });
}

/** Resolves with the exit signal or code once the process has exited. */
export function exited(server: ServeProcess): Promise<string> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode ?? String(child.exitCode));
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
  });
}

/** Whether the process exits within `ms` (a kill is seen by the parent a moment later). */
export async function exitsWithin(server: ServeProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    exited(server).then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return result;
}

export function isRunning(server: ServeProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

/** What a client saw of one request. */
export interface ClientOutcome {
  readonly requestId: string | undefined;
  readonly status: number | undefined;
  /** The whole answer arrived (a stream's `[DONE]`, a complete JSON body). */
  readonly complete: boolean;
}

/** Sends one chat request, streamed or not, and reads it to the end (or the connection's end). */
export async function sendChat(url: string, key: string, stream: boolean): Promise<ClientOutcome> {
  let requestId: string | undefined;
  let status: number | undefined;
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'priced/echo',
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
        max_tokens: 40,
        messages: [{ role: 'user', content: '!mock tps=60\nsix words make a short answer here' }],
      }),
      signal: AbortSignal.timeout(15_000),
    });
    requestId = response.headers.get('x-signalbox-request-id') ?? undefined;
    status = response.status;
    const text = await response.text();
    const complete = stream ? text.includes('data: [DONE]') : text.trim().endsWith('}');
    return { requestId, status, complete: status === 200 && complete };
  } catch {
    return { requestId, status, complete: false };
  }
}

/** Creates a virtual key (kept in the state database across restarts). */
export async function createKey(url: string): Promise<string> {
  const response = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${crashAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'crash-traffic' }),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`creating a key failed: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { key: string }).key;
}

/** Waits until every hold is settled (the reaper ran), or the process exits, or `timeoutMs`. */
export async function awaitSettledHolds(
  site: CrashSite,
  server: ServeProcess,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!isRunning(server)) return false;
    if (readStateInvariants(site.stateDir).openReservations === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** The audit trail's own verification through the admin API (chain, tree and checkpoints). */
export async function verifyAudit(url: string): Promise<{ intact: boolean; body: string }> {
  const response = await fetch(`${url}/admin/audit/verify`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${crashAdminKey}`,
      'content-type': 'application/json',
    },
    body: '{}',
  });
  const body = await response.text();
  if (response.status !== 200) return { intact: false, body };
  const report = JSON.parse(body) as { ok?: unknown; complete?: unknown };
  return { intact: report.ok === true && report.complete === true, body };
}

/** Every way the invariants can be broken, empty when they hold. */
export function invariantViolations(
  report: StateInvariantReport,
  completedByClients: readonly string[],
): string[] {
  const violations: string[] = [];
  if (report.duplicateAuditRecords.length > 0) {
    violations.push(`requests with two audit records: ${report.duplicateAuditRecords.join(', ')}`);
  }
  if (report.admittedWithoutLedgerRow.length > 0) {
    violations.push(
      `audited requests without a ledger row: ${report.admittedWithoutLedgerRow.join(', ')}`,
    );
  }
  if (report.ledgerRowsWithoutAuditRecord.length > 0) {
    violations.push(
      `ledger rows without an audit record: ${report.ledgerRowsWithoutAuditRecord.join(', ')}`,
    );
  }
  if (report.openReservations !== 0) violations.push(`${report.openReservations} open holds`);
  if (report.counterReservedNanos !== 0) {
    violations.push(`counters still hold ${report.counterReservedNanos} nanos`);
  }
  if (report.counterSpentNanos !== report.ledgerCostNanos) {
    violations.push(
      `counters say ${report.counterSpentNanos} nanos spent, the ledger ${report.ledgerCostNanos}`,
    );
  }
  if (report.ledgerRows !== report.auditedRequests) {
    violations.push(
      `${report.ledgerRows} ledger rows for ${report.auditedRequests} audited requests`,
    );
  }
  return [...violations, ...missingCompleted(report, completedByClients)];
}

/** Requests a client got a whole answer for: each has its ledger row and one audit record. */
function missingCompleted(report: StateInvariantReport, completed: readonly string[]): string[] {
  const missing = completed.filter(
    (id) => !report.ledgerRequestIds.has(id) || report.auditRecordCounts.get(id) !== 1,
  );
  return missing.length === 0
    ? []
    : [`answered requests not on record once: ${missing.join(', ')}`];
}

/** The crash points, in order, then `count` more drawn by a seeded generator. */
export function crashSchedule(
  seed: number,
  count: number,
): { point: CrashPointName; nth: number }[] {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32: deterministic per seed.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  const named = crashPointNames.map((point) => ({ point, nth: 1 }));
  const drawn = Array.from({ length: Math.max(0, count - named.length) }, () => ({
    point: crashPointNames[Math.floor(next() * crashPointNames.length)] ?? 'mid-stream',
    nth: 1 + Math.floor(next() * 6),
  }));
  return [...named, ...drawn].slice(0, Math.max(count, 0));
}
