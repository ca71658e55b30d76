import type { Usage } from '../canonical/usage.ts';
import type { ContextProvenance, PromptProvenance } from '../canonical/request-provenance.ts';
import type { DecisionTrace, TraceAttempt } from '../routing/decision-trace.ts';

export type { PolicyDecisionRecord } from '../canonical/policy-decision-record.ts';
import type { PolicyDecisionRecord } from '../canonical/policy-decision-record.ts';

/** A request and its answer kept for payload retention (only when `audit.payloads` is on). */
export interface CapturedPayload {
  /** The request body after the policy's redactions. */
  readonly request: string;
  /** The answer as written to the client (a stream's events as sent). */
  readonly response: string;
  readonly requestTruncated: boolean;
  readonly responseTruncated: boolean;
}

/** How the response cache took part in a request. */
export type { CacheOutcome } from '../routing/replay-cached-answer.ts';
import type { CacheOutcome } from '../routing/replay-cached-answer.ts';

/** One attempt against one deployment, as recorded. */
export type AttemptSummary = TraceAttempt;

/**
 * What is recorded about every finished request: who, what, where it went, how it ended and what
 * it used. Never contains keys or upstream error text; prompts and answers only in `payload`,
 * when payload retention is on, for the audit trail to seal.
 */
export interface RequestRecord {
  readonly requestId: string;
  /** The OpenTelemetry trace id, when tracing is on and the request's trace is recorded. */
  readonly traceId?: string | undefined;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly keyId: string | undefined;
  /** The caller's organisation. */
  readonly org?: string | undefined;
  /** The calling key's team, when it has one (request log scoping). */
  readonly team?: string | undefined;
  /** The natural person: the user who owns the calling key, when it has one. */
  readonly userId?: string | undefined;
  /** The calling agent: the key id (`environment` for SIGNALBOX_ADMIN_KEY). */
  readonly agent?: string | undefined;
  /** The end user the client named (`user`, `metadata.user_id`, `x-signalbox-end-user`); never verified. */
  readonly endUser?: { readonly id: string; readonly verified: false } | undefined;
  /** The policy decision: version, rules, data classes and redactions (counts, never values). */
  readonly policy?: PolicyDecisionRecord | undefined;
  /** The prompt template version the request named (docs/prompts.md). */
  readonly prompt?: PromptProvenance | undefined;
  /** The context documents injected into the request, or the one that refused it. */
  readonly context?: readonly ContextProvenance[] | undefined;
  /**
   * For an admin write: what it changed, in ids and versions (a label move's from and to), for
   * the audit record. Never document or template text.
   */
  readonly adminChange?: Readonly<Record<string, unknown>> | undefined;
  readonly requestedModel: string | undefined;
  readonly provider: string | undefined;
  readonly upstreamModel: string | undefined;
  /** The deployment that served the request. */
  readonly deployment: string | undefined;
  /** Why the router chose as it did (x-signalbox-route). */
  readonly routeReason: string | undefined;
  /** The router's whole decision: candidates, filters, scores, order. */
  readonly decision: DecisionTrace | undefined;
  readonly stream: boolean;
  readonly outcome: 'completed' | 'rejected' | 'upstream-error' | 'client-closed';
  readonly errorCode: string | undefined;
  readonly attempts: readonly AttemptSummary[];
  readonly usage: Usage | undefined;
  /** The usage at the target's list price (model facts), in US dollars; undefined when unknown. */
  readonly costUsd: number | undefined;
  readonly finishReasons: readonly string[];
  /**
   * Whether the served answer matched the JSON schema the client asked for, when a policy
   * validates structured output and the answer had text to check.
   */
  readonly outputSchema?: 'valid' | 'invalid' | undefined;
  /** Milliseconds from the request's arrival to its last byte. */
  readonly durationMs: number;
  /** Milliseconds spent waiting on providers for response headers (across attempts). */
  readonly upstreamMs: number | undefined;
  /**
   * Milliseconds from the request's arrival to its response head being written (the first byte
   * sent); undefined when nothing was sent (the client left first). `firstByteMs - upstreamMs` is
   * the gateway's own time before it answered (the `gateway` entry of Server-Timing).
   */
  readonly firstByteMs?: number | undefined;
  /** A stream's milliseconds from arrival to its first body chunk written (time to first token). */
  readonly firstChunkMs?: number | undefined;
  /** The request and answer, when payload retention is on and the request was forwarded. */
  readonly payload?: CapturedPayload | undefined;
  /** How the response cache took part; absent when the request did not reach it. */
  readonly cache?: CacheOutcome | undefined;
}

/** Receives every finished request (the log, tests, and later metrics and audit). */
export type RequestRecordListener = (record: RequestRecord) => void;
