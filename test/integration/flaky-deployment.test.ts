import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import type { RequestRecord } from '../../src/observability/request-record.ts';
import { startFlakyUpstream, type FlakyUpstream } from '../helpers/flaky-upstream.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// Acceptance: one of two deployments fails half its requests. Clients see no errors, the breaker
// opens and closes again, and the decision traces show why each request went where it went.

const flakyId = 'flaky-echo';
const steadyId = 'steady-echo';

let steady: MockProviderServer;
let flakyBackend: MockProviderServer;
let flaky: FlakyUpstream;
let harness: TestGateway;
let appKey: string;

beforeAll(async () => {
  steady = await startMockProvider({ name: 'steady' });
  flakyBackend = await startMockProvider({ name: 'flaky' });
  flaky = await startFlakyUpstream(flakyBackend.origin);
  harness = await startTestGateway({
    config: `
routing:
  retries: { max_retries: 0 }
  breaker: { window_ms: 2000, min_requests: 4, failure_rate: 0.4, open_ms: 600, half_open_probes: 1 }
providers:
  - { id: flaky, type: openai-compatible, base_url: "${flaky.baseUrl}", models: [echo] }
  - { id: steady, type: openai-compatible, base_url: "${steady.baseUrl}", models: [echo] }
models:
  - alias: chat
    strategy: round-robin
    targets:
      - { provider: flaky, model: echo, id: ${flakyId} }
      - { provider: steady, model: echo, id: ${steadyId} }
`,
  });
  appKey = await harness.createKey({ name: 'flaky-acceptance' });
});

afterAll(async () => {
  await harness.close();
  await flaky.close();
  await flakyBackend.close();
  await steady.close();
});

interface Outcome {
  readonly prompt: string;
  readonly stream: boolean;
  readonly status: number;
  readonly requestId: string;
  readonly deployment: string | null;
  readonly route: string | null;
  readonly attempts: string | null;
  /** The completion's text, read from the JSON answer or every SSE chunk. */
  readonly text: string;
}

interface ChatChunk {
  readonly choices: readonly { readonly delta: { readonly content?: string | null } }[];
}

/** The text of an OpenAI stream; throws unless it is a well-formed stream that ends in [DONE]. */
function streamText(raw: string): string {
  const events = raw
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
  if (events.at(-1) !== '[DONE]') {
    throw new Error(`stream did not end with [DONE]: ${raw.slice(-200)}`);
  }
  return events
    .slice(0, -1)
    .map((event) => {
      const parsed = JSON.parse(event) as ChatChunk & { error?: unknown };
      if (parsed.error !== undefined) {
        throw new Error(`stream carried an error event: ${event}`);
      }
      return parsed.choices.map((choice) => choice.delta.content ?? '').join('');
    })
    .join('');
}

async function send(index: number, stream: boolean): Promise<Outcome> {
  const prompt = `flaky acceptance request number ${index}`;
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream, messages: [{ role: 'user', content: prompt }] }),
  });
  const raw = await response.text();
  let text = '';
  if (response.status === 200) {
    if (stream) {
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      text = streamText(raw);
    } else {
      const body = JSON.parse(raw) as {
        object: string;
        choices: { message: { content: string } }[];
      };
      expect(body.object).toBe('chat.completion');
      text = body.choices[0]?.message.content ?? '';
    }
  }
  return {
    prompt,
    stream,
    status: response.status,
    requestId: response.headers.get('x-signalbox-request-id') ?? '',
    deployment: response.headers.get('x-signalbox-deployment'),
    route: response.headers.get('x-signalbox-route'),
    attempts: response.headers.get('x-signalbox-attempts'),
    text,
  };
}

interface WireDeployment {
  readonly deployment: string;
  readonly circuit: 'closed' | 'open' | 'half-open';
  readonly circuit_until: string | null;
  readonly error_rate: number;
  readonly consecutive_failures: number;
}

