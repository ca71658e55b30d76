import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type {
  PromptLabelMove,
  PromptLabelTarget,
  PromptStore,
  PromptVersionRecord,
} from '../prompt-store.ts';
import type { SqlDatabase, SqlSession } from './sql-database.ts';

interface VersionRow {
  prompt_id: string;
  version: number | string;
  template: string;
  sha256: string;
  note: string;
  created_at: number | string;
  created_by: string;
}

interface MoveRow {
  seq: number | string;
  prompt_id: string;
  label: string;
  targets: string;
  moved_at: number | string;
  moved_by: string;
}

const versionColumns = 'prompt_id, version, template, sha256, note, created_at, created_by';
const moveColumns = 'seq, prompt_id, label, targets, moved_at, moved_by';

/**
 * How many times `addVersion` starts over after a concurrent add took its number. Each round at
 * least one of the competing writers commits, so this many concurrent adds of one prompt always
 * finish; more than that on one prompt at the same instant is not an admin workload.
 */
const maxAddAttempts = 20;

function toVersion(row: VersionRow): PromptVersionRecord {
  return {
    promptId: row.prompt_id,
    version: Number(row.version),
    template: row.template,
    sha256: row.sha256,
    note: row.note,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

/** The stored target list; it was written by `moveLabel`, so anything else is corruption. */
function parseTargets(text: string, seq: number): PromptLabelTarget[] {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !Array.isArray(parsed.value)) {
    throw new Error(`prompt label move ${String(seq)} has unreadable targets`);
  }
  return parsed.value.map((item: unknown) => {
    if (
      !isJsonObject(item) ||
      typeof item.version !== 'number' ||
      typeof item.weight !== 'number'
    ) {
      throw new Error(`prompt label move ${String(seq)} has an unreadable target`);
    }
    return { version: item.version, weight: item.weight };
  });
}

function toMove(row: MoveRow): PromptLabelMove {
  const seq = Number(row.seq);
  return {
    seq,
    promptId: row.prompt_id,
    label: row.label,
    targets: parseTargets(row.targets, seq),
    movedAt: Number(row.moved_at),
    movedBy: row.moved_by,
  };
}

/** A unique violation (a concurrent add took the version number) in either database. */
function isDuplicateVersion(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : '';
  return code === '23505' || /UNIQUE constraint failed|PRIMARY KEY/i.test(message);
}

/**
 * Prompt versions and label moves in SQLite or PostgreSQL; parameterised statements only. The
 * database refuses UPDATE and DELETE of a version (triggers), and the primary key on
 * `(prompt_id, version)` keeps two concurrent adds from sharing a number: the loser starts over.
 */
export class SqlPromptStore implements PromptStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async addVersion(
    version: Omit<PromptVersionRecord, 'version'>,
  ): Promise<{ readonly record: PromptVersionRecord; readonly created: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#database.transaction((session) => this.#addOnce(session, version));
      } catch (error) {
        if (attempt >= maxAddAttempts || !isDuplicateVersion(error)) throw error;
      }
    }
  }

  async #addOnce(
    session: SqlSession,
    version: Omit<PromptVersionRecord, 'version'>,
  ): Promise<{ readonly record: PromptVersionRecord; readonly created: boolean }> {
    const [newest] = await session.rows<VersionRow>(
      `SELECT ${versionColumns} FROM prompt_versions WHERE prompt_id = $1
       ORDER BY version DESC LIMIT 1`,
      [version.promptId],
    );
    if (newest?.sha256 === version.sha256) {
      return { record: toVersion(newest), created: false };
    }
    const record: PromptVersionRecord = {
      ...version,
      version: newest === undefined ? 1 : Number(newest.version) + 1,
    };
    await session.run(
      `INSERT INTO prompt_versions (${versionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.promptId,
        record.version,
        record.template,
        record.sha256,
        record.note,
        record.createdAt,
        record.createdBy,
      ],
    );
    return { record, created: true };
  }

  async #find(
    session: SqlSession,
    promptId: string,
    version: number,
  ): Promise<PromptVersionRecord | undefined> {
    const rows = await session.rows<VersionRow>(
      `SELECT ${versionColumns} FROM prompt_versions WHERE prompt_id = $1 AND version = $2`,
      [promptId, version],
    );
    const row = rows[0];
    return row === undefined ? undefined : toVersion(row);
  }

  findVersion(promptId: string, version: number): Promise<PromptVersionRecord | undefined> {
    // An integer column compared with a fraction or a huge number would fail in PostgreSQL.
    if (!Number.isSafeInteger(version) || version < 1) return Promise.resolve(undefined);
    return this.#find(this.#database, promptId, version);
  }

  async listVersions(promptId: string): Promise<PromptVersionRecord[]> {
    const rows = await this.#database.rows<VersionRow>(
      `SELECT ${versionColumns} FROM prompt_versions WHERE prompt_id = $1 ORDER BY version DESC`,
      [promptId],
    );
    return rows.map(toVersion);
  }

  moveLabel(move: Omit<PromptLabelMove, 'seq'>): Promise<PromptLabelMove> {
    const targets = move.targets.map((target) => ({
      version: target.version,
      weight: target.weight,
    }));
    return this.#database.transaction(async (session) => {
      for (const target of targets) {
        const known =
          Number.isSafeInteger(target.version) &&
          target.version > 0 &&
          (await this.#find(session, move.promptId, target.version)) !== undefined;
        if (!known) {
          throw new RangeError(
            `prompt ${move.promptId} has no version ${String(target.version)} to point ${move.label} at`,
          );
        }
      }
      const rows = await session.rows<MoveRow>(
        `INSERT INTO prompt_label_moves (prompt_id, label, targets, moved_at, moved_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${moveColumns}`,
        [move.promptId, move.label, JSON.stringify(targets), move.movedAt, move.movedBy],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the label move was not recorded');
      return toMove(row);
    });
  }

  async labelHistory(promptId: string, label?: string): Promise<PromptLabelMove[]> {
    const rows =
      label === undefined
        ? await this.#database.rows<MoveRow>(
            `SELECT ${moveColumns} FROM prompt_label_moves WHERE prompt_id = $1
             ORDER BY seq DESC`,
            [promptId],
          )
        : await this.#database.rows<MoveRow>(
            `SELECT ${moveColumns} FROM prompt_label_moves WHERE prompt_id = $1 AND label = $2
             ORDER BY seq DESC`,
            [promptId, label],
          );
    return rows.map(toMove);
  }

  async snapshot(): Promise<{
    readonly versions: readonly PromptVersionRecord[];
    readonly labels: readonly PromptLabelMove[];
  }> {
    // Moves first, then versions: a move commits after the versions it names, so every version
    // a move read here names is in the later read too (no transaction needed, and none taken,
    // since a SQLite transaction here would hold the write lock).
    const moves = await this.#database.rows<MoveRow>(
      `SELECT ${moveColumns} FROM prompt_label_moves WHERE seq IN
         (SELECT MAX(seq) FROM prompt_label_moves GROUP BY prompt_id, label)
       ORDER BY seq`,
      [],
    );
    const versions = await this.#database.rows<VersionRow>(
      `SELECT ${versionColumns} FROM prompt_versions ORDER BY prompt_id, version`,
      [],
    );
    return { versions: versions.map(toVersion), labels: moves.map(toMove) };
  }

  async revision(): Promise<number> {
    // Row counts rather than the largest move seq: in PostgreSQL a move can commit after one
    // with a larger seq, which would leave the largest seq (and so the revision) unchanged.
    // Neither table ever loses a row, so every commit makes the sum grow.
    const rows = await this.#database.rows<{ revision: number | string }>(
      `SELECT (SELECT COUNT(*) FROM prompt_versions) + (SELECT COUNT(*) FROM prompt_label_moves)
         AS revision`,
      [],
    );
    return Number(rows[0]?.revision ?? 0);
  }
}
