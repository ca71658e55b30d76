/**
 * What a virtual key (and the user it may belong to) may do, most powerful first: `admin` runs
 * its organisation, `team_admin` runs one team, `member` acts for itself, `viewer` only reads
 * the admin API, `service` is a workload identity that only calls model routes. The rules live
 * in `pipeline/identity/authorisation.ts`.
 */
export type KeyRole = 'admin' | 'team_admin' | 'member' | 'viewer' | 'service';

/** Flat, bounded key metadata: names to strings, numbers or booleans (see `key-metadata.ts`). */
export type KeyMetadata = Readonly<Record<string, string | number | boolean>>;

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
  /** The organisation the key belongs to (`default` for single-tenant installs). */
  readonly org: string;
  /** The user (natural person) the key acts for; null for service and unowned keys. */
  readonly ownerUser: string | null;
  /** Model route names (`chat`, `messages`, ...) the key may call; null means every one. */
  readonly allowedRoutes: readonly string[] | null;
  /** The most output tokens one request may ask for; null for no cap. */
  readonly maxOutputTokens: number | null;
  readonly metadata: KeyMetadata;
  /** The principal (key id, or `environment`) that created the key; `migration` for old keys. */
  readonly createdBy: string;
}

/** The fields of a key that may change after creation ({@link VirtualKeyStore.update}). */
export type VirtualKeyChanges = Partial<
  Pick<
    VirtualKeyRecord,
    | 'name'
    | 'allowedModels'
    | 'allowedRoutes'
    | 'maxOutputTokens'
    | 'metadata'
    | 'expiresAt'
    | 'tags'
  >
>;

/** Which keys {@link VirtualKeyStore.list} returns; every filter given must match. */
export interface VirtualKeyFilter {
  readonly includeRevoked?: boolean;
  readonly org?: string;
  readonly team?: string;
  readonly ownerUser?: string;
}

/**
 * Storage of virtual keys. Every backend passes the shared conformance suite
 * (`virtual-key-store.conformance.ts`). Methods reject only on storage failure.
 */
export interface VirtualKeyStore {
  /** Adds a key; rejects if the id already exists. */
  insert(record: VirtualKeyRecord): Promise<void>;
  findById(id: string): Promise<VirtualKeyRecord | undefined>;
  /** Keys matching `filter`, ordered by creation time, newest last. */
  list(filter?: VirtualKeyFilter): Promise<VirtualKeyRecord[]>;
  /** Marks a key revoked; resolves false when it does not exist or was already revoked. */
  revoke(id: string, at: number): Promise<boolean>;
  /**
   * Applies `changes` to a key that is not revoked; resolves the updated record, or undefined
   * when no such active key exists (nothing changed then).
   */
  update(id: string, changes: VirtualKeyChanges): Promise<VirtualKeyRecord | undefined>;
  /**
   * A number that changes whenever keys may have been changed by another process (the CLI
   * writing the same state directory), so caches know when to drop what they hold.
   */
  changeMarker(): Promise<number>;
}

/** What a budget counts: a key, a user, a team, an organisation, a tag or a requested model. */
export type BudgetScope = 'key' | 'user' | 'team' | 'org' | 'tag' | 'model';

/**
 * Who a request is charged as: every scope value a budget may count it under. Recorded in its
 * ledger row, so any scope's spend in any period can be summed again from the ledger.
 */
export interface SpendSubject {
  readonly keyId: string;
  readonly user: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly tags: readonly string[];
  /** The model name the client asked for (an alias or `provider/model`). */
  readonly model: string;
}

/**
 * One budget counter a request is charged against: one scope value's spend in one period.
 * Money is in nano-dollars (1e-9 USD) as safe integers, so sums are exact.
 */
export interface BudgetLine {
  /** Identifies the counter: `<scope>:<encoded subject>:<period>:<start>`. */
  readonly key: string;
  readonly scope: BudgetScope;
  readonly subject: string;
  /** The period's first millisecond (0 for a total budget). */
  readonly startMs: number;
  /** The millisecond after the period (null for a total budget, which never ends). */
  readonly endMs: number | null;
  /** The most the period may spend. */
  readonly limitNanos: number;
  /** Hard lines refuse what would exceed them; soft lines only count (and alert). */
  readonly hard: boolean;
}

