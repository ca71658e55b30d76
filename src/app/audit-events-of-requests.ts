import type { AuditEvent } from '../pipeline/audit/audit-record.ts';
import type { AuditWriterEvent } from '../pipeline/audit/audit-writer.ts';
import type { RequestRecord } from '../observability/request-record.ts';
import { wireContext, wirePrompt } from './wire-provenance.ts';

/** An object without its undefined fields (canonical JSON has no `undefined`). */
function definedFields(value: object): Record<string, unknown> {
  const fields = value as Readonly<Record<string, unknown>>;
  const defined: Record<string, unknown> = {};
  for (const name of Object.keys(fields)) {
    const field = fields[name];
    if (field !== undefined) defined[name] = field;
  }
  return defined;
}

/** A router score to six decimals (what a reader compares), or null. */
function roundedScore(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 1e6) / 1e6;
}

/** What routing decided by model: learned routers' choices (score, threshold) and reasoning settings. */
function learnedRouting(record: RequestRecord): Record<string, unknown> {
  const decisions = (record.decision?.groups ?? []).flatMap((group) =>
    group.learned === undefined
      ? []
      : [
          {
            alias: group.alias,
            router: group.learned.router,
            version: group.learned.version,
            choice: group.learned.choice ?? null,
            score: roundedScore(group.learned.score),
            threshold: roundedScore(group.learned.threshold),
          },
        ],
  );
  const reasoning = record.decision?.reasoning;
  const session = record.decision?.groups.find((group) => group.session !== undefined)?.session;
  return {
    ...(session === undefined
      ? {}
      : { session: { warm: session.warm, kept: session.kept, reason: session.reason } }),
    ...(decisions.length === 0 ? {} : { learned_routing: decisions }),
    ...(reasoning === undefined
      ? {}
      : {
          reasoning: {
            effort: reasoning.settings.effort ?? null,
            budget_tokens: reasoning.settings.budgetTokens ?? null,
            source: reasoning.source,
          },
        }),
  };
}

/** The prompt template version and context document versions that shaped a request. */
function provenanceOf(record: RequestRecord): Record<string, unknown> {
  const prompt = record.prompt;
  const context = record.context;
  return {
    ...(prompt === undefined ? {} : { prompt: wirePrompt(prompt) }),
    ...(context === undefined || context.length === 0 ? {} : { context: context.map(wireContext) }),
  };
}

/** A cascade's tiers and their verdicts (ids, reasons and numbers only), when one ran. */
function cascadeVerdicts(record: RequestRecord): Record<string, unknown> {
  const cascade = record.decision?.cascade;
  if (cascade === undefined) return {};
  return {
    cascade: {
      group: cascade.group,
      escalated: cascade.escalated,
      tiers: cascade.tiers.map((tier) => ({
        deployment: tier.deployment,
        accepted: tier.accepted,
        final: tier.final,
        reasons: tier.reasons,
        confidence: roundedScore(tier.confidence),
      })),
    },
  };
}

/**
 * The audit event of a finished request, or undefined when it is not audited one by one: model
 * requests (decision and outcome) and admin writes are; reads of the admin API and health checks
 * are not; authentication failures are counted instead (see `AuthFailureCounter`). The payload
 * names identities by id and carries the policy decision's counts; never a prompt, a key or a
 * value a detector found.
 */
export function auditEventOfRequest(
  record: RequestRecord,
  at: number,
): AuditWriterEvent | undefined {
  if (record.status === 401) return undefined;
  const identity = {
    key_id: record.keyId ?? null,
    org: record.org ?? null,
    user: record.userId ?? null,
    agent: record.agent ?? null,
    end_user: record.endUser === undefined ? null : { id: record.endUser.id, verified: false },
  };
  if (record.route.startsWith('/v1/')) {
    return {
      at,
      kind: 'request',
      payload: {
        request_id: record.requestId,
        route: record.route,
        status: record.status,
        outcome: record.outcome,
        error_code: record.errorCode ?? null,
        identity,
        requested_model: record.requestedModel ?? null,
        served: {
          provider: record.provider ?? null,
          model: record.upstreamModel ?? null,
          deployment: record.deployment ?? null,
        },
        route_reason: record.routeReason ?? null,
        // Only on a cascade group, so other events keep their shape.
        ...cascadeVerdicts(record),
        // Only when a learned router decided, so other events keep their shape.
        ...learnedRouting(record),
        attempts: record.attempts.map((attempt) => ({
          deployment: attempt.deployment,
          outcome: attempt.outcome,
          error_code: attempt.errorCode ?? null,
          status: attempt.status ?? null,
        })),
        policy: record.policy === undefined ? null : definedFields(record.policy),
        // Only when a prompt template or context documents shaped the request.
        ...provenanceOf(record),
        // Only when a policy validated structured output, so other events keep their shape.
        ...(record.outputSchema === undefined ? {} : { output_schema: record.outputSchema }),
        tokens: {
          input: record.usage?.inputTokens.total ?? null,
          output: record.usage?.outputTokens.total ?? null,
        },
        // Micro-dollars as an integer, like every amount in the log.
        cost_micro_usd: record.costUsd === undefined ? null : Math.round(record.costUsd * 1e6),
        duration_ms: Math.round(record.durationMs),
        stream: record.stream,
        ...(record.cache === undefined
          ? {}
          : {
              cache: {
                status: record.cache.status,
                ...(record.cache.savedUsd === undefined
                  ? {}
                  : { saved_micro_usd: Math.round(record.cache.savedUsd * 1e6) }),
                ...(record.cache.similarity === undefined
                  ? {}
                  : { similarity: Math.round(record.cache.similarity * 1e4) / 1e4 }),
                ...(record.cache.reason === undefined ? {} : { reason: record.cache.reason }),
              },
            }),
      },
      attachment:
        record.payload === undefined || record.org === undefined
          ? undefined
          : {
              org: record.org,
              requestId: record.requestId,
              text: JSON.stringify({
                request: record.payload.request,
                response: record.payload.response,
                request_truncated: record.payload.requestTruncated,
                response_truncated: record.payload.responseTruncated,
              }),
            },
    };
  }
  if (record.route.startsWith('/admin/') && record.method !== 'GET') {
    return {
      at,
      kind: 'admin.action',
      payload: {
        request_id: record.requestId,
        method: record.method,
        route: record.route,
        status: record.status,
        error_code: record.errorCode ?? null,
        identity,
        // What the write changed, when the route says (prompt labels, context documents).
        ...(record.adminChange === undefined ? {} : { change: record.adminChange }),
      },
    };
  }
  return undefined;
}

/** Authentication failures, counted per error code and reported as one event per window. */
export class AuthFailureCounter {
  #counts = new Map<string, number>();
  #since: number;

  constructor(now: number) {
    this.#since = now;
  }

  count(record: RequestRecord): void {
    if (record.status !== 401) return;
    const code = record.errorCode ?? 'unknown';
    this.#counts.set(code, (this.#counts.get(code) ?? 0) + 1);
  }

  /** The window's event (undefined when nothing failed), and a new window from `now`. */
  drain(now: number): AuditEvent | undefined {
    const counts = this.#counts;
    const since = this.#since;
    this.#counts = new Map();
    this.#since = now;
    if (counts.size === 0) return undefined;
    let total = 0;
    for (const value of counts.values()) total += value;
    return {
      at: now,
      kind: 'auth.failures',
      payload: {
        window_start: new Date(since).toISOString(),
        window_end: new Date(now).toISOString(),
        total,
        by_code: Object.fromEntries(
          [...counts].sort(([left], [right]) => left.localeCompare(right)),
        ),
      },
    };
  }
}
