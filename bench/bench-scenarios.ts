// The scenarios of `npm run bench`, each with a short id for `--only` (`npm run bench -- --list`).

/**
 * `direct`: the mock provider; `bare-proxy`: bench/bare-proxy.ts; `signalbox`: governance on;
 * `signalbox-governance-off`: as lean as configuration allows; `signalbox-workers`: governance on
 * under `serve --workers N`.
 */
export type TargetName =
  | 'direct'
  | 'bare-proxy'
  | 'signalbox'
  | 'signalbox-governance-off'
  | 'signalbox-workers'
  | `governance-off+${GovernancePart}`;

/** The parts of governance, each of which the `governance-parts` scenario turns on alone. */
export const governanceParts = [
  'limits',
  'budget',
  'policy',
  'audit',
  'request-log',
  'access-log',
] as const;
export type GovernancePart = (typeof governanceParts)[number];

/**
 * - `chat`: OpenAI Chat Completions for the mock's `fast` model ("Say hello").
 * - `learned-router`: Signalbox is asked for a learned-router alias (the shipped MMLU router),
 *   direct and the bare proxy for the mock's model, with the same prompt.
 * - `paced-jitter`: a 40-chunk OpenAI stream paced at 50 chunks/s; the gaps between chunks.
 * - `anthropic-first-token`: the provider speaks Anthropic Messages at 50 chunks/s; Signalbox is
 *   called through the OpenAI ingress and translates; time to the first token.
 * - `cross-dialect-throughput`: an unpaced 2,000-token Anthropic stream; chunks delivered per
 *   second, translated to OpenAI chunks by Signalbox, passed through by the bare proxy.
 */
export type ScenarioKind =
  'chat' | 'learned-router' | 'paced-jitter' | 'anthropic-first-token' | 'cross-dialect-throughput';

export interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly connections: number;
  readonly stream: boolean;
  readonly kind: ScenarioKind;
  /** Targets measured besides direct, the bare proxy and Signalbox with governance on. */
  readonly extraTargets?: readonly TargetName[];
  /**
   * Signalbox is a second instance with the exact response cache on, and every request is the
   * same, so all but the first are cache hits; direct and the bare proxy still call the mock.
   */
  readonly cacheHits?: boolean;
  /** Not in a default run: only when `--only` names it. */
  readonly optIn?: boolean;
}

export const benchScenarios: readonly Scenario[] = [
  {
    id: 'ns-1',
    name: 'non-streaming, 1 connection',
    connections: 1,
    stream: false,
    kind: 'chat',
    extraTargets: ['signalbox-governance-off'],
  },
  {
    id: 'ns-16',
    name: 'non-streaming, 16 connections',
    connections: 16,
    stream: false,
    kind: 'chat',
    extraTargets: ['signalbox-governance-off', 'signalbox-workers'],
  },
  {
    id: 'ns-64',
    name: 'non-streaming, 64 connections',
    connections: 64,
    stream: false,
    kind: 'chat',
    extraTargets: ['signalbox-governance-off', 'signalbox-workers'],
  },
  {
    id: 'ns-256',
    name: 'non-streaming, 256 connections',
    connections: 256,
    stream: false,
    kind: 'chat',
    extraTargets: ['signalbox-governance-off'],
  },
  {
    id: 'cache',
    name: 'exact-cache hits, non-streaming, 1 connection',
    connections: 1,
    stream: false,
    kind: 'chat',
    cacheHits: true,
  },
  {
    id: 'learned',
    name: 'learned router (shipped MMLU router), non-streaming, 1 connection',
    connections: 1,
    stream: false,
    kind: 'learned-router',
  },
  {
    id: 'stream-1',
    name: 'streaming, 1 connection (time to first token)',
    connections: 1,
    stream: true,
    kind: 'chat',
  },
  {
    id: 'stream-16',
    name: 'streaming, 16 connections (time to first token)',
    connections: 16,
    stream: true,
    kind: 'chat',
  },
  {
    id: 'jitter',
    name: 'stream paced at 50 chunks/s, 40 chunks, 16 connections (inter-chunk gaps)',
    connections: 16,
    stream: true,
    kind: 'paced-jitter',
  },
  {
    id: 'anthropic-ttft',
    name: 'Anthropic upstream behind the OpenAI ingress, streaming at 50 tokens/s, 1 connection (time to first token)',
    connections: 1,
    stream: true,
    kind: 'anthropic-first-token',
  },
  {
    id: 'cross-dialect',
    name: 'Anthropic upstream behind the OpenAI ingress, unpaced 2,000-token stream, 1 connection (chunk throughput)',
    connections: 1,
    stream: true,
    kind: 'cross-dialect-throughput',
  },
  {
    id: 'governance-parts',
    name: 'governance one part at a time, non-streaming, 1 connection',
    connections: 1,
    stream: false,
    kind: 'chat',
    extraTargets: [
      'signalbox-governance-off',
      ...governanceParts.map((part): TargetName => `governance-off+${part}`),
    ],
    optIn: true,
  },
];
