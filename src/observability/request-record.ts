import type { Usage } from '../canonical/usage.ts';

/** One attempt against one target, as recorded. */
export interface AttemptSummary {
  readonly provider: string;
  readonly model: string;
  readonly durationMs: number;
  readonly errorCode: string | undefined;
}

/**
 * What is recorded about every finished request: who, what, where it went, how it ended and what
 * it used. Never contains prompts, responses, keys or upstream error text.
 */
export interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly keyId: string | undefined;
  readonly requestedModel: string | undefined;
  readonly provider: string | undefined;
  readonly upstreamModel: string | undefined;
  readonly stream: boolean;
  readonly outcome: 'completed' | 'rejected' | 'upstream-error' | 'client-closed';
  readonly errorCode: string | undefined;
  readonly attempts: readonly AttemptSummary[];
  readonly usage: Usage | undefined;
  /** The usage at the target's list price (model facts), in US dollars; undefined when unknown. */
  readonly costUsd: number | undefined;
  readonly finishReasons: readonly string[];
  /** Milliseconds from the request's arrival to its last byte. */
  readonly durationMs: number;
  /** Milliseconds spent waiting on providers for response headers (across attempts). */
  readonly upstreamMs: number | undefined;
}

/** Receives every finished request (the log, tests, and later metrics and audit). */
export type RequestRecordListener = (record: RequestRecord) => void;
