/** What a virtual key may do. */
export type KeyRole = 'admin' | 'application';

/**
 * A stored virtual key. The key itself is never stored: only its SHA-256, compared in constant
 * time. `id` is the public part of the key, safe to log and show.
 */
export interface VirtualKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: KeyRole;
  readonly secretHash: Buffer;
  /** Model names or patterns (`alias`, `provider/*`, `*`) the key may use; null means any. */
  readonly allowedModels: readonly string[] | null;
  /** The team the key belongs to (a lowercase identifier), or null for none. */
  readonly team: string | null;
  /**
   * Labels for routing rules and reports; empty for none. Stores keep them in the order given
   * (the key service gives them sorted and without duplicates).
   */
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/**
 * Storage of virtual keys. Every backend passes the shared conformance suite
 * (`virtual-key-store.conformance.ts`). Methods reject only on storage failure.
 */
export interface VirtualKeyStore {
  /** Adds a key; rejects if the id already exists. */
  insert(record: VirtualKeyRecord): Promise<void>;
  findById(id: string): Promise<VirtualKeyRecord | undefined>;
  /** Keys ordered by creation time, newest last. */
  list(options?: { readonly includeRevoked?: boolean }): Promise<VirtualKeyRecord[]>;
  /** Marks a key revoked; resolves false when it does not exist or was already revoked. */
  revoke(id: string, at: number): Promise<boolean>;
  /**
   * A number that changes whenever keys may have been changed by another process (the CLI
   * writing the same state directory), so caches know when to drop what they hold.
   */
  changeMarker(): Promise<number>;
}

/**
 * One limit to check and charge in a {@link RateLimitStore.acquire} call, under the GCRA
 * (generic cell rate algorithm). Each key holds one number, its theoretical arrival time (TAT):
 * the instant at which the key would be fully replenished. With the emission interval
 * `T = periodMs / limit` and the burst tolerance `burst * T`, a request of `cost` units is
 * admitted at `now` when `max(TAT, now) + cost * T - now <= burst * T`, and then sets
 * `TAT = max(TAT, now) + cost * T`.
 *
 * So at most `burst` units pass at once, and over any interval of length `d` at most
 * `burst + d / T` units pass: there is no window edge and therefore no double burst. With
 * `burst = limit`, a key that has been idle for a whole period may spend its whole limit at once.
 */
export interface RateLimitRequest {
  /** The full key, scoped by the caller (`rpm:key:<id>`, `tpm:team:<team>`). */
  readonly key: string;
  /** Units per period (a positive integer): requests for RPM, tokens for TPM. */
  readonly limit: number;
  /** The period in milliseconds (a positive integer): 60 000 for per-minute limits. */
  readonly periodMs: number;
  /** The most units admitted at once (a positive integer); usually equal to `limit`. */
  readonly burst: number;
  /**
   * Units this request spends (a non-negative integer): 1 for a request, the estimated tokens
   * for TPM. Cost 0 charges nothing and only reads the state. A cost above `burst` can never be
   * admitted: it is refused with `retryAfterMs: null`.
   */
  readonly cost: number;
}

/** The state of one limit after a call, enough for the `x-ratelimit-*` headers. */
export interface RateLimitState {
  readonly key: string;
  readonly limit: number;
  /** Unit-cost requests that would be admitted right now (0 to `burst`), after this call. */
  readonly remaining: number;
  /** Milliseconds (rounded up) until the key is fully replenished (`remaining` = `burst`). */
  readonly resetAfterMs: number;
  /**
   * 0 when this limit admits the request's cost now; otherwise the milliseconds (rounded up)
   * until it would, absent other traffic; null when it never can (cost above burst).
   */
  readonly retryAfterMs: number | null;
}

/** The outcome of {@link RateLimitStore.acquire}. */
export interface RateLimitDecision {
  /** True when every listed limit admitted its cost and all were charged; false when none was. */
  readonly allowed: boolean;
  /**
   * 0 when allowed; otherwise the largest `retryAfterMs` among the limits (waiting that long
   * lets every limit admit, absent other traffic), or null when some limit never can.
   */
  readonly retryAfterMs: number | null;
  /** One state per request, in the order given. */
  readonly limits: readonly RateLimitState[];
}

/** A correction to a limit already charged, such as actual tokens versus the estimate. */
export interface RateLimitAdjustment {
  readonly key: string;
  readonly limit: number;
  readonly periodMs: number;
  readonly burst: number;
  /**
   * Units to add (an integer). Positive charges unconditionally (the units were already used),
   * possibly beyond the burst, so later requests wait longer. Negative refunds: the TAT moves back
   * by `-costDelta * T` but never before now, so a refund never creates more than a full burst.
   */
  readonly costDelta: number;
}

/**
 * Smooth rate limits (GCRA, see {@link RateLimitRequest}), shared by every gateway process that
 * uses the same backend. Every backend passes `rate-limit-store.conformance.ts`. Time is the
 * backend's: the memory store's injected clock, the Redis server's `TIME` for Redis (so replicas
 * with skewed clocks agree). Methods reject with `RangeError` on invalid input (non-integer or
 * non-positive limit, period or burst; negative or non-integer cost; a key listed twice) and
 * reject otherwise only on storage failure.
 */
export interface RateLimitStore {
  /**
   * Checks every limit and, only if all admit their cost, charges all of them, atomically with
   * respect to every other call on the same backend (no over-admission under concurrency).
   */
  acquire(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision>;
  /**
   * Applies corrections unconditionally and atomically (see {@link RateLimitAdjustment}); returns
   * one state per adjustment, in the order given, with `retryAfterMs` for a unit-cost request.
   */
  adjust(adjustments: readonly RateLimitAdjustment[]): Promise<RateLimitState[]>;
}
