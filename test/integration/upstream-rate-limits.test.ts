import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import {
  callIngress,
  expectSaneUsage,
  ingresses,
  onlyRecord,
} from '../helpers/fault-matrix-client.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// The upstream fault matrix, part 4: a provider's 429 with every kind of Retry-After, against
// the rules of docs/routing.md ("Failures"): retry on the same deployment after exactly the
// provider's wait when it is within retry_after_cap_ms, else at once to the next deployment;
// cool the deployment down; a lone deployment is never locked out; the client gets the 429 with
// the provider's wait, clamped to [0, 3600] s, and no invented Retry-After when there was none.

let primary: MockProviderServer;
let backup: MockProviderServer;

const config = (): string => `
routing:
  # The retry budget is not under test here: generous enough never to refuse a retry.
  retries:
    max_retries: 1
    initial_delay_ms: 10
    max_delay_ms: 20
    retry_after_cap_ms: 1500
    budget_ratio: 1
    min_retries_per_second: 1000
  breaker: { min_requests: 100000 }
  cooldown_ms: 400
providers:
  - { id: primary, type: openai-compatible, base_url: "${primary.baseUrl}", models: [echo] }
  - { id: backup, type: openai-compatible, base_url: "${backup.baseUrl}", models: [fast] }
models:
  - alias: solo
    targets: [{ provider: primary, model: echo }]
  - alias: duo
    targets:
      - { provider: primary, model: echo }
      - { provider: backup, model: fast }
`;

beforeAll(async () => {
  primary = await startMockProvider({ name: 'primary' });
  backup = await startMockProvider({ name: 'backup' });
});

afterAll(async () => {
  await primary.close();
  await backup.close();
});

/** An HTTP-date `offsetMs` from now, spelled for a `!mock retry_after=` directive. */
function httpDate(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toUTCString().replaceAll(' ', '_');
}

interface RetryAfterRow {
  readonly kind: string;
  /** The directive's value; undefined: no Retry-After header. */
  readonly value: () => string | undefined;
  /** Attempts on the lone deployment: 2 when retried (max_retries 1), 1 when the wait is over the cap. */
  readonly attempts: 1 | 2;
  /** The client's Retry-After: a value, a [min, max] range, or null (none). */
  readonly clientRetryAfter: string | readonly [number, number] | null;
  /** The least time the retry must have waited. */
  readonly minMs: number;
}

const rows: readonly RetryAfterRow[] = [
  {
    kind: 'seconds within the cap',
    value: () => '1',
    attempts: 2,
    clientRetryAfter: '1',
    minMs: 950,
  },
  { kind: 'zero seconds', value: () => '0', attempts: 2, clientRetryAfter: '0', minMs: 0 },
  {
    kind: 'an HTTP-date in the past',
    value: () => httpDate(-3_600_000),
    attempts: 2,
    clientRetryAfter: '0',
    minMs: 0,
  },
  {
    kind: 'an HTTP-date an hour ahead',
    value: () => httpDate(3_600_000),
    attempts: 1,
    clientRetryAfter: [3590, 3600],
    minMs: 0,
  },
  { kind: 'no Retry-After', value: () => undefined, attempts: 2, clientRetryAfter: null, minMs: 0 },
  { kind: 'garbage', value: () => 'soon', attempts: 2, clientRetryAfter: null, minMs: 0 },
  { kind: 'a negative number', value: () => '-5', attempts: 2, clientRetryAfter: null, minMs: 0 },
  {
    kind: 'a float in exponent form',
    value: () => '1e9',
    attempts: 2,
    clientRetryAfter: null,
    minMs: 0,
  },
  {
    kind: 'a thousand days',
    value: () => '86400000',
    attempts: 1,
    clientRetryAfter: '3600',
    minMs: 0,
  },
];

function directive(row: RetryAfterRow): string {
  const value = row.value();
  return `!mock:primary status=429${value === undefined ? '' : ` retry_after=${value}`}`;
}

