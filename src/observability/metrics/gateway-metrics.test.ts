import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../request-record.ts';
import { GatewayMetrics, type GatewayMetricsOptions } from './gateway-metrics.ts';
import type { BudgetLineView, CircuitView } from './live-state-metrics.ts';

function fakeClock() {
  const state = { ms: 0 };
  return { state, clock: { now: () => state.ms, monotonic: () => state.ms } };
}

function metricsWith(overrides: Partial<GatewayMetricsOptions> = {}) {
  const { state, clock } = fakeClock();
  const metrics = new GatewayMetrics({
    clock,
    errorCodes: ['SB_ERR_MODEL_NOT_FOUND', 'SB_ERR_RATE_LIMITED', 'SB_ERR_UPSTREAM_ERROR'],
    knownNames: () => ({
      models: new Set(['assistant', 'mock/echo', 'echo']),
      providers: new Map([['mock', 'openai-compatible']]),
    }),
    routeOf: (_method, path) =>
      path === '/v1/chat/completions' || path.startsWith('/admin/keys/')
        ? path.startsWith('/admin/keys/')
          ? '/admin/keys/:id'
          : path
        : undefined,
    circuits: () => [],
    budgetLines: () => Promise.resolve([]),
    processMetrics: false,
    ...overrides,
  });
  return { metrics, time: state };
}

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'r1',
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    keyId: 'key-secret-id',
    requestedModel: 'assistant',
    provider: 'mock',
    upstreamModel: 'echo',
    deployment: 'mock/echo',
    routeReason: undefined,
    decision: undefined,
    stream: false,
    outcome: 'completed',
    errorCode: undefined,
    attempts: [],
    usage: { inputTokens: { total: 10, cacheRead: 4 }, outputTokens: { total: 5, reasoning: 2 } },
    costUsd: 0.5,
    finishReasons: [],
    durationMs: 120,
    upstreamMs: 100,
    firstByteMs: 103,
    ...overrides,
  };
}

async function lines(metrics: GatewayMetrics, name: string): Promise<string[]> {
  return (await metrics.render()).split('\n').filter((line) => line.startsWith(`${name}{`));
}

describe('GatewayMetrics', () => {
  it('records a request: counts, tokens by type, cost and the overhead', async () => {
    const { metrics } = metricsWith();
    metrics.record(record());
    const text = await metrics.render();
    expect(text).toContain(
      'signalbox_requests_total{route="/v1/chat/completions",status_class="2xx",outcome="completed"} 1',
    );
    for (const [type, value] of [
      ['input', 10],
      ['output', 5],
      ['cache_read', 4],
      ['reasoning', 2],
    ] as const) {
      expect(text).toContain(`signalbox_tokens_total{model="assistant",type="${type}"} ${value}`);
    }
    expect(text).toContain('signalbox_cost_usd_total{provider="mock",model="assistant"} 0.5');
    // 103 ms to the first byte, 100 of them upstream: 3 ms of the gateway's own.
    expect(text).toContain(
      'signalbox_gateway_overhead_seconds_sum{route="/v1/chat/completions"} 0.003',
    );
    expect(text).not.toContain('key-secret-id');
  });

  it('keeps every label bounded: unknown models, providers, routes and codes become other', async () => {
    const { metrics } = metricsWith();
    for (let index = 0; index < 500; index += 1) {
      metrics.record(
        record({
          requestId: `r${index}`,
          route: `/probe/${index}`,
          requestedModel: `typed-${index}`,
          upstreamModel: `typed-${index}`,
          provider: `provider-${index}`,
          errorCode: `SB_ERR_MADE_UP_${index}`,
          status: 400 + (index % 100),
          outcome: 'rejected',
        }),
      );
      metrics.record(record({ route: `/v1/chat/completions`, requestedModel: `typed-${index}` }));
      metrics.record(record({ method: 'DELETE', route: `/admin/keys/key-${index}` }));
    }
    const text = await metrics.render();
    expect(text).not.toMatch(/typed-|provider-\d|\/probe\/|MADE_UP|key-\d/);
    expect(await lines(metrics, 'signalbox_requests_total')).toHaveLength(3);
    const operations = await lines(metrics, 'gen_ai_client_operation_duration_seconds_count');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toContain('gen_ai_request_model="other"');
    expect(text).toContain('signalbox_errors_total{error_code="other"} 500');
  });

  it('tells retries from fallbacks and names the rate limit that refused', async () => {
    const attempt = (deployment: string, outcome: 'success' | 'failure' | 'skipped') => ({
      deployment,
      provider: 'mock',
      model: 'echo',
      retry: 0,
      outcome,
      errorClass: undefined,
      errorCode: undefined,
      status: undefined,
      durationMs: 1,
      delayMs: 0,
    });
    const { metrics } = metricsWith();
    metrics.record(record({ attempts: [attempt('a', 'failure'), attempt('a', 'success')] }));
    metrics.record(record({ attempts: [attempt('a', 'failure'), attempt('b', 'success')] }));
    metrics.record(record({ attempts: [attempt('a', 'skipped'), attempt('b', 'success')] }));
    metrics.record(record({ status: 429, errorCode: 'SB_ERR_RATE_LIMITED', attempts: [] }));
    metrics.record(
      record({
        status: 429,
        errorCode: 'SB_ERR_RATE_LIMITED',
        attempts: [attempt('a', 'skipped')],
      }),
    );
    const text = await metrics.render();
    expect(text).toContain('signalbox_reroutes_total{kind="retry"} 1');
    expect(text).toContain('signalbox_reroutes_total{kind="fallback"} 1');
    expect(text).toContain('signalbox_rate_limit_rejections_total{scope="gateway"} 1');
    expect(text).toContain('signalbox_rate_limit_rejections_total{scope="deployment"} 1');
  });

  it('reads circuits at every scrape and budgets at most once per cache period', async () => {
    let circuits: CircuitView[] = [
      { deployment: 'mock/echo', provider: 'mock', circuit: 'closed' },
    ];
    let reads = 0;
    let used = 1;
    const { metrics, time } = metricsWith({
      circuits: () => circuits,
      budgetLines: () => {
        reads += 1;
        const line: BudgetLineView = {
          scope: 'team',
          match: 'research',
          period: 'month',
          limitUsd: 4,
          usedUsd: used,
        };
        return Promise.resolve([line]);
      },
      budgetCacheMs: 10_000,
    });
    expect(await metrics.render()).toContain(
      'signalbox_budget_utilisation_ratio{scope="team",match="research",period="month"} 0.25',
    );
    circuits = [{ deployment: 'mock/echo', provider: 'mock', circuit: 'open' }];
    used = 2;
    const second = await metrics.render();
    expect(second).toContain(
      'signalbox_deployment_circuit_state{deployment="mock/echo",provider="mock"} 2',
    );
    expect(second).toContain('period="month"} 0.25');
    expect(reads).toBe(1);
    time.ms = 10_001;
    expect(await metrics.render()).toContain('period="month"} 0.5');
    expect(reads).toBe(2);
  });

  it('keeps the last budget values when storage fails', async () => {
    let fail = false;
    const { metrics, time } = metricsWith({
      budgetLines: () =>
        fail
          ? Promise.reject(new Error('down'))
          : Promise.resolve([
              { scope: 'org', match: 'acme', period: 'day', limitUsd: 10, usedUsd: 5 },
            ]),
      budgetCacheMs: 0,
    });
    expect(await metrics.render()).toContain('match="acme",period="day"} 0.5');
    fail = true;
    time.ms = 1;
    expect(await metrics.render()).toContain('match="acme",period="day"} 0.5');
  });
});
