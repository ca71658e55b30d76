// What binding a many-row statement's values costs on SQLite: a ledger-sized INSERT (32 rows of
// 15 columns, 480 values) through `SqliteSqlDatabase`, which writes `$n` as anonymous `?`, beside
// the same statement with SQLite's numbered `?1`...`?480` on a bare `node:sqlite` connection.
// `node:sqlite` binds positional values by asking SQLite for each parameter's name, and SQLite
// finds a numbered parameter's name by a scan, so the numbered form costs time quadratic in the
// number of values. In-memory database; each round inserts 2,000 statements.
//
// Run: node bench/sqlite-parameter-binding.ts [--rows N] [--rounds N]
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { SqliteSqlDatabase } from '../src/storage/sqlite/sqlite-sql-database.ts';
import { median } from './sample-statistics.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '7' },
  },
});
const rows = Number(values.rows);
const rounds = Number(values.rounds);
const columns = 15;
const statements = 2_000;

const createTable = `CREATE TABLE t (${Array.from({ length: columns }, (_, index) => `c${String(index)}`).join(', ')})`;
const tuples = (placeholder: (index: number) => string): string =>
  Array.from(
    { length: rows },
    (_, row) =>
      `(${Array.from({ length: columns }, (__, column) => placeholder(row * columns + column + 1)).join(', ')})`,
  ).join(', ');
const params = Array.from({ length: rows * columns }, (_, index) =>
  index % 3 === 0 ? `text-${String(index)}` : index,
);

const gateway = new SqliteSqlDatabase(new DatabaseSync(':memory:'));
await gateway.run(createTable, []);
const gatewaySql = `INSERT INTO t VALUES ${tuples((index) => `$${String(index)}`)}`;

const bare = new DatabaseSync(':memory:');
bare.exec(createTable);
const numbered = bare.prepare(`INSERT INTO t VALUES ${tuples((index) => `?${String(index)}`)}`);

const through: number[] = [];
const numberedUs: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  await gateway.run('DELETE FROM t', []);
  let started = performance.now();
  for (let index = 0; index < statements; index += 1) await gateway.run(gatewaySql, params);
  through.push(((performance.now() - started) * 1000) / statements);
  bare.exec('DELETE FROM t');
  started = performance.now();
  for (let index = 0; index < statements; index += 1) {
    numbered.run(...(params as SQLInputValue[]));
  }
  numberedUs.push(((performance.now() - started) * 1000) / statements);
}
// The first round warms the compiler up; the median of the others is the figure.
const figure = (samples: number[]): string => median(samples.slice(1)).toFixed(1);
console.log(
  `${String(rows)} rows x ${String(columns)} columns per INSERT: ${figure(through)} µs per statement through SqliteSqlDatabase (anonymous ?), ${figure(numberedUs)} µs with numbered ?N on node:sqlite (medians of ${String(rounds - 1)} rounds of ${String(statements)})`,
);
await gateway.close();
bare.close();
