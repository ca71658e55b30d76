import { describe, expect, it } from 'vitest';
import type { RequestLogRow, RequestLogStore } from './request-log-store.ts';

/** One backend's request log on an empty, migrated database. */
export interface RequestLogBackend {
  readonly store: RequestLogStore;
  /** Keeps a payload for `requestId` as the audit trail would, at audit seq `seq`. */
  keepPayload(seq: number, requestId: string, org: string): Promise<void>;
}

const base = 1_800_000_000_000;
const minute = 60_000;

/** A row with every column set; `overrides` changes what a test looks at. */
export function requestLogRow(overrides: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    requestId: 'req_0',
    at: base,
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    outcome: 'completed',
    keyId: 'key_a',
    org: 'acme',
    team: 'red',
    userId: 'user_1',
    requestedModel: 'fast',
    provider: 'mock',
    deployment: 'mock/fast',
    upstreamModel: 'mock-fast-1',
    stream: false,
    inputTokens: 10,
    outputTokens: 20,
    cacheReadTokens: 2,
    cacheWriteTokens: null,
    costNanos: 1500,
    durationMs: 12.5,
    upstreamMs: 10.25,
    errorCode: null,
    routeReason: 'priority',
    cache: null,
    detail: '{"decision":{"strategy":"priority"},"attempts":[],"finish_reasons":["stop"]}',
    promptId: 'support-answer',
    promptVersion: 3,
    ...overrides,
  };
}

function ids(rows: readonly RequestLogRow[]): string[] {
  return rows.map((row) => row.requestId);
}