async function deploymentStatus(id: string): Promise<WireDeployment> {
  const response = await fetch(`${harness.url}/admin/deployments`, {
    headers: { authorization: `Bearer ${testAdminKey}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: WireDeployment[] };
  const entry = body.data.find((candidate) => candidate.deployment === id);
  if (entry === undefined) {
    throw new Error(`deployment ${id} is not listed`);
  }
  return entry;
}

/** Polls until `condition` holds; fails after `timeoutMs` (generous: a loaded machine is slow). */
async function pollUntil(
  description: string,
  condition: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${description}`);
    }
    await sleep(15);
  }
}

function recordOf(outcome: Outcome): Promise<RequestRecord> {
  return harness.waitForRecord((record) => record.requestId === outcome.requestId, 10_000);
}

function flakyCandidate(record: RequestRecord) {
  return record.decision?.groups[0]?.candidates.find((candidate) => candidate.id === flakyId);
}

describe('a deployment that fails every other request', () => {
  const burstSize = 40;
  const concurrency = 3;
  const burst: Outcome[] = [];
  const burstRecords: RequestRecord[] = [];
  const circuitsSeen = new Set<string>();

  it('serves every client request of a burst, by falling back past the failures', async () => {
    let next = 0;
    let polling = true;
    // Watches the breaker while the burst runs, as an operator would.
    const poller = (async () => {
      while (polling) {
        circuitsSeen.add((await deploymentStatus(flakyId)).circuit);
        await sleep(10);
      }
    })();
    const worker = async (): Promise<void> => {
      while (next < burstSize) {
        const index = next;
        next += 1;
        burst.push(await send(index, index % 3 === 1));
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      polling = false;
      await poller;
    }
    // And right after it.
    circuitsSeen.add((await deploymentStatus(flakyId)).circuit);

    expect(burst).toHaveLength(burstSize);
    expect(burst.filter((outcome) => outcome.stream).length).toBeGreaterThan(10);
    for (const outcome of burst) {
      expect(outcome.status, outcome.prompt).toBe(200);
      expect(outcome.text, outcome.prompt).toBe(outcome.prompt);
      expect(outcome.route).toMatch(/^round-robin(; fallback)?$/);
    }
    burstRecords.push(...(await Promise.all(burst.map(recordOf))));
    for (const record of burstRecords) {
      expect(record.status).toBe(200);
      expect(record.decision?.groups[0]?.strategy).toBe('round-robin');
    }
    // Both deployments served; the flaky one failed at least the two requests that opened it.
    expect(burst.some((outcome) => outcome.deployment === steadyId)).toBe(true);
    expect(burst.some((outcome) => outcome.deployment === flakyId)).toBe(true);
    expect(flaky.failed).toBeGreaterThanOrEqual(2);
    expect(flaky.relayed).toBeGreaterThanOrEqual(2);
  });

  it('records each failure as a server-error 500 and answers it with a fallback', () => {
    const failedAttempts = burstRecords.flatMap((record) =>
      record.attempts.filter(
        (attempt) => attempt.deployment === flakyId && attempt.outcome === 'failure',
      ),
    );
    // Every 500 the upstream sent is in a trace, and every one was a server error.
    expect(failedAttempts).toHaveLength(flaky.failed);
    for (const attempt of failedAttempts) {
      expect(attempt).toMatchObject({
        provider: 'flaky',
        model: 'echo',
        retry: 0,
        errorClass: 'server-error',
        status: 500,
      });
    }
    for (const outcome of burst) {
      const record = burstRecords.find((candidate) => candidate.requestId === outcome.requestId);
      expect(record).toBeDefined();
      const flakyDidNotServe = (record?.attempts ?? []).some(
        (attempt) => attempt.deployment === flakyId && attempt.outcome !== 'success',
      );
      if (flakyDidNotServe) {
        // The flaky deployment went first and failed (or lost the half-open probe slot to a
        // concurrent request): the steady one answered instead.
        expect(outcome.route).toBe('round-robin; fallback');
        expect(outcome.attempts).toBe('2');
        expect(outcome.deployment).toBe(steadyId);
        expect(record?.attempts.map((attempt) => attempt.deployment)).toEqual([flakyId, steadyId]);
        expect(record?.attempts[1]?.outcome).toBe('success');
      } else {
        expect(outcome.route).toBe('round-robin');
        expect(outcome.attempts).toBe('1');
        expect(record?.attempts).toHaveLength(1);
        expect(record?.attempts[0]).toMatchObject({
          deployment: outcome.deployment,
          outcome: 'success',
        });
      }
    }
    expect(burst.filter((outcome) => outcome.route === 'round-robin; fallback').length).toBe(
      burstRecords.filter((record) =>
        record.attempts.some(
          (attempt) => attempt.deployment === flakyId && attempt.outcome !== 'success',
        ),
      ).length,
    );
  });

  it('opens the breaker, and the traces show the deployment filtered while it is open', () => {
    expect([...circuitsSeen]).toContain('open');
    const filtered = burstRecords.filter(
      (record) => flakyCandidate(record)?.filteredBy === 'circuit-open',
    );
    expect(filtered.length).toBeGreaterThan(0);
    for (const record of filtered) {
      expect(record.decision?.groups[0]?.order).toEqual([steadyId]);
      expect(record.attempts.map((attempt) => [attempt.deployment, attempt.outcome])).toEqual([
        [steadyId, 'success'],
      ]);
      expect(record.routeReason).toBe('round-robin');
      expect(record.deployment).toBe(steadyId);
    }
    // The upstream saw exactly the attempts the traces show: nothing reached it unrecorded.
    const tracedAttempts = burstRecords.flatMap((record) =>
      record.attempts.filter(
        (attempt) => attempt.deployment === flakyId && attempt.outcome !== 'skipped',
      ),
    );
    expect(flaky.received).toBe(tracedAttempts.length);
  });

  it('closes the breaker after a successful half-open probe, and the deployment serves again', async () => {
    // The burst may have ended just after a probe succeeded and closed the breaker: keep sending
    // (the upstream still flakes) until it is open again, so that recovery starts from open.
    let index = 1000;
    while ((await deploymentStatus(flakyId)).circuit === 'closed') {
      expect(index, 'the breaker never opened again').toBeLessThan(1040);
      const outcome = await send(index, false);
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(outcome.prompt);
      index += 1;
    }
    flaky.mode = 'healthy';
    const failuresBeforeRecovery = flaky.failed;

    await pollUntil('the breaker is half-open', async () => {
      const status = await deploymentStatus(flakyId);
      if (status.circuit === 'open') {
        expect(status.circuit_until).not.toBeNull();
      }
      return status.circuit === 'half-open';
    });

    // Round-robin puts the flaky deployment first within two requests: that one is the probe.
    let probe: Outcome | undefined;
    for (let attempt = 0; attempt < 3 && probe === undefined; attempt += 1) {
      const outcome = await send(2000 + attempt, false);
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(outcome.prompt);
      expect(outcome.route).toBe('round-robin');
      expect(outcome.attempts).toBe('1');
      if (outcome.deployment === flakyId) {
        probe = outcome;
      }
    }
    expect(probe, 'no half-open probe reached the recovered deployment').toBeDefined();
    if (probe === undefined) {
      return;
    }
    const probeRecord = await recordOf(probe);
    expect(flakyCandidate(probeRecord)?.filteredBy).toBeUndefined();
    expect(probeRecord.attempts).toHaveLength(1);
    expect(probeRecord.attempts[0]).toMatchObject({ deployment: flakyId, outcome: 'success' });

    await pollUntil(
      'the breaker is closed',
      async () => (await deploymentStatus(flakyId)).circuit === 'closed',
    );

    // Closed again: the deployment takes its round-robin turns, with no fallbacks.
    const after: Outcome[] = [];
    for (let turn = 0; turn < 6; turn += 1) {
      after.push(await send(3000 + turn, turn % 2 === 0));
    }
    for (const outcome of after) {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(outcome.prompt);
      expect(outcome.route).toBe('round-robin');
      expect(outcome.attempts).toBe('1');
    }
    expect(after.filter((outcome) => outcome.deployment === flakyId)).toHaveLength(3);
    expect(after.filter((outcome) => outcome.deployment === steadyId)).toHaveLength(3);
    expect(flaky.failed).toBe(failuresBeforeRecovery);

    const recovered = await deploymentStatus(flakyId);
    expect(recovered).toMatchObject({
      circuit: 'closed',
      circuit_until: null,
      consecutive_failures: 0,
      error_rate: 0,
    });
  });
});