/** A counter as it stands: settled spend and what in-flight requests have reserved. */
export interface BudgetLineState {
  readonly key: string;
  readonly limitNanos: number;
  readonly hard: boolean;
  readonly spentNanos: number;
  readonly reservedNanos: number;
}

/** A request to hold money for one request across all its budget lines at once. */
export interface BudgetReservationRequest {
  /** Unique per request; also the ledger row's id. */
  readonly requestId: string;
  /** When the request started: its ledger row's time, also when the reaper writes it. */
  readonly atMs: number;
  readonly subject: SpendSubject;
  /** Every line the request counts against; an empty list reserves nothing. */
  readonly lines: readonly BudgetLine[];
  /** The request's cost upper bound: the most to reserve. */
  readonly maxNanos: number;
  /** The least worth admitting: refused when the hard lines leave less than this. */
  readonly minNanos: number;
  /** When the reaper may settle the reservation conservatively if nothing settled it. */
  readonly expiresAtMs: number;
}

/** The outcome of {@link BudgetStore.reserve}. */
export interface BudgetReservation {
  readonly allowed: boolean;
  /**
   * What was reserved: `maxNanos`, or less when a hard line had less left (then the request's
   * output must be limited to what this pays for). 0 when refused.
   */
  readonly reservedNanos: number;
  /** Each line's state after the call, in the order given. */
  readonly lines: readonly BudgetLineState[];
  /** The first hard line that refused, when refused. */
  readonly refusedBy: string | undefined;
}

/** A reservation whose request never settled (its process died), as a reaper claims it. */
export interface ExpiredHold {
  readonly requestId: string;
  /** When the request started: its ledger row's time. */
  readonly atMs: number;
  readonly amountNanos: number;
  readonly subject: SpendSubject;
}

/** How a request ended, as its ledger row says. */
export type LedgerOutcome = 'completed' | 'failed' | 'client-closed' | 'reaped';

/** One ledger row: what one request cost. The ledger is the truth; counters derive from it. */
export interface LedgerEntry {
  readonly requestId: string;
  readonly atMs: number;
  readonly subject: SpendSubject;
  readonly provider: string | null;
  readonly deployment: string | null;
  readonly upstreamModel: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWriteTokens: number | null;
  readonly reasoningTokens: number | null;
  readonly costNanos: number;
  /** The provider reported no usage: the cost is the gateway's (conservative) estimate. */
  readonly estimated: boolean;
  readonly outcome: LedgerOutcome;
  /**
   * Answered from the response cache: what the answer cost when it was produced, now saved
   * (0 when unknown). Undefined for a request a provider answered.
   */
  readonly cacheSavedNanos?: number | undefined;
  /**
   * What the same usage would have cost on the requested alias's strongest deployment (routing
   * savings' baseline); undefined when the alias offers no choice of models or usage is unknown.
   */
  readonly baselineNanos?: number | undefined;
  /**
   * Whether the request held an amount on budget counters when it was admitted. Never stored:
   * `false` tells a store that writing the row is all there is to do (no counter or hold to
   * touch), so rows of requests no budget applies to never wait for Redis. Undefined: unknown,
   * the store looks for a hold.
   */
  readonly heldBudget?: boolean | undefined;
}

/** What `GET /admin/spend` groups by. */
export type SpendGrouping = 'key' | 'user' | 'team' | 'org' | 'model' | 'day';

/** A spend report query; filters are exact matches, combined with AND. */
export interface SpendQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly groupBy: readonly SpendGrouping[];
  readonly filters: Partial<Record<Exclude<SpendGrouping, 'day'>, string>>;
  /** At most this many rows, largest spend first. */
  readonly limit: number;
}

export interface SpendRow {
  /** One value per grouping, in the order asked (`day` as `YYYY-MM-DD`). */
  readonly group: Readonly<Partial<Record<SpendGrouping, string | null>>>;
  readonly requests: number;
  readonly costNanos: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Rows whose cost is an estimate. */
  readonly estimatedRequests: number;
  /** Requests answered from the response cache, and what they saved. */
  readonly cacheHits: number;
  readonly cacheSavedNanos: number;
  /** Requests with a routing baseline: their count, their cost and their baseline cost. */
  readonly routedRequests: number;
  readonly routedCostNanos: number;
  readonly baselineNanos: number;
}

