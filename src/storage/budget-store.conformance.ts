import { describe, expect, it } from 'vitest';
import type {
  ExpiredHold,
  BudgetLine,
  BudgetReservationRequest,
  BudgetStore,
  LedgerEntry,
  SpendSubject,
} from './ports.ts';

/** One backend's data, opened by a new store as a restarted process would. */
export interface BudgetBackend {
  readonly store: BudgetStore;
  /** A second store on the same data (another process, or this one after a restart). */
  reopen(): Promise<BudgetStore>;
  /** Loses the fast counters (as when Redis keys expire or Redis restarts); the ledger stays. */
  forgetCounters(): Promise<void>;
}

const day = Date.UTC(2026, 10, 22);
const dayEnd = day + 86_400_000;

const subject: SpendSubject = {
  keyId: 'key1',
  user: 'ada',
  org: 'acme',
  team: 'alpha',
  tags: ['prod', 'eu'],
  model: 'gpt-x',
};

function line(key: string, limitNanos: number, overrides: Partial<BudgetLine> = {}): BudgetLine {
  return {
    key,
    scope: 'team',
    subject: 'alpha',
    startMs: day,
    endMs: dayEnd,
    limitNanos,
    hard: true,
    ...overrides,
  };
}

let sequence = 0;
function requestId(): string {
  sequence += 1;
  return `req-${String(sequence)}-${Math.random().toString(36).slice(2)}`;
}

function reservation(
  lines: readonly BudgetLine[],
  maxNanos: number,
  overrides: Partial<BudgetReservationRequest> = {},
): BudgetReservationRequest {
  return {
    requestId: requestId(),
    atMs: day + 1000,
    subject,
    lines,
    maxNanos,
    minNanos: maxNanos,
    expiresAtMs: day + 600_000,
    ...overrides,
  };
}

function entry(id: string, costNanos: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    requestId: id,
    atMs: day + 1000,
    subject,
    provider: 'mock',
    deployment: 'mock-1',
    upstreamModel: 'echo',
    inputTokens: 10,
    outputTokens: 20,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    costNanos,
    estimated: false,
    outcome: 'completed',
    ...overrides,
  };
}

/** The row a reaper writes for a hold nothing settled: the held amount, estimated. */
function reapedRow(hold: ExpiredHold): LedgerEntry {
  return entry(hold.requestId, hold.amountNanos, {
    atMs: hold.atMs,
    subject: hold.subject,
    provider: null,
    deployment: null,
    upstreamModel: null,
    inputTokens: null,
    outputTokens: null,
    estimated: true,
    outcome: 'reaped',
  });
}

/**
 * The behaviour every `BudgetStore` backend must have: atomic reservations across lines, exactly
 * once settlement, conservative reaping, counters rebuilt from the ledger, and reports.
 */
