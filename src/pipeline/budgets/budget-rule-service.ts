import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { randomBytes } from '../../lib/random.ts';
import type { BudgetRuleStore, StoredBudgetRule } from '../../storage/budget-rule-store.ts';
import type { BudgetRule } from './plan-budget-lines.ts';

/** A budget in force: from the configuration file (no id) or made through the admin API. */
export interface BudgetInForce extends BudgetRule {
  readonly source: 'config' | 'api';
  /** `bud_<random>` for API budgets; undefined for configured ones (edited in the file). */
  readonly id: string | undefined;
  /** The stored row behind an API budget (who made and last changed it). */
  readonly stored: StoredBudgetRule | undefined;
}

/** A new budget, as the admin API takes it (already validated against the budget schema). */
export interface BudgetInput {
  readonly scope: BudgetRule['scope'];
  readonly match?: string | undefined;
  readonly usd: number;
  readonly period: BudgetRule['period'];
  readonly mode?: 'hard' | 'soft' | undefined;
}

/** An API budget as the admin API answers it. */
export interface StoredBudgetView {
  readonly id: string;
  readonly source: 'api';
  readonly scope: BudgetRule['scope'];
  readonly match: string | null;
  readonly usd: number;
  readonly period: BudgetRule['period'];
  readonly mode: 'hard' | 'soft';
  readonly created_at: string;
  readonly created_by: string;
  readonly updated_at: string;
  readonly updated_by: string;
  readonly revoked_at: string | null;
  readonly revoked_by: string | null;
}

/**
 * Checks a whole set of budgets with the configuration's rules (the same schema and
 * `checkBudgets`); resolves the first problem, or undefined when the set is valid.
 */
export type BudgetSetCheck = (budgets: readonly BudgetInput[]) => string | undefined;

const isoTime = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

/** An API budget for the admin API. */
export function storedBudgetView(rule: StoredBudgetRule): StoredBudgetView {
  return {
    id: rule.id,
    source: 'api',
    scope: rule.scope,
    match: rule.match,
    usd: rule.limitNanos / 1e9,
    period: rule.period,
    mode: rule.hard ? 'hard' : 'soft',
    created_at: new Date(rule.createdAt).toISOString(),
    created_by: rule.createdBy,
    updated_at: new Date(rule.updatedAt).toISOString(),
    updated_by: rule.updatedBy,
    revoked_at: isoTime(rule.revokedAt),
    revoked_by: rule.revokedBy,
  };
}

function toInput(rule: BudgetRule): BudgetInput {
  return {
    scope: rule.scope,
    ...(rule.match === undefined ? {} : { match: rule.match }),
    usd: rule.limitNanos / 1e9,
    period: rule.period,
    mode: rule.hard ? 'hard' : 'soft',
  };
}

/** Dollars as integer nano-dollars; refuses amounts that round to nothing. */
function toNanos(usd: number): number {
  const nanos = Math.round(usd * 1e9);
  if (nanos < 1) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'usd',
      detail: '`usd` must be at least 0.000000001 (one nano-dollar).',
    });
  }
  return nanos;
}

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param: '(body)', detail: `${detail}.` });
}

/**
 * The budgets in force: the configured ones (read-only, from the file) followed by the active
 * API budgets. Writes go to the shared store and are seen by this process at once; other
 * processes and replicas see them at their next `refresh()` (about once a second).
 * `inForce()` never waits on storage and allocates nothing unless something changed.
 */
export class BudgetRuleService {
  readonly #store: BudgetRuleStore;
  readonly #clock: Clock;
  readonly #configured: () => readonly BudgetRule[];
  readonly #check: BudgetSetCheck;
  #stored: readonly StoredBudgetRule[] = [];
  #fingerprint = '';
  #storedVersion = 0;
  #built:
    | {
        readonly configured: readonly BudgetRule[];
        readonly version: number;
        readonly rules: readonly BudgetInForce[];
      }
    | undefined;

