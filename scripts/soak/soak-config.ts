/**
 * The gateway configuration and policy the soak runs with: governance on (virtual keys for a few
 * teams, rate limits, hard budgets large enough never to refuse, a policy with PII redaction and
 * a denied word, the audit trail, the request log and metrics, which are on by default), two
 * aliases over two mock providers that fall back to each other; the link to `primary` goes
 * through the TCP fault proxy.
 */

/** The teams the soak's keys belong to, with the share of the traffic each sends. */
export const soakTeams = [
  { team: 'alpha', share: 0.47 },
  { team: 'beta', share: 0.47 },
  // gamma is rate limited below what it sends, so a share of its requests is refused before
  // admission: the accounting must not count them.
  { team: 'gamma', share: 0.06 },
] as const;

/**
 * The two aliases the traffic asks for, over the same two deployments: `chat` tries `primary`
 * first and falls back to `backup`; `quick` takes turns (round-robin), so `backup` serves half
 * of it first-hand. A backup that saw only fallbacks would judge its health by requests that had
 * already failed elsewhere, some of which fail everywhere: its circuit breaker would open and
 * take the fallback away (a first 2-minute soak showed exactly that).
 */
export const soakAliases = ['chat', 'quick'] as const;

/** The word the policy denies (a request carrying it is refused before admission). */
export const deniedWord = 'nightjar';

export interface SoakConfigOptions {
  /** The fault proxy in front of the primary mock provider. */
  readonly primaryBaseUrl: string;
  /** The backup mock provider, reached directly. */
  readonly backupBaseUrl: string;
  /** Requests per second the whole soak sends (sets gamma's limit). */
  readonly rate: number;
}

/**
 * Requests per minute team gamma may send: three quarters of what it sends, so about a quarter
 * of its requests (1.5% of all) get 429 `SB_ERR_RATE_LIMITED`.
 */
export function gammaRequestsPerMinute(rate: number): number {
  const gammaShare = soakTeams.find((entry) => entry.team === 'gamma')?.share ?? 0;
  return Math.max(6, Math.round(rate * gammaShare * 60 * 0.75));
}

/** The `signalbox.yaml` of the soak. Prices make budgets bind (unpriced models are refused). */
export function soakConfigYaml(options: SoakConfigOptions): string {
  const prices =
    '{ echo: { price: { input: 1, output: 2 } }, fast: { price: { input: 1, output: 2 } } }';
  const gammaRpm = gammaRequestsPerMinute(options.rate);
  return `server:
  host: 127.0.0.1
log:
  level: warn
routing:
  retries: { max_retries: 1, initial_delay_ms: 50, max_delay_ms: 500 }
providers:
  - id: primary
    type: openai-compatible
    base_url: "${options.primaryBaseUrl}"
    models: [echo]
    model_facts: ${prices}
    timeouts: { connect_ms: 1000, first_byte_ms: 1000, idle_ms: 1000, total_ms: 30000 }
  - id: backup
    type: openai-compatible
    base_url: "${options.backupBaseUrl}"
    models: [echo]
    model_facts: ${prices}
    timeouts: { connect_ms: 1000, first_byte_ms: 1000, idle_ms: 1000, total_ms: 30000 }
models:
  - alias: chat
    targets:
      - { provider: primary, model: echo }
      - { provider: backup, model: echo }
  - alias: quick
    strategy: round-robin
    targets:
      - { provider: primary, model: echo }
      - { provider: backup, model: echo }
limits:
  - { scope: team, match: gamma, rpm: ${gammaRpm}, burst: ${Math.max(2, Math.round(gammaRpm / 30))} }
  - { scope: key, tpm: 50000000 }
  - { scope: team, max_concurrent: 256 }
budgets:
  - { scope: team, usd: 100000, period: month }
  - { scope: key, usd: 10000, period: month }
  - { scope: org, usd: 1000000, period: month, mode: soft }
`;
}

/** The policy put in force through `PUT /admin/policy`. */
export const soakPolicyYaml = `name: soak
rules:
  - name: mask-email
    when: { data_classes: [email] }
    action: redact
    redact: { classes: [email], style: mask }
  - name: no-codenames
    when: { data_classes: [codename] }
    action: deny
    reason: Codenames stay inside.
detectors:
  words: [{ class: codename, words: [${deniedWord}] }]
default: permit
`;
