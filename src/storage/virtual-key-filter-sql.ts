import type { VirtualKeyFilter } from './ports.ts';

/**
 * The WHERE clause and parameters for a key filter, from constant fragments only (values are
 * always parameters). `placeholder(n)` writes the n-th parameter (`?` for SQLite, `$n` for
 * PostgreSQL). Pure.
 */
export function virtualKeyFilterSql(
  filter: VirtualKeyFilter,
  placeholder: (index: number) => string,
): { readonly where: string; readonly parameters: string[] } {
  const conditions: string[] = [];
  const parameters: string[] = [];
  if (filter.includeRevoked !== true) {
    conditions.push('revoked_at IS NULL');
  }
  const equalities: readonly [string, string | undefined][] = [
    ['org', filter.org],
    ['team', filter.team],
    ['owner_user', filter.ownerUser],
  ];
  for (const [column, value] of equalities) {
    if (value !== undefined) {
      parameters.push(value);
      conditions.push(`${column} = ${placeholder(parameters.length)}`);
    }
  }
  return {
    where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`,
    parameters,
  };
}