/**
 * Budgets and the spend ledger, shared by every gateway process on the same backend. Every
 * backend passes `budget-store.conformance.ts`. Reserve-then-settle: `reserve` checks and holds a
 * request's cost bound on every line at once (atomically: concurrent requests never together
 * exceed a hard line); `settle` writes each request's ledger row exactly once (a repeated request
 * id changes nothing) and turns its reservation into actual spend; the reaper settles
 * reservations whose request never settled, at the reserved amount, marked estimated.
 */
export interface BudgetStore {
  reserve(request: BudgetReservationRequest): Promise<BudgetReservation>;
  /**
   * Writes the ledger rows and settles their reservations, each exactly once; resolves, per entry,
   * whether it was new. Rejects only on storage failure (then nothing of the failed entries
   * changed, and they may be given again).
   */
  settle(entries: readonly LedgerEntry[]): Promise<boolean[]>;
  /**
   * Claims up to `max` reservations that expired at or before `nowMs` for one reaper: they are
   * held until `claimUntilMs` (no other reaper gets them before), then settled by the caller
   * with `settle` (outcome `reaped`). A claim that is not settled expires and is taken again.
   */
  claimExpiredHolds(nowMs: number, claimUntilMs: number, max: number): Promise<ExpiredHold[]>;
  /** The current state of these lines (counters rebuilt from the ledger where missing). */
  lineStates(lines: readonly BudgetLine[]): Promise<BudgetLineState[]>;
  spendReport(query: SpendQuery): Promise<SpendRow[]>;
  /** The ledger row of a request, if settled. */
  findLedgerEntry(requestId: string): Promise<LedgerEntry | undefined>;
}

/** The organisation every install has; keys made before organisations existed belong to it. */
export const defaultOrganisationId = 'default';

/** A tenant: everything else (teams, users, keys) belongs to exactly one organisation. */
export interface OrganisationRecord {
  /** A lowercase identifier, unique. */
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** A team inside an organisation; `id` is the lowercase team identifier keys carry. */
export interface TeamRecord {
  readonly org: string;
  /** Unique within `org` (two organisations may both have a team `payments`). */
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** A user's role; a user is never a `service` (those are keys without an owner). */
export type UserRole = Exclude<KeyRole, 'service'>;

/** A natural person who may own keys. */
export interface UserRecord {
  /** Generated, unique across organisations. */
  readonly id: string;
  readonly org: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  /** Team ids (in `org`) the user belongs to; a `team_admin` runs exactly these. */
  readonly teams: readonly string[];
  readonly createdAt: number;
}

/** The fields of a user that may change ({@link DirectoryStore.updateUser}). */
export type UserChanges = Partial<Pick<UserRecord, 'email' | 'name' | 'role' | 'teams'>>;

/**
 * Organisations, teams and users: who the tenants are and who acts in them. Every backend passes
 * `directory-store.conformance.ts`. Inserts reject when the id is taken (a team id only within
 * its organisation); other methods reject only on storage failure. Every lookup but `findUser`
 * names the organisation, so a caller cannot reach another tenant's rows by id alone.
 */
export interface DirectoryStore {
  insertOrganisation(record: OrganisationRecord): Promise<void>;
  findOrganisation(id: string): Promise<OrganisationRecord | undefined>;
  /** Ordered by id. */
  listOrganisations(): Promise<OrganisationRecord[]>;
  /** Resolves the renamed organisation, or undefined when it does not exist. */
  renameOrganisation(id: string, name: string): Promise<OrganisationRecord | undefined>;

  insertTeam(record: TeamRecord): Promise<void>;
  findTeam(org: string, id: string): Promise<TeamRecord | undefined>;
  /** Teams of one organisation, ordered by id. */
  listTeams(org: string): Promise<TeamRecord[]>;
  renameTeam(org: string, id: string, name: string): Promise<TeamRecord | undefined>;

