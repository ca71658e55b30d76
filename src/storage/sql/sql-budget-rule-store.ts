import type {
  BudgetRuleStore,
  StoredBudgetRule,
  StoredBudgetRuleChange,
} from '../budget-rule-store.ts';
import type { SqlDatabase } from './sql-database.ts';

interface RuleRow {
  id: string;
  scope: StoredBudgetRule['scope'];
  match: string | null;
  limit_nanos: number | string;
  period: StoredBudgetRule['period'];
  mode: 'hard' | 'soft';
  created_at: number | string;
  created_by: string;
  updated_at: number | string;
  updated_by: string;
  revoked_at: number | string | null;
  revoked_by: string | null;
}

const columns =
  'id, scope, match, limit_nanos, period, mode, created_at, created_by, updated_at, updated_by, revoked_at, revoked_by';

// PostgreSQL returns bigint as text; every value here is an integer well inside 2^63.
function toRule(row: RuleRow): StoredBudgetRule {
  return {
    id: row.id,
    scope: row.scope,
    match: row.match,
    limitNanos: Number(row.limit_nanos),
    period: row.period,
    hard: row.mode === 'hard',
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

/** Budgets made through the admin API, in SQLite or PostgreSQL; parameterised statements only. */
export class SqlBudgetRuleStore implements BudgetRuleStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async insert(rule: StoredBudgetRule): Promise<void> {
    await this.#database.run(
      `INSERT INTO budget_rules (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        rule.id,
        rule.scope,
        rule.match,
        rule.limitNanos,
        rule.period,
        rule.hard ? 'hard' : 'soft',
        rule.createdAt,
        rule.createdBy,
        rule.updatedAt,
        rule.updatedBy,
        rule.revokedAt,
        rule.revokedBy,
      ],
    );
  }

  async find(id: string): Promise<StoredBudgetRule | undefined> {
    const rows = await this.#database.rows<RuleRow>(
      `SELECT ${columns} FROM budget_rules WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : toRule(row);
  }

  async list(): Promise<StoredBudgetRule[]> {
    const rows = await this.#database.rows<RuleRow>(
      `SELECT ${columns} FROM budget_rules ORDER BY created_at, id`,
      [],
    );
    return rows.map(toRule);
  }

  async listActive(): Promise<StoredBudgetRule[]> {
    const rows = await this.#database.rows<RuleRow>(
      `SELECT ${columns} FROM budget_rules WHERE revoked_at IS NULL ORDER BY created_at, id`,
      [],
    );
    return rows.map(toRule);
  }

  async update(
    id: string,
    change: StoredBudgetRuleChange,
    at: number,
    by: string,
  ): Promise<StoredBudgetRule | undefined> {
    const mode = change.hard === undefined ? null : change.hard ? 'hard' : 'soft';
    const rows = await this.#database.rows<RuleRow>(
      `UPDATE budget_rules
       SET limit_nanos = COALESCE($2, limit_nanos), mode = COALESCE($3, mode),
           updated_at = $4, updated_by = $5
       WHERE id = $1 AND revoked_at IS NULL
       RETURNING ${columns}`,
      [id, change.limitNanos ?? null, mode, at, by],
    );
    const row = rows[0];
    return row === undefined ? undefined : toRule(row);
  }

  async revoke(id: string, at: number, by: string): Promise<StoredBudgetRule | undefined> {
    const rows = await this.#database.rows<RuleRow>(
      `UPDATE budget_rules SET revoked_at = $2, revoked_by = $3, updated_at = $2, updated_by = $3
       WHERE id = $1 AND revoked_at IS NULL
       RETURNING ${columns}`,
      [id, at, by],
    );
    const row = rows[0];
    return row === undefined ? undefined : toRule(row);
  }
}