/** The shared behaviour of every RequestLogStore backend. */
export function runRequestLogStoreConformance(
  name: string,
  open: () => Promise<RequestLogBackend>,
): void {
  describe(`${name} request log store`, () => {
    it('appends rows, keeps every field, and ignores a request id seen before', async () => {
      const { store } = await open();
      const row = requestLogRow({ stream: true, errorCode: 'SB_ERR_X', cache: 'hit' });
      await store.append([row]);
      await store.append([{ ...row, status: 500 }]);
      await store.append([]);
      expect(await store.search({}, 10)).toEqual([row]);
      const nulls = requestLogRow({
        requestId: 'req_nulls',
        keyId: null,
        org: null,
        team: null,
        userId: null,
        requestedModel: null,
        provider: null,
        deployment: null,
        upstreamModel: null,
        inputTokens: null,
        outputTokens: null,
        cacheReadTokens: null,
        costNanos: null,
        upstreamMs: null,
        routeReason: null,
        promptId: null,
        promptVersion: null,
      });
      await store.append([nulls]);
      expect((await store.get('req_nulls'))?.row).toEqual(nulls);
    });

    it('writes a large batch in one call', async () => {
      const { store } = await open();
      const rows = Array.from({ length: 450 }, (_, index) =>
        requestLogRow({ requestId: `req_${String(index).padStart(4, '0')}`, at: base + index }),
      );
      await store.append(rows);
      const page = await store.search({}, 200);
      expect(page).toHaveLength(200);
      expect(page[0]?.requestId).toBe('req_0449');
    });

    it('searches newest first with every filter, exact matches only', async () => {
      const { store } = await open();
      await store.append([
        requestLogRow({ requestId: 'a', at: base + 1 }),
        requestLogRow({
          requestId: 'b',
          at: base + 2,
          keyId: 'key_b',
          org: 'other',
          team: 'blue',
          userId: 'user_2',
          requestedModel: 'smart',
          deployment: 'mock/smart',
          status: 502,
          outcome: 'upstream-error',
          errorCode: 'SB_ERR_UPSTREAM_ERROR',
        }),
        requestLogRow({ requestId: 'c', at: base + 3, requestedModel: 'smart' }),
      ]);
      expect(ids(await store.search({}, 10))).toEqual(['c', 'b', 'a']);
      expect(ids(await store.search({ keyId: 'key_b' }, 10))).toEqual(['b']);
      expect(ids(await store.search({ org: 'acme' }, 10))).toEqual(['c', 'a']);
      expect(ids(await store.search({ team: 'blue' }, 10))).toEqual(['b']);
      expect(ids(await store.search({ userId: 'user_1' }, 10))).toEqual(['c', 'a']);
      expect(ids(await store.search({ model: 'smart' }, 10))).toEqual(['c', 'b']);
      expect(ids(await store.search({ deployment: 'mock/smart' }, 10))).toEqual(['b']);
      expect(ids(await store.search({ status: 502 }, 10))).toEqual(['b']);
      expect(ids(await store.search({ outcome: 'completed' }, 10))).toEqual(['c', 'a']);
      expect(ids(await store.search({ errorCode: 'SB_ERR_UPSTREAM_ERROR' }, 10))).toEqual(['b']);
      expect(ids(await store.search({ requestId: 'a' }, 10))).toEqual(['a']);
      expect(ids(await store.search({ fromMs: base + 2, toMs: base + 3 }, 10))).toEqual(['b']);
      expect(ids(await store.search({ org: 'acme', model: 'smart' }, 10))).toEqual(['c']);
      expect(ids(await store.search({ org: 'acm' }, 10))).toEqual([]);
      expect(ids(await store.search({ org: "acme' OR '1'='1" }, 10))).toEqual([]);
    });

    it('pages with a cursor: every row once, in order, ties on time broken by request id', async () => {
      const { store } = await open();
      // 57 rows over 20 distinct times, so pages split groups of equal time.
      const rows = Array.from({ length: 57 }, (_, index) =>
        requestLogRow({
          requestId: `r${String(index).padStart(3, '0')}`,
          at: base + Math.floor(index / 3),
        }),
      );
      await store.append([...rows].reverse());
      const seen: string[] = [];
      let cursor: { at: number; requestId: string } | undefined;
      for (let page = 0; page < 20; page += 1) {
        const found = await store.search({}, 10, cursor);
        seen.push(...ids(found));
        const last = found.at(-1);
        if (found.length < 10 || last === undefined) break;
        cursor = { at: last.at, requestId: last.requestId };
      }
      const expected = [...rows]
        .sort((left, right) =>
          left.at === right.at ? right.requestId.localeCompare(left.requestId) : right.at - left.at,
        )
        .map((row) => row.requestId);
      expect(seen).toEqual(expected);
      // A filtered search pages the same way.
      const first = await store.search({ org: 'acme' }, 5);
      const last = first.at(-1)!;
      const second = await store.search({ org: 'acme' }, 5, {
        at: last.at,
        requestId: last.requestId,
      });
      expect(ids([...first, ...second])).toEqual(expected.slice(0, 10));
    });

    it('gets one request with the seq of its kept payload, or null', async () => {
      const backend = await open();
      await backend.store.append([
        requestLogRow({ requestId: 'kept' }),
        requestLogRow({ requestId: 'plain' }),
      ]);
      await backend.keepPayload(7, 'kept', 'acme');
      expect(await backend.store.get('kept')).toEqual({
        row: requestLogRow({ requestId: 'kept' }),
        payloadSeq: 7,
      });
      expect((await backend.store.get('plain'))?.payloadSeq).toBeNull();
      expect(await backend.store.get('missing')).toBeUndefined();
    });

    it('reports totals, buckets, interpolated percentiles and top models', async () => {
      const { store } = await open();
      const rows: RequestLogRow[] = [];
      // Minute 0: durations 1..100; minute 2: 7, 5 and 6, two of them failed.
      for (let index = 1; index <= 100; index += 1) {
        rows.push(
          requestLogRow({
            requestId: `m0_${String(index)}`,
            at: base + (index % 60) * 1000,
            durationMs: index,
            inputTokens: 1,
            outputTokens: 2,
            costNanos: 10,
            requestedModel: index <= 60 ? 'fast' : 'smart',
          }),
        );
      }
      rows.push(
        requestLogRow({ requestId: 'm2_a', at: base + 2 * minute + 5, durationMs: 7 }),
        requestLogRow({
          requestId: 'm2_b',
          at: base + 2 * minute + 9,
          durationMs: 5,
          status: 200,
          outcome: 'client-closed',
          inputTokens: null,
          costNanos: null,
        }),
        requestLogRow({
          requestId: 'm2_c',
          at: base + 2 * minute + 10,
          durationMs: 6,
          status: 429,
          outcome: 'rejected',
          org: 'other',
        }),
        // Outside the range: not counted.
        requestLogRow({ requestId: 'late', at: base + 3 * minute, durationMs: 1000 }),
      );
      await store.append(rows);
      const stats = await store.stats({ fromMs: base, toMs: base + 3 * minute }, minute, {});
      expect(stats.series.map((entry) => entry.at)).toEqual([base, base + 2 * minute]);
      expect(stats.series[0]).toMatchObject({
        requests: 100,
        errors: 0,
        inputTokens: 100,
        outputTokens: 200,
        costNanos: 1000,
      });
      // Linear interpolation at p·(n−1): 1..100 gives 50.5 and 99.01; 5, 6, 7 gives 6 and 6.98.
      expect(stats.series[0]?.p50Ms).toBeCloseTo(50.5, 9);
      expect(stats.series[0]?.p99Ms).toBeCloseTo(99.01, 9);
      expect(stats.series[1]).toMatchObject({
        requests: 3,
        errors: 2,
        inputTokens: 20,
        outputTokens: 60,
        costNanos: 3000,
      });
      expect(stats.series[1]?.p50Ms).toBeCloseTo(6, 9);
      expect(stats.series[1]?.p99Ms).toBeCloseTo(6.98, 9);
      expect(stats.totals).toMatchObject({
        requests: 103,
        errors: 2,
        inputTokens: 120,
        outputTokens: 260,
        costNanos: 4000,
      });
      // 103 durations, 1..100 plus 5, 6 and 7: position 51 is 49; position 100.98 is 98.98.
      expect(stats.totals.p50Ms).toBeCloseTo(49, 9);
      expect(stats.totals.p99Ms).toBeCloseTo(98.98, 9);
      expect(stats.byModel).toEqual([
        { model: 'fast', requests: 63, costNanos: 3600 },
        { model: 'smart', requests: 40, costNanos: 400 },
      ]);
      const scoped = await store.stats({ fromMs: base, toMs: base + 3 * minute }, minute, {
        org: 'other',
      });
      expect(scoped.totals).toMatchObject({ requests: 1, errors: 1 });
      expect(scoped.totals.p50Ms).toBeCloseTo(6, 9);
      expect(scoped.totals.p99Ms).toBeCloseTo(6, 9);
      const empty = await store.stats({ fromMs: 0, toMs: base }, minute, {});
      expect(empty).toEqual({
        totals: {
          requests: 0,
          errors: 0,
          inputTokens: 0,
          outputTokens: 0,
          costNanos: 0,
          p50Ms: null,
          p99Ms: null,
        },
        series: [],
        byModel: [],
      });
    });

    it('buckets by UTC day', async () => {
      const { store } = await open();
      const day = 86_400_000;
      const midnight = Math.floor(base / day) * day;
      await store.append([
        requestLogRow({ requestId: 'd0', at: midnight + 5 }),
        requestLogRow({ requestId: 'd0b', at: midnight + day - 1 }),
        requestLogRow({ requestId: 'd1', at: midnight + day }),
      ]);
      const stats = await store.stats({ fromMs: midnight, toMs: midnight + 2 * day }, day, {});
      expect(stats.series.map((entry) => [entry.at, entry.requests])).toEqual([
        [midnight, 2],
        [midnight + day, 1],
      ]);
    });

    it('reports each version of one prompt, ascending, from its rows in the range only', async () => {
      const { store } = await open();
      const prompt = { promptId: 'support-answer' };
      await store.append([
        // Version 10 first: versions are ordered as numbers, not as text or as written.
        requestLogRow({
          ...prompt,
          requestId: 'v10_rejected',
          at: base + minute,
          promptVersion: 10,
          durationMs: 4,
          status: 429,
          outcome: 'rejected',
          org: 'other',
          inputTokens: null,
          outputTokens: null,
          costNanos: null,
        }),
        requestLogRow({
          ...prompt,
          requestId: 'v10_ok',
          at: base + minute + 1,
          promptVersion: 10,
          durationMs: 6,
          inputTokens: 10,
          outputTokens: 20,
          costNanos: 1500,
        }),
        // From is inclusive: a row at exactly `fromMs` counts.
        requestLogRow({
          ...prompt,
          requestId: 'v2_ok',
          at: base,
          promptVersion: 2,
          durationMs: 10,
          inputTokens: 5,
          outputTokens: 7,
          costNanos: 100,
        }),
        requestLogRow({
          ...prompt,
          requestId: 'v2_failed',
          at: base + 1,
          promptVersion: 2,
          durationMs: 30,
          status: 502,
          outcome: 'upstream-error',
          inputTokens: null,
          outputTokens: null,
          costNanos: null,
        }),
        // A 200 the client closed early is an error, as in `stats`.
        requestLogRow({
          ...prompt,
          requestId: 'v2_closed',
          at: base + 2,
          promptVersion: 2,
          durationMs: 20,
          outcome: 'client-closed',
          inputTokens: 1,
          outputTokens: 0,
          costNanos: 50,
        }),
        // Not counted: before the range, at its exclusive end, another prompt, no prompt.
        requestLogRow({ ...prompt, requestId: 'early', at: base - 1, promptVersion: 2 }),
        requestLogRow({ ...prompt, requestId: 'at_end', at: base + 2 * minute, promptVersion: 2 }),
        requestLogRow({
          requestId: 'other_prompt',
          at: base + 3,
          promptId: 'other',
          promptVersion: 2,
        }),
        requestLogRow({
          requestId: 'no_prompt',
          at: base + 4,
          promptId: null,
          promptVersion: null,
        }),
      ]);
      const stats = await store.promptVersionStats('support-answer', base, base + 2 * minute);
      expect(stats.map((entry) => entry.version)).toEqual([2, 10]);
      expect(stats[0]).toMatchObject({
        version: 2,
        requests: 3,
        errors: 2,
        inputTokens: 6,
        outputTokens: 7,
        costNanos: 150,
        costedRequests: 2,
      });
      // 10, 20 and 30: mean and median 20; p99 at position 1.98 is 29.8.
      expect(stats[0]?.durationMsMean).toBeCloseTo(20, 9);
      expect(stats[0]?.durationMsP50).toBeCloseTo(20, 9);
      expect(stats[0]?.durationMsP99).toBeCloseTo(29.8, 9);
      expect(stats[1]).toMatchObject({
        version: 10,
        requests: 2,
        errors: 1,
        inputTokens: 10,
        outputTokens: 20,
        costNanos: 1500,
        costedRequests: 1,
      });
      expect(stats[1]?.durationMsMean).toBeCloseTo(5, 9);
      expect(stats[1]?.durationMsP50).toBeCloseTo(5, 9);
      expect(stats[1]?.durationMsP99).toBeCloseTo(5.98, 9);
      // A scope narrows it like any filter; unknown costs and tokens sum to 0, never null.
      expect(
        await store.promptVersionStats('support-answer', base, base + 2 * minute, {
          org: 'other',
        }),
      ).toEqual([
        {
          version: 10,
          requests: 1,
          errors: 1,
          durationMsMean: 4,
          durationMsP50: 4,
          durationMsP99: 4,
          inputTokens: 0,
          outputTokens: 0,
          costNanos: 0,
          costedRequests: 0,
        },
      ]);
      // The range's ends move the rows in and out.
      const wider = await store.promptVersionStats(
        'support-answer',
        base - 1,
        base + 2 * minute + 1,
      );
      expect(wider.map((entry) => [entry.version, entry.requests])).toEqual([
        [2, 5],
        [10, 2],
      ]);
      const other = await store.promptVersionStats('other', base, base + 2 * minute);
      expect(other.map((entry) => [entry.version, entry.requests])).toEqual([[2, 1]]);
      expect(await store.promptVersionStats('support-answer', 0, base - 1)).toEqual([]);
      expect(await store.promptVersionStats("support-answer' OR '1'='1", 0, base * 2)).toEqual([]);
    });

    it('prunes rows older than a time and says how many', async () => {
      const { store } = await open();
      await store.append([
        requestLogRow({ requestId: 'old', at: base - 1 }),
        requestLogRow({ requestId: 'edge', at: base }),
        requestLogRow({ requestId: 'new', at: base + 1 }),
      ]);
      expect(await store.prune(base)).toBe(1);
      expect(ids(await store.search({}, 10))).toEqual(['new', 'edge']);
      expect(await store.prune(base)).toBe(0);
    });
  });
}