export function runBudgetStoreConformance(name: string, open: () => Promise<BudgetBackend>): void {
  describe(`BudgetStore conformance: ${name}`, () => {
    it('reserves across every line at once and refuses what a hard line cannot hold', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:x', 1000);
      const key = line('key:key1:day:x', 5000, { scope: 'key', subject: 'key1' });
      const first = await store.reserve(reservation([team, key], 600));
      expect(first).toMatchObject({ allowed: true, reservedNanos: 600, refusedBy: undefined });
      expect(first.lines.map((state) => state.reservedNanos)).toEqual([600, 600]);
      const second = await store.reserve(reservation([key, team], 600));
      expect(second).toMatchObject({ allowed: false, reservedNanos: 0, refusedBy: team.key });
      // Nothing of a refused reservation is held on any line.
      expect((await store.lineStates([key, team])).map((state) => state.reservedNanos)).toEqual([
        600, 600,
      ]);
    });

    it('holds less than the maximum when a line has less left, but not below the minimum', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:partial', 1000);
      await store.reserve(reservation([team], 700));
      const partial = await store.reserve(reservation([team], 500, { minNanos: 100 }));
      expect(partial).toMatchObject({ allowed: true, reservedNanos: 300 });
      const none = await store.reserve(reservation([team], 500, { minNanos: 1 }));
      expect(none.allowed).toBe(false);
    });

    it('never lets soft lines refuse, and reserves nothing without lines', async () => {
      const { store } = await open();
      const soft = line('tag:prod:day:soft', 10, { hard: false, scope: 'tag', subject: 'prod' });
      const result = await store.reserve(reservation([soft], 500));
      expect(result).toMatchObject({ allowed: true, reservedNanos: 500 });
      expect(result.lines[0]).toMatchObject({ hard: false, reservedNanos: 500 });
      expect(await store.reserve(reservation([], 500))).toMatchObject({
        allowed: true,
        reservedNanos: 500,
        lines: [],
      });
    });

    it('admits at most what the budget affords under 100 concurrent reservations', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:race', 10 * 1000);
      const results = await Promise.all(
        Array.from({ length: 100 }, () => store.reserve(reservation([team], 1000))),
      );
      expect(results.filter((result) => result.allowed)).toHaveLength(10);
      const [state] = await store.lineStates([team]);
      expect(state).toMatchObject({ spentNanos: 0, reservedNanos: 10_000 });
    });

    it('holds on every line exactly what it granted to reservations made together', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:together', 1000);
      const key = line('key:key1:day:together', 1500, { scope: 'key', subject: 'key1' });
      const requests = [
        reservation([team, key], 600),
        reservation([team], 600, { minNanos: 100 }),
        reservation([key], 1000, { minNanos: 1 }),
        reservation([key, team], 300, { minNanos: 1 }),
      ];
      const results = await Promise.all(requests.map((request) => store.reserve(request)));
      const granted = (target: BudgetLine): number =>
        results.reduce(
          (sum, result, index) =>
            requests[index]?.lines.includes(target) === true ? sum + result.reservedNanos : sum,
          0,
        );
      const [teamState, keyState] = await store.lineStates([team, key]);
      expect(teamState?.reservedNanos).toBe(granted(team));
      expect(keyState?.reservedNanos).toBe(granted(key));
      expect(granted(team)).toBeLessThanOrEqual(1000);
      expect(granted(key)).toBeLessThanOrEqual(1500);
      expect(results.filter((result) => result.allowed).length).toBeGreaterThanOrEqual(2);
    });

    it('keeps each of 40 reservations made together as its own hold, at its own amount', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:forty', 10_000_000);
      const helds = Array.from({ length: 40 }, (_, index) =>
        reservation([team], 1000 + index, { expiresAtMs: day + 600_000 + index }),
      );
      const results = await Promise.all(helds.map((held) => store.reserve(held)));
      expect(results.map((result) => result.reservedNanos)).toEqual(
        helds.map((held) => held.maxNanos),
      );
      const sum = (list: readonly BudgetReservationRequest[]): number =>
        list.reduce((total, held) => total + held.maxNanos, 0);
      // Settling the even ones at no cost releases exactly their holds, not other rows' amounts.
      const even = helds.filter((_, index) => index % 2 === 0);
      const odd = helds.filter((_, index) => index % 2 === 1);
      expect(await store.settle(even.map((held) => entry(held.requestId, 0)))).toEqual(
        even.map(() => true),
      );
      const [state] = await store.lineStates([team]);
      expect(state).toMatchObject({ spentNanos: 0, reservedNanos: sum(odd) });
      // Each odd hold expires at its own time and is reaped at its own amount.
      const reaped = await store.claimExpiredHolds(day + 600_000 + 40, day + 700_000, 100);
      expect(Object.fromEntries(reaped.map((hold) => [hold.requestId, hold.amountNanos]))).toEqual(
        Object.fromEntries(odd.map((held) => [held.requestId, held.maxNanos])),
      );
    });

    it('settles each request exactly once, turning its hold into actual spend', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:settle', 10_000);
      const held = reservation([team], 4000);
      await store.reserve(held);
      expect(await store.settle([entry(held.requestId, 1500)])).toEqual([true]);
      expect(await store.settle([entry(held.requestId, 1500)])).toEqual([false]);
      const [state] = await store.lineStates([team]);
      expect(state).toMatchObject({ spentNanos: 1500, reservedNanos: 0 });
      expect(await store.findLedgerEntry(held.requestId)).toEqual(entry(held.requestId, 1500));
      expect(await store.findLedgerEntry('no-such-request')).toBeUndefined();
    });

    it('writes ledger rows of requests that reserved nothing, and settles batches', async () => {
      const { store } = await open();
      const ids = [requestId(), requestId(), requestId()];
      expect(await store.settle(ids.map((id) => entry(id, 10)))).toEqual([true, true, true]);
      expect(await store.settle([entry(ids[0] ?? '', 10), entry(requestId(), 5)])).toEqual([
        false,
        true,
      ]);
    });

    it('settles a batch of 150 holds on shared lines in one call, counting repeats and rows already written once', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:batch', 10_000_000);
      const key = line('key:key1:day:batch', 10_000_000, { scope: 'key', subject: 'key1' });
      const helds = Array.from({ length: 150 }, (_, index) =>
        reservation(index % 3 === 0 ? [team] : [team, key], 1000),
      );
      for (const held of helds) expect((await store.reserve(held)).allowed).toBe(true);
      const early = helds.slice(0, 10);
      expect(await store.settle(early.map((held) => entry(held.requestId, 7)))).toEqual(
        early.map(() => true),
      );
      // The batch: every request at cost 100, the first ten again (already written: their holds
      // are gone, nothing changes), and request 20 twice (the second is not written).
      const repeated = helds[20]?.requestId ?? '';
      const batch = [...helds.map((held) => entry(held.requestId, 100)), entry(repeated, 100_000)];
      const written = await store.settle(batch);
      expect(written).toEqual(batch.map((_, index) => index >= 10 && index < 150));
      const [teamState, keyState] = await store.lineStates([team, key]);
      expect(teamState).toMatchObject({ spentNanos: 10 * 7 + 140 * 100, reservedNanos: 0 });
      const keyed = helds.filter((_, index) => index % 3 !== 0);
      const keyedEarly = keyed.filter((held) => early.includes(held)).length;
      expect(keyState).toMatchObject({
        spentNanos: keyedEarly * 7 + (keyed.length - keyedEarly) * 100,
        reservedNanos: 0,
      });
      expect(await store.findLedgerEntry(repeated)).toEqual(entry(repeated, 100));
    });

    it('reaps expired holds at the held amount, marked estimated, and only once', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:reap', 10_000);
      const orphan = reservation([team], 3000, { expiresAtMs: day + 5000 });
      const live = reservation([team], 2000, { expiresAtMs: day + 900_000 });
      await store.reserve(orphan);
      await store.reserve(live);
      expect(await store.claimExpiredHolds(day + 4999, day + 60_000, 100)).toEqual([]);
      const claimed = await store.claimExpiredHolds(day + 5000, day + 60_000, 100);
      expect(claimed).toEqual([
        { requestId: orphan.requestId, atMs: orphan.atMs, amountNanos: 3000, subject },
      ]);
      // Claimed: another reaper does not get it until the claim runs out.
      expect(await store.claimExpiredHolds(day + 5000, day + 60_000, 100)).toEqual([]);
      expect(await store.settle(claimed.map((hold) => reapedRow(hold)))).toEqual([true]);
      expect(await store.claimExpiredHolds(day + 120_000, day + 180_000, 100)).toEqual([]);
      expect(await store.findLedgerEntry(orphan.requestId)).toMatchObject({
        costNanos: 3000,
        estimated: true,
        outcome: 'reaped',
        subject,
      });
      const [state] = await store.lineStates([team]);
      expect(state).toMatchObject({ spentNanos: 3000, reservedNanos: 2000 });
      // The request settling late changes nothing: the reaped row stands.
      expect(await store.settle([entry(orphan.requestId, 100)])).toEqual([false]);
      expect((await store.lineStates([team]))[0]).toMatchObject({ spentNanos: 3000 });
    });

    it('gives a claimed hold to another reaper once the claim runs out', async () => {
      const { store } = await open();
      const team = line('team:alpha:day:reclaim', 10_000);
      const orphan = reservation([team], 1000, { expiresAtMs: day + 5000 });
      await store.reserve(orphan);
      expect(await store.claimExpiredHolds(day + 5000, day + 10_000, 100)).toHaveLength(1);
      expect(await store.claimExpiredHolds(day + 9999, day + 20_000, 100)).toEqual([]);
      const again = await store.claimExpiredHolds(day + 10_000, day + 20_000, 100);
      expect(again.map((hold) => hold.requestId)).toEqual([orphan.requestId]);
      // A row written meanwhile (the request settled late) wins; the hold is only released.
      expect(await store.settle([entry(orphan.requestId, 400)])).toEqual([true]);
      expect(await store.settle(again.map((hold) => reapedRow(hold)))).toEqual([false]);
      expect((await store.lineStates([team]))[0]).toMatchObject({
        spentNanos: 400,
        reservedNanos: 0,
      });
      expect(await store.claimExpiredHolds(day + 30_000, day + 40_000, 100)).toEqual([]);
    });

    it('keeps spend across a restart', async () => {
      const backend = await open();
      const team = line('team:alpha:day:restart', 5000);
      const held = reservation([team], 3000);
      await backend.store.reserve(held);
      await backend.store.settle([entry(held.requestId, 3000)]);
      const restarted = await backend.reopen();
      expect((await restarted.reserve(reservation([team], 3000))).allowed).toBe(false);
      expect((await restarted.reserve(reservation([team], 2000))).allowed).toBe(true);
    });

    it('rebuilds lost counters from the ledger, per scope and period', async () => {
      const backend = await open();
      const store = backend.store;
      await store.settle([
        entry(requestId(), 100),
        entry(requestId(), 200, { subject: { ...subject, team: 'beta', tags: ['eu'] } }),
        entry(requestId(), 400, { atMs: day - 1 }),
        entry(requestId(), 800, { atMs: dayEnd }),
      ]);
      const alpha = line('team:alpha:day:rebuild', 10_000);
      const euTag = line('tag:eu:day:rebuild', 10_000, { scope: 'tag', subject: 'eu' });
      const total = line('team:alpha:total:rebuild', 10_000, { startMs: 0, endMs: null });
      const user = line('user:ada:day:rebuild', 10_000, { scope: 'user', subject: 'ada' });
      const spent = async (): Promise<number[]> =>
        (await store.lineStates([alpha, euTag, total, user])).map((state) => state.spentNanos);
      expect(await spent()).toEqual([100, 300, 1300, 300]);
      const held = reservation([alpha], 50);
      await store.reserve(held);
      await store.settle([entry(held.requestId, 50)]);
      await backend.forgetCounters();
      expect(await spent()).toEqual([150, 350, 1350, 350]);
    });

    it('reports spend grouped and filtered, largest first; filter values are only data', async () => {
      const { store } = await open();
      const other: SpendSubject = { ...subject, keyId: 'key2', team: 'beta', model: 'gpt-y' };
      await store.settle([
        entry(requestId(), 100, { atMs: day + 10 }),
        entry(requestId(), 300, { atMs: day + 20, subject: other }),
        entry(requestId(), 50, { atMs: dayEnd + 10, estimated: true }),
      ]);
      const rows = await store.spendReport({
        fromMs: day,
        toMs: dayEnd + 86_400_000,
        groupBy: ['team', 'day'],
        filters: {},
        limit: 10,
      });
      expect(rows).toEqual([
        {
          group: { team: 'beta', day: '2026-11-22' },
          requests: 1,
          costNanos: 300,
          inputTokens: 10,
          outputTokens: 20,
          estimatedRequests: 0,
          cacheHits: 0,
          cacheSavedNanos: 0,
          routedRequests: 0,
          routedCostNanos: 0,
          baselineNanos: 0,
        },
        {
          group: { team: 'alpha', day: '2026-11-22' },
          requests: 1,
          costNanos: 100,
          inputTokens: 10,
          outputTokens: 20,
          estimatedRequests: 0,
          cacheHits: 0,
          cacheSavedNanos: 0,
          routedRequests: 0,
          routedCostNanos: 0,
          baselineNanos: 0,
        },
        {
          group: { team: 'alpha', day: '2026-11-23' },
          requests: 1,
          costNanos: 50,
          inputTokens: 10,
          outputTokens: 20,
          estimatedRequests: 1,
          cacheHits: 0,
          cacheSavedNanos: 0,
          routedRequests: 0,
          routedCostNanos: 0,
          baselineNanos: 0,
        },
      ]);
      const filtered = await store.spendReport({
        fromMs: day,
        toMs: dayEnd,
        groupBy: ['model'],
        filters: { key: 'key2' },
        limit: 10,
      });
      expect(filtered.map((row) => [row.group, row.costNanos])).toEqual([
        [{ model: 'gpt-y' }, 300],
      ]);
      for (const hostile of [
        "' OR 1=1 --",
        '"; DROP TABLE spend_ledger; --',
        "key1') OR ('1'='1",
      ]) {
        expect(
          await store.spendReport({
            fromMs: 0,
            toMs: dayEnd * 2,
            groupBy: [],
            filters: { key: hostile, team: hostile },
            limit: 10,
          }),
        ).toEqual([]);
      }
      const all = await store.spendReport({
        fromMs: 0,
        toMs: dayEnd * 2,
        groupBy: [],
        filters: {},
        limit: 10,
      });
      expect(all).toEqual([
        {
          group: {},
          requests: 3,
          costNanos: 450,
          inputTokens: 30,
          outputTokens: 60,
          estimatedRequests: 1,
          cacheHits: 0,
          cacheSavedNanos: 0,
          routedRequests: 0,
          routedCostNanos: 0,
          baselineNanos: 0,
        },
      ]);
    });

    it('reports requests answered from the cache and what they saved', async () => {
      const { store } = await open();
      await store.settle([
        entry(requestId(), 100, { atMs: day + 10 }),
        entry(requestId(), 0, { atMs: day + 20, cacheSavedNanos: 100 }),
        entry(requestId(), 0, { atMs: day + 30, cacheSavedNanos: 0 }),
      ]);
      const [row] = await store.spendReport({
        fromMs: day,
        toMs: day + 86_400_000,
        groupBy: [],
        filters: {},
        limit: 10,
      });
      expect(row).toMatchObject({
        requests: 3,
        costNanos: 100,
        cacheHits: 2,
        cacheSavedNanos: 100,
      });
    });

    it("reports routed requests' cost against their baseline, the strongest model's", async () => {
      const { store } = await open();
      await store.settle([
        entry(requestId(), 100, { atMs: day + 10, baselineNanos: 900 }),
        entry(requestId(), 40, { atMs: day + 20, baselineNanos: 40 }),
        entry(requestId(), 70, { atMs: day + 30 }),
      ]);
      const [row] = await store.spendReport({
        fromMs: day,
        toMs: day + 86_400_000,
        groupBy: [],
        filters: {},
        limit: 10,
      });
      expect(row).toMatchObject({
        requests: 3,
        costNanos: 210,
        routedRequests: 2,
        routedCostNanos: 140,
        baselineNanos: 940,
      });
    });
  });
}