describe('429 on a lone deployment: retry, then the 429 to the client', () => {
  let harness: TestGateway;
  let appKey: string;
  beforeAll(async () => {
    harness = await startTestGateway({ config: config() });
    appKey = await harness.createKey();
  });
  afterAll(() => harness.close());

  const cases = rows.flatMap((row) =>
    ingresses.flatMap((ingress) =>
      [false, true]
        // A real one-second wait: once per dialect, and once streamed, keeps the file fast.
        .filter((stream) => row.minMs === 0 || !stream || ingress.name === 'chat')
        .map(
          (stream) =>
            [
              `${row.kind} → ${ingress.name} ${stream ? 'stream' : 'json'}`,
              row,
              ingress,
              stream,
            ] as const,
        ),
    ),
  );
  it.each(cases)('%s', async (_name, row, ingress, stream) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model: 'solo',
      stream,
      content: `${directive(row)}\nrate limited words`,
    });
    expect(outcome.status).toBe(429);
    expect(outcome.errorCode).toBe('SB_ERR_UPSTREAM_RATE_LIMITED');
    const retryAfter = outcome.headers.get('retry-after');
    if (Array.isArray(row.clientRetryAfter)) {
      const [min, max] = row.clientRetryAfter as readonly [number, number];
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(min);
      expect(Number(retryAfter)).toBeLessThanOrEqual(max);
    } else {
      expect(retryAfter).toBe(row.clientRetryAfter);
    }
    // Never a wait longer than the cap while the client's connection is held.
    expect(outcome.ms).toBeGreaterThanOrEqual(row.minMs);
    expect(outcome.ms).toBeLessThan(1500);
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record).toMatchObject({
      outcome: 'upstream-error',
      status: 429,
      errorCode: 'SB_ERR_UPSTREAM_RATE_LIMITED',
    });
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual(
      Array.from({ length: row.attempts }, () => ['primary', 'SB_ERR_UPSTREAM_RATE_LIMITED']),
    );
  });

  it('is never locked out by its own cooldown: the next request still reaches it', async () => {
    const limited = await callIngress(harness, appKey, ingresses[0]!, {
      model: 'solo',
      stream: false,
      content: `!mock:primary status=429 retry_after=${httpDate(3_600_000)}\nhi`,
    });
    expect(limited.status).toBe(429);
    const next = await callIngress(harness, appKey, ingresses[0]!, {
      model: 'solo',
      stream: false,
      content: 'hello again',
    });
    expect(next.status).toBe(200);
    expect(next.headers.get('x-signalbox-provider')).toBe('primary');
    expectSaneUsage(await onlyRecord(harness, next.requestId));
  });
});

describe('429 with a fallback: the next deployment answers, the limited one cools down', () => {
  let harness: TestGateway;
  let appKey: string;
  // A fresh gateway per case: a cooldown left by one case would reorder the next one's plan.
  beforeEach(async () => {
    harness = await startTestGateway({ config: config() });
    appKey = await harness.createKey();
  });
  afterEach(() => harness.close());

  const fallbackRows = rows.filter((row) =>
    ['seconds within the cap', 'no Retry-After', 'a thousand days'].includes(row.kind),
  );
  it.each(
    fallbackRows.flatMap((row) =>
      ingresses
        .filter((ingress) => row.minMs === 0 || ingress.name === 'chat')
        .map((ingress) => [`${row.kind} → ${ingress.name}`, row, ingress] as const),
    ),
  )('%s', async (_name, row, ingress) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model: 'duo',
      stream: ingress.name === 'chat',
      content: `${directive(row)}\nrate limited words`,
    });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get('x-signalbox-provider')).toBe('backup');
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record).toMatchObject({ outcome: 'completed', provider: 'backup' });
    // Within the cap the limited deployment is retried once after exactly its wait (as
    // documented: retries come before fallbacks); over the cap it falls back at once.
    expect(record.attempts.map((attempt) => attempt.provider)).toEqual(
      row.minMs > 0
        ? ['primary', 'primary', 'backup']
        : row.clientRetryAfter === null
          ? ['primary', 'primary', 'backup']
          : ['primary', 'backup'],
    );
    expect(outcome.ms).toBeGreaterThanOrEqual(row.minMs);
    expect(outcome.ms).toBeLessThan(1500);
    expectSaneUsage(record);
    // The limited deployment now cools down: a clean request goes to the backup first.
    const next = await callIngress(harness, appKey, ingress, {
      model: 'duo',
      stream: false,
      content: 'clean',
    });
    expect(next.headers.get('x-signalbox-provider')).toBe('backup');
  });

  it('tries the cooled-down deployment first again once its wait is over', async () => {
    const chat = ingresses[0]!;
    await callIngress(harness, appKey, chat, {
      model: 'duo',
      stream: false,
      content: '!mock:primary status=429\nx',
    });
    // No Retry-After: cooldown_ms (400 ms) applies.
    const during = await callIngress(harness, appKey, chat, {
      model: 'duo',
      stream: false,
      content: 'during',
    });
    expect(during.headers.get('x-signalbox-provider')).toBe('backup');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await callIngress(harness, appKey, chat, {
      model: 'duo',
      stream: false,
      content: 'after',
    });
    expect(after.headers.get('x-signalbox-provider')).toBe('primary');
  });
});
