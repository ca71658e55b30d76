import { GatewayError } from '../../errors/gateway-error.ts';
import type { RateLimitRequest, RateLimitStore } from '../../storage/ports.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';

/** One configured limit, as `GatewayConfig.limits` holds it. */
export interface RateLimitRuleInput {
  readonly scope: 'key' | 'team' | 'model' | 'deployment';
  readonly rpm: number | undefined;
  /** Requests in flight at once (see `concurrency-leases.ts`); undefined for none. */
  readonly maxConcurrent?: number | undefined;
  readonly tpm: number | undefined;
  readonly burst: number | undefined;
  readonly match: string | undefined;
}

/** Who asks for what: the subjects limits are counted against. */
export interface RateLimitSubject {
  readonly keyId: string;
  /** Undefined when the key has no team: team limits then do not apply. */
  readonly team: string | undefined;
  /** The model name the client asked for (an alias); counted against for model limits. */
  readonly model: string;
  /**
   * Further names of the requested model a `match` may use (`provider/model` of its
   * deployments); the request is counted under `model` either way.
   */
  readonly modelNames?: readonly string[];
  /**
   * The deployment about to be tried, for deployment limits (checked per attempt); undefined
   * when checking a request before routing, where deployment limits do not apply.
   */
  readonly deployment?: string;
}

/** An admitted request: headers for the response and the TPM correction once usage is known. */
export interface RateLimitAdmission {
  /** `x-ratelimit-*` headers for the most constraining limit of each kind; empty without limits. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Charges the difference between actual total tokens and the estimate to every token limit
   * (a refund when fewer were used); never rejects.
   */
  settle(actualTokens: number | undefined): Promise<void>;
}

const periodMs = 60_000;

interface PlannedLimit {
  readonly request: RateLimitRequest;
  readonly dimension: 'requests' | 'tokens';
  /** For the client: `key rpm`, `model tpm`; never another tenant's id. */
  readonly name: string;
}

/**
 * The store requests for one request under `rules`: RPM costs 1, TPM costs `estimatedTokens`.
 * Keys are `<rpm|tpm>:<scope>:<match or *>:<subject>`, so state survives reloads while the rule
 * keeps its scope and match. Limits are divided by `share` (rounded up, at least 1) when a
 * process enforces only its share of a global limit. Pure.
 */
export function planRateLimits(
  rules: readonly RateLimitRuleInput[],
  subject: RateLimitSubject,
  estimatedTokens: number,
): PlannedLimit[] {
  const planned: PlannedLimit[] = [];
  for (const rule of rules) {
    const subjectId = limitSubjectOf(rule, subject);
    if (subjectId === undefined) continue;
    const scopeKey = `${rule.scope}:${rule.match ?? '*'}:${subjectId}`;
    if (rule.rpm !== undefined) {
      planned.push({
        request: {
          key: `rpm:${scopeKey}`,
          limit: rule.rpm,
          periodMs,
          burst: rule.burst ?? rule.rpm,
          cost: 1,
        },
        dimension: 'requests',
        name: `${rule.scope} rpm`,
      });
    }
    if (rule.tpm !== undefined) {
      planned.push({
        request: {
          key: `tpm:${scopeKey}`,
          limit: rule.tpm,
          periodMs,
          burst: rule.tpm,
          cost: Math.max(0, Math.ceil(estimatedTokens)),
        },
        dimension: 'tokens',
        name: `${rule.scope} tpm`,
      });
    }
  }
  return planned;
}

/** The subject a rule counts this request against, or undefined when the rule does not apply. */
export function limitSubjectOf(
  rule: RateLimitRuleInput,
  subject: RateLimitSubject,
): string | undefined {
  switch (rule.scope) {
    case 'key':
      return rule.match === undefined || rule.match === subject.keyId ? subject.keyId : undefined;
    case 'team':
      if (subject.team === undefined) return undefined;
      return rule.match === undefined || rule.match === subject.team ? subject.team : undefined;
    case 'model': {
      const names = [subject.model, ...(subject.modelNames ?? [])];
      return rule.match === undefined || names.includes(rule.match) ? subject.model : undefined;
    }
    case 'deployment':
      if (subject.deployment === undefined) return undefined;
      return rule.match === undefined || rule.match === subject.deployment
        ? subject.deployment
        : undefined;
  }
}

/**
 * Checks and charges every limit that applies to this request in one all-or-nothing
 * `store.acquire`. Throws `GatewayError` `SB_ERR_RATE_LIMITED` (with `retryAfterSeconds`) when a
 * limit is reached, `SB_ERR_RATE_LIMIT_EXCEEDS_BURST` when the estimated tokens exceed a token
 * limit's burst (waiting cannot help, so no Retry-After), and whatever the store rejects with.
 */
export async function enforceRateLimits(
  store: RateLimitStore,
  rules: readonly RateLimitRuleInput[],
  subject: RateLimitSubject,
  estimatedTokens: number,
): Promise<RateLimitAdmission> {
  const planned = planRateLimits(rules, subject, estimatedTokens);
  if (planned.length === 0) {
    return { headers: {}, settle: () => Promise.resolve() };
  }
  const decision = await store.acquire(planned.map((limit) => limit.request));
  if (!decision.allowed) {
    const blocking = planned.filter((_, index) => {
      const state = decision.limits[index];
      return state !== undefined && state.retryAfterMs !== 0;
    });
    const names = [...new Set(blocking.map((limit) => limit.name))].join(', ');
    if (decision.retryAfterMs === null) {
      throw new GatewayError('SB_ERR_RATE_LIMIT_EXCEEDS_BURST', {
        detail: `Limit: ${names}.`,
      });
    }
    throw new GatewayError('SB_ERR_RATE_LIMITED', {
      detail: `Limit: ${names}.`,
      retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1_000)),
    });
  }
  const headers = rateLimitHeaders(
    decision,
    planned.map((limit) => limit.dimension),
  );
  const tokenLimits = planned.filter((limit) => limit.dimension === 'tokens');
  return {
    headers,
    async settle(actualTokens) {
      if (actualTokens === undefined || tokenLimits.length === 0) return;
      const costDelta = Math.round(actualTokens) - Math.max(0, Math.ceil(estimatedTokens));
      if (costDelta === 0) return;
      try {
        await store.adjust(
          tokenLimits.map(({ request }) => ({
            key: request.key,
            limit: request.limit,
            periodMs: request.periodMs,
            burst: request.burst,
            costDelta,
          })),
        );
      } catch {
        // A lost correction only makes the next minute slightly looser or stricter.
      }
    },
  };
}
