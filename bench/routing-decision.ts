// Routing decision time: how long the router takes to plan one request (request facts, rules,
// eligibility filters, strategy, trace), without any I/O. Each scenario plans a ten-deployment
// group many times in this process and reports percentiles of the per-plan time.
//
// Run: node bench/routing-decision.ts [--plans N] [--json]
import { parseArgs } from 'node:util';
import { loadConfigText } from './load-config-text.ts';
import { buildRoutingExtensions } from '../src/app/build-routing-extensions.ts';
import type { ModelRequestEnvelope } from '../src/canonical/model-request-envelope.ts';
import { openAiChatIngress } from '../src/dialects/openai-chat/openai-chat-codec.ts';
import { systemClock } from '../src/lib/clock.ts';
import { createSeededRandom } from '../src/lib/random.ts';
import { wait } from '../src/lib/wait.ts';
import { DeploymentHealthRegistry } from '../src/routing/health/deployment-health-registry.ts';
import { planModelRequest, type RoutingEnvironment } from '../src/routing/route-model-request.ts';
import { buildRoutingTable } from '../src/routing/routing-table.ts';
import { strategyNames } from '../src/routing/routing-strategy.ts';
import { createUpstreamPool } from '../src/upstream/upstream-pool.ts';
import { createTokenTransport } from '../src/upstream/token-transport.ts';
import { percentile } from './sample-statistics.ts';

const { values } = parseArgs({
  options: {
    plans: { type: 'string', default: '50000' },
    json: { type: 'boolean', default: false },
  },
});
const plans = Number(values.plans);

/**
 * The shipped MMLU router (data/routers); the learned group's first two deployments stand for its
 * strong and weak models, the other eight are fallbacks it knows nothing about.
 */
const routerArtifact = process.env.SIGNALBOX_BENCH_ROUTER ?? 'data/routers/mmlu-gpt4-mixtral.json';
const routers = `routers:
  - name: bench
    artifact: ${routerArtifact}
    models: { gpt-4-1106-preview: d0, mistralai/Mixtral-8x7B-Instruct-v0.1: d1 }
`;

function groupYaml(alias: string, strategy: string, extra = ''): string {
  const targets = Array.from({ length: 10 }, (_, index) => {
    const provider = index % 2 === 0 ? 'east' : 'west';
    return `      - { provider: ${provider}, model: model-${index}, id: d${index}, weight: ${index + 1}, priority: ${index % 3}, rpm: 1000, tpm: 1000000, tags: [${index < 5 ? 'eu' : 'us'}], region: ${index < 5 ? 'eu-west-1' : 'us-east-1'} }`;
  }).join('\n');
  const router = strategy === 'learned' ? '    router: bench\n' : '';
  return `  - alias: ${alias}\n    strategy: ${strategy}\n${router}    targets:\n${targets}\n${extra}`;
}

const rules = `    rules:
      - name: long
        when: request.input_tokens > 100000
        route_to: d9
      - name: tools
        when: request.tools && !request.images
        route_to: d3
      - name: eu
        when: '"eu" in key.tags || key.team == "berlin"'
        require_tags: [eu]
    canary: { target: d0, percent: 10 }
`;

const configText = [
  'providers:',
  '  - { id: east, type: mock }',
  '  - { id: west, type: mock }',
  routers,
  'models:',
  ...strategyNames.map((strategy) => groupYaml(strategy, strategy)),
  groupYaml('rules-and-canary', 'weighted', rules),
].join('\n');

const config = loadConfigText(configText);
const clock = systemClock;
const pool = createUpstreamPool({ connectTimeoutFor: () => 1000 });
const table = buildRoutingTable(
  config,
  { transport: createTokenTransport(pool), clock },
  new Map([
    ['east', 'http://127.0.0.1:9'],
    ['west', 'http://127.0.0.1:9'],
  ]),
  await buildRoutingExtensions(config),
);
const health = new DeploymentHealthRegistry(clock);
// Give every deployment a latency history and some load, as a live gateway would have.
const random = createSeededRandom(7);
for (let index = 0; index < 10; index += 1) {
  const deployment = health.get(`d${index}`);
  for (let sample = 0; sample < 20; sample += 1) {
    const ticket = deployment.begin(clock.monotonic(), 500);
    if (ticket !== undefined) {
      deployment.succeeded(ticket, clock.monotonic(), 100 + random.next() * 400);
      if (sample % 4 !== 0) {
        deployment.finished(ticket);
      }
    }
  }
}
const environment: RoutingEnvironment = {
  pool,
  clock,
  random,
  health,
  wait,
  maxResponseBytes: 1 << 20,
};

const body = JSON.stringify({
  model: 'MODEL',
  max_tokens: 400,
  messages: [
    { role: 'system', content: 'You are a helpful assistant. '.repeat(10) },
    { role: 'user', content: 'Summarise the following text in three sentences. '.repeat(20) },
  ],
});

function envelopeFor(model: string): ModelRequestEnvelope {
  return openAiChatIngress.decodeRequest(body.replace('MODEL', model), 'chat');
}

const caller = {
  requestId: 'bench',
  key: { id: 'key-1', name: 'bench', team: 'berlin', tags: ['eu'] },
  headers: { 'content-type': 'application/json' },
  requestedTags: [],
  requestedRegion: undefined,
};

const results: Record<string, { p50: number; p99: number; max: number }> = {};
for (const alias of [...strategyNames, 'rules-and-canary']) {
  const group = table.catalog.group(alias);
  if (group === undefined) {
    throw new Error(`no group ${alias}`);
  }
  const envelope = envelopeFor(alias);
  const samples = new Float64Array(plans);
  const warmup = Math.min(5000, plans);
  for (let index = -warmup; index < plans; index += 1) {
    const started = process.hrtime.bigint();
    await planModelRequest(table, [group], envelope, caller, environment);
    const elapsed = Number(process.hrtime.bigint() - started) / 1000;
    if (index >= 0) {
      samples[index] = elapsed;
    }
  }
  samples.sort();
  results[alias] = {
    p50: Math.round(percentile(samples, 0.5) * 100) / 100,
    p99: Math.round(percentile(samples, 0.99) * 100) / 100,
    max: Math.round((samples[samples.length - 1] ?? 0) * 100) / 100,
  };
}
await pool.close();

if (values.json) {
  process.stdout.write(`${JSON.stringify({ plans, results })}\n`);
} else {
  for (const [alias, result] of Object.entries(results)) {
    process.stdout.write(
      `${alias}: p50 ${result.p50} µs, p99 ${result.p99} µs, max ${result.max} µs\n`,
    );
  }
}