  insertUser(record: UserRecord): Promise<void>;
  /** By the generated id, whatever the organisation: callers compare `org` themselves. */
  findUser(id: string): Promise<UserRecord | undefined>;
  /** Users of one organisation (only those in `team` when given), by creation time then id. */
  listUsers(org: string, filter?: { readonly team?: string }): Promise<UserRecord[]>;
  updateUser(org: string, id: string, changes: UserChanges): Promise<UserRecord | undefined>;
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

/**
 * A provider credential as stored: only its AES-256-GCM ciphertext and the id of the key that
 * sealed it (see `src/lib/credential-envelope.ts`); the value itself is never stored. `name` is
 * bound into the ciphertext, so a ciphertext cannot be moved to another name.
 */
export interface ProviderCredentialRecord {
  /** A lowercase identifier (`openai-prod`), unique; safe to log and show. */
  readonly name: string;
  /** The id of the encryption key that sealed `ciphertext`; safe to show. */
  readonly keyId: string;
  readonly ciphertext: Buffer;
  readonly createdAt: number;
  /** When the value was last set (re-encryption under a new key keeps it). */
  readonly updatedAt: number;
}

/**
 * Storage of encrypted provider credentials. Every backend passes the shared conformance suite
 * (`provider-credential-store.conformance.ts`). Methods reject only on storage failure.
 */
export interface ProviderCredentialStore {
  /** Adds a credential; resolves false (changing nothing) when the name is taken. */
  insert(record: ProviderCredentialRecord): Promise<boolean>;
  findByName(name: string): Promise<ProviderCredentialRecord | undefined>;
  /** Every credential, ordered by name (byte order). */
  list(): Promise<ProviderCredentialRecord[]>;
  /**
   * Sets the key id, ciphertext and update time of the credential called `record.name` (its
   * creation time stays). With `expectedCiphertext`, only if the stored ciphertext still equals
   * it, so re-encryption never overwrites a value replaced meanwhile. Resolves whether it changed.
   */
  replace(record: ProviderCredentialRecord, expectedCiphertext?: Buffer): Promise<boolean>;
  /** Deletes a credential; resolves false when there was none of that name. */
  remove(name: string): Promise<boolean>;
}

/** One concurrency limit in a {@link ConcurrencyStore.acquire} call. */
export interface ConcurrencyRequest {
  /** The full key, scoped by the caller (`concurrency:key:<id>`, `concurrency:team:<team>`). */
  readonly key: string;
  /** The most leases in flight at once on this key (a positive integer). */
  readonly limit: number;
}

/** The lease one in-flight request holds on every key it acquired. */
export interface ConcurrencyLease {
  /** Unique per request (a UUID); a non-empty string. */
  readonly id: string;
  /**
   * Milliseconds (a positive integer) until the lease stops counting unless renewed, so a
   * crashed replica's leases free themselves.
   */
  readonly ttlMs: number;
}

/** The state of one concurrency limit after a call. */
export interface ConcurrencyState {
  readonly key: string;
  readonly limit: number;
  /** Live leases on the key after this call (including this one when admitted). */
  readonly inFlight: number;
}

/** The outcome of {@link ConcurrencyStore.acquire}. */
export interface ConcurrencyDecision {
  /** True when the lease now holds a slot on every listed key; false when it was added to none. */
  readonly allowed: boolean;
  /** One state per request, in the order given. */
  readonly limits: readonly ConcurrencyState[];
}

/**
 * Concurrency limits (requests in flight at once), shared by every gateway process that uses the
 * same backend. A request holds a lease with an expiry on each of its keys; an expired lease
 * stops counting, so leases of a crashed process free themselves. Every backend passes
 * `concurrency-store.conformance.ts`. Time is the backend's: the memory store's injected clock,
 * the Redis server's `TIME` for Redis (so replicas with skewed clocks agree). Methods reject with
 * `RangeError` on invalid input (an empty key or lease id, a key listed twice, a non-integer or
 * non-positive limit or TTL) and reject otherwise only on storage failure.
 */
export interface ConcurrencyStore {
  /**
   * Atomically with respect to every other call on the same backend: drops expired leases on
   * every key, then, only if every key has room (fewer than `limit` live leases, or this lease
   * already holds a slot there), adds the lease to all of them with expiry `now + lease.ttlMs`;
   * otherwise adds it to none. Re-acquiring a lease id already held is not counted twice: it
   * refreshes the expiry to `now + lease.ttlMs`. An empty list is allowed.
   */
  acquire(
    requests: readonly ConcurrencyRequest[],
    lease: ConcurrencyLease,
  ): Promise<ConcurrencyDecision>;
  /** Removes the lease from these keys; releasing an unknown or expired lease does nothing. */
  release(keys: readonly string[], leaseId: string): Promise<void>;
  /**
   * Sets the expiry of the lease to `now + ttlMs` on every listed key where it is still live (for
   * long streams). A lease already expired or released is not revived. Resolves true when the
   * lease was live, and is now renewed, on every listed key.
   */
  renew(keys: readonly string[], leaseId: string, ttlMs: number): Promise<boolean>;
}

/**
 * One record of the tamper-evident audit log, as stored. `payload` is the canonical JSON text
 * (src/pipeline/audit/canonical-json.ts) exactly as it was hashed: stores keep it byte for byte
 * (never as a JSON column type that would reorder it). Hashes are 64 lowercase hex digits.
 */
export interface AuditLogRecord {
  /** Position in the log: the first record is 0, each next one 1 more. */
  readonly seq: number;
  /** Epoch milliseconds, an integer. */
  readonly at: number;
  readonly kind: string;
  readonly payload: string;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * The append-only audit log (docs/audit.md). The database refuses UPDATE and DELETE on its rows.
 * Every backend passes `audit-log-store.conformance.ts`.
 */
export interface AuditLogStore {
  /**
   * Appends the records in one transaction: all or none. Rejects with `RangeError` unless the
   * first seq is `last().seq + 1` (0 on an empty log), the seqs are contiguous, and each
   * `prevHash` is the hash of the record before it (the genesis value for seq 0); also when a
   * concurrent append took the same seq. An empty list does nothing. `payloads` are stored in
   * the same transaction; each names the seq of one of `records`.
   */
  append(records: readonly AuditLogRecord[], payloads?: readonly AuditPayloadRow[]): Promise<void>;
  /** Up to `limit` records with `seq >= fromSeq`, in seq order. */
  read(fromSeq: number, limit: number): Promise<AuditLogRecord[]>;
  /** The record with the highest seq, or undefined when the log is empty. */
  last(): Promise<AuditLogRecord | undefined>;
  /** How many records the log holds. */
  count(): Promise<number>;
  /** The `request` records whose payload names this request id, in seq order (normally one). */
  findRequestRecords(requestId: string): Promise<AuditLogRecord[]>;
}

/** Where one cached answer lives: its tenant scope, requested alias and request digest. */
export interface ResponseCacheAddress {
  /** The organisation (tenant) the scope belongs to, for invalidation by tenant. */
  readonly org: string;
  /** The tenant scope (`org:acme`, `team:acme/eng`, ...): entries never cross it. */
  readonly scope: string;
  /** The model alias the client asked for, for invalidation by alias. */
  readonly alias: string;
  /** SHA-256 (hex) over the scope, the producing model and every answer-relevant field. */
  readonly digest: string;
}

/** A cached answer as stored (JSON text), with when it expires. */
export interface StoredCacheEntry {
  readonly address: ResponseCacheAddress;
  readonly entry: string;
  readonly expiresAt: number;
}

/**
 * The response cache's storage (memory, SQLite or Redis). Entries expire at `expiresAt` and may
 * be evicted earlier (least recently used) to stay within the configured size.
 */
export interface ResponseCacheStore {
  /** The first live entry among `addresses`, in their order; undefined when none is. */
  get(
    addresses: readonly ResponseCacheAddress[],
    now: number,
  ): Promise<StoredCacheEntry | undefined>;
  /** Stores `entry` (replacing one at its address); `now` marks it used. */
  set(entry: StoredCacheEntry, now: number): Promise<void>;
  /** Deletes entries of an organisation, an alias, or both (at least one is given); resolves how many. */
  invalidate(filter: { readonly org?: string; readonly alias?: string }): Promise<number>;
  close(): Promise<void>;
}

/** A semantic-cache index entry, shared so that every process can index what one stored. */
export interface SharedSemanticEntry {
  /** The process that stored it (it indexed the entry already). */
  readonly origin: string;
  readonly partition: string;
  /** The unit vector, little-endian float32. */
  readonly vector: Float32Array;
  /** Salient tokens of the question. */
  readonly signature: string;
  /** Where the answer is stored. */
  readonly address: ResponseCacheAddress;
  readonly expiresAt: number;
}

/**
 * An append-only feed of semantic-cache entries (SQLite for the processes of one machine, Redis
 * for replicas): each process appends what it stores and reads what the others stored.
 */
export interface SemanticEntryFeed {
  append(entry: SharedSemanticEntry): Promise<void>;
  /**
   * Up to `limit` live entries after `cursor` (undefined: from the oldest kept), in order, and
   * the cursor after them.
   */
  read(
    cursor: string | undefined,
    now: number,
    limit: number,
  ): Promise<{ entries: SharedSemanticEntry[]; cursor: string | undefined }>;
  close(): Promise<void>;
}

/** A sealed request and answer kept beside one audit record (payload retention). */
export interface AuditPayloadRow {
  readonly seq: number;
  readonly requestId: string;
  readonly org: string;
  /** The organisation data key that sealed it. */
  readonly keyId: string;
  /** The sealed bytes (see `audit-payload-sealing.ts`); their SHA-256 is in the record. */
  readonly sealed: Buffer;
}

/** An organisation's data key for payloads, sealed under the gateway's encryption key. */
export interface AuditTenantKey {
  readonly id: string;
  readonly org: string;
  /** The sealed key; undefined once erased. */
  readonly wrapped: { readonly wrappingKeyId: string; readonly sealed: Buffer } | undefined;
  readonly createdAt: number;
  readonly erasedAt: number | undefined;
}

/** Sealed payloads and the organisation keys that seal them. */
export interface AuditPayloadStore {
  /** The payload of record `seq`, if one is kept. */
  read(seq: number): Promise<AuditPayloadRow | undefined>;
  /** Up to `limit` payloads with `seq >= fromSeq`, in seq order. */
  list(fromSeq: number, limit: number): Promise<AuditPayloadRow[]>;
  /** Deletes every payload with `seq < beforeSeq`; resolves how many went. */
  purgeBefore(beforeSeq: number): Promise<number>;
  /** The key with this id (also an erased one, without its material). */
  tenantKey(id: string): Promise<AuditTenantKey | undefined>;
  /** The organisation's key that is not erased, if any. */
  liveTenantKey(org: string): Promise<AuditTenantKey | undefined>;
  /**
   * Stores `key` unless the organisation already has a live key; resolves the live key (the
   * one given, or the one another process stored first).
   */
  addTenantKey(key: AuditTenantKey): Promise<AuditTenantKey>;
  /** Destroys every live key of the organisation; resolves their ids. */
  eraseTenantKeys(org: string, at: number): Promise<string[]>;
}

/** One stored policy document. */
export interface PolicyVersionRecord {
  /** The policy version: the hash of the document's meaning (see `compiled-policy.ts`). */
  readonly version: string;
  readonly name: string;
  /** The document as written. */
  readonly text: string;
  readonly createdAt: number;
  /** The principal (agent) that stored it. */
  readonly createdBy: string;
}

/** One rollout: from `activatedAt` on, `version` was the policy in force. */
export interface PolicyActivation {
  readonly seq: number;
  readonly version: string;
  readonly activatedAt: number;
  readonly activatedBy: string;
}

/**
 * Policy documents and the history of which one is in force, shared by every replica. Versions
 * are immutable; activation appends to the history (the latest is in force), so a rollout is one
 * atomic write and a rollback is activating an earlier version.
 */
export interface PolicyStore {
  /** Stores a version; resolves false when it was already stored (same meaning). */
  saveVersion(record: PolicyVersionRecord): Promise<boolean>;
  /** Puts a stored version in force; rejects with `RangeError` for an unknown version. */
  activate(version: string, at: number, by: string): Promise<PolicyActivation>;
  /** The version in force and its activation, or undefined when none was ever activated. */
  active(): Promise<
    { readonly record: PolicyVersionRecord; readonly activation: PolicyActivation } | undefined
  >;
  findVersion(version: string): Promise<PolicyVersionRecord | undefined>;
  /** Stored versions, newest first. */
  listVersions(limit: number): Promise<PolicyVersionRecord[]>;
  /** Activations, newest first. */
  listActivations(limit: number): Promise<PolicyActivation[]>;
}