  constructor(options: {
    readonly store: BudgetRuleStore;
    readonly clock: Clock;
    /** The configured budgets in force now (the routing table's; changes on reload). */
    readonly configured: () => readonly BudgetRule[];
    readonly check: BudgetSetCheck;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#configured = options.configured;
    this.#check = options.check;
  }

  /** Configured plus active API budgets; the same array until either set changes. */
  inForce(): readonly BudgetInForce[] {
    const configured = this.#configured();
    const built = this.#built;
    if (built?.configured === configured && built.version === this.#storedVersion) {
      return built.rules;
    }
    const rules: BudgetInForce[] = [
      ...configured.map((rule) => ({
        ...rule,
        source: 'config' as const,
        id: undefined,
        stored: undefined,
      })),
      ...this.#stored.map((stored) => ({
        scope: stored.scope,
        match: stored.match ?? undefined,
        limitNanos: stored.limitNanos,
        period: stored.period,
        hard: stored.hard,
        source: 'api' as const,
        id: stored.id,
        stored,
      })),
    ];
    this.#built = { configured, version: this.#storedVersion, rules };
    return rules;
  }

  /** Reads the active API budgets; the set in force changes only when they did. */
  async refresh(): Promise<void> {
    const active = await this.#store.listActive();
    const fingerprint = active
      .map(
        (rule) =>
          `${rule.id}:${String(rule.limitNanos)}:${String(rule.hard)}:${String(rule.updatedAt)}`,
      )
      .join(',');
    if (fingerprint === this.#fingerprint) return;
    this.#fingerprint = fingerprint;
    this.#stored = active;
    this.#storedVersion += 1;
  }

  /** Every API budget, revoked ones included (history), oldest first. */
  async list(): Promise<StoredBudgetView[]> {
    return (await this.#store.list()).map(storedBudgetView);
  }

  /**
   * Validates a new budget against every budget in force (the configuration's rules: no two with
   * the same scope, match and period), stores it and puts it in force here at once.
   */
  async create(input: BudgetInput, by: string): Promise<StoredBudgetView> {
    const limitNanos = toNanos(input.usd);
    await this.refresh();
    const problem = this.#check([...this.inForce().map(toInput), input]);
    if (problem !== undefined) {
      // The configuration's own wording, placed: the set it checked is every budget in force.
      throw invalid(`With the budgets in force (configured and API): ${problem}`);
    }
    const now = this.#clock.now();
    const rule: StoredBudgetRule = {
      id: `bud_${randomBytes(12).toString('base64url')}`,
      scope: input.scope,
      match: input.match ?? null,
      limitNanos,
      period: input.period,
      hard: input.mode !== 'soft',
      createdAt: now,
      createdBy: by,
      updatedAt: now,
      updatedBy: by,
      revokedAt: null,
      revokedBy: null,
    };
    await this.#store.insert(rule);
    await this.refresh();
    return storedBudgetView(rule);
  }

  /** Changes an API budget's limit or mode. 404 for unknown, revoked or configured budgets. */
  async update(
    id: string,
    change: { readonly usd?: number | undefined; readonly mode?: 'hard' | 'soft' | undefined },
    by: string,
  ): Promise<StoredBudgetView> {
    const limitNanos = change.usd === undefined ? undefined : toNanos(change.usd);
    const hard = change.mode === undefined ? undefined : change.mode === 'hard';
    const updated = await this.#store.update(id, { limitNanos, hard }, this.#clock.now(), by);
    if (updated === undefined) throw await this.#notFound(id);
    await this.refresh();
    return storedBudgetView(updated);
  }

  /** Revokes an API budget (the row stays for history). 404 for unknown or revoked budgets. */
  async revoke(id: string, by: string): Promise<StoredBudgetView> {
    const revoked = await this.#store.revoke(id, this.#clock.now(), by);
    if (revoked === undefined) throw await this.#notFound(id);
    await this.refresh();
    return storedBudgetView(revoked);
  }

  async #notFound(id: string): Promise<GatewayError> {
    const existing = await this.#store.find(id);
    return new GatewayError('SB_ERR_NOT_FOUND', {
      param: 'id',
      detail:
        existing?.revokedAt === null || existing === undefined
          ? 'No budget made through the admin API has this id (configured budgets are changed in the configuration file).'
          : `This budget was revoked at ${new Date(existing.revokedAt).toISOString()}; revoked budgets cannot be changed. Create a new one.`,
    });
  }
}
