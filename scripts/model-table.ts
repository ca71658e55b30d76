// The model capability and price table of docs/providers.md, rendered from data/model-facts.json.
// `npm run docs:models` rewrites the table between its markers; a docs test checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { builtInModelFacts } from '../src/config/load-model-facts.ts';
import { toModelFactsLayer } from '../src/config/model-facts-schema.ts';
import { resolveModelFacts, type ModelFacts } from '../src/providers/model-facts.ts';
import { providerTypes } from '../src/providers/provider-types.ts';

export const tableBegin = '<!-- models:begin -->';
export const tableEnd = '<!-- models:end -->';

function flag(value: boolean | undefined): string {
  return value === undefined ? '?' : value ? 'yes' : 'no';
}

function tokens(value: number | undefined): string {
  if (value === undefined) return '?';
  return value >= 1000 ? `${Math.round(value / 1000)}k` : String(value);
}

function price(value: number | undefined): string {
  return value === undefined ? '' : `$${value}`;
}

function row(type: string, model: string, facts: ModelFacts): string {
  const cost = facts.price;
  return `| \`${type}\` | \`${model}\` | ${flag(facts.tools)} | ${flag(facts.vision)} | ${flag(facts.jsonSchema)} | ${flag(facts.reasoning)} | ${tokens(facts.contextWindow)} | ${tokens(facts.maxOutputTokens)} | ${price(cost?.input)} | ${price(cost?.output)} | ${price(cost?.cacheRead)} | ${price(cost?.cacheWrite)} |`;
}

/** The table, one row per model each provider type offers out of the box. */
export function renderModelTable(): string {
  const table = builtInModelFacts().providers;
  const lines = [
    '| type | model | tools | vision | JSON schema | reasoning | context | max output | input $/1M | output $/1M | cache read $/1M | cache write $/1M |',
    '|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const type of providerTypes) {
    const layer = toModelFactsLayer(table[type.type] ?? {});
    for (const model of type.catalog) {
      lines.push(row(type.type, model.name, resolveModelFacts([layer], model.name)));
    }
  }
  return lines.join('\n');
}

/** docs/providers.md with the table replaced by the current one. */
export function withCurrentModelTable(markdown: string): string {
  const start = markdown.indexOf(tableBegin);
  const end = markdown.indexOf(tableEnd);
  if (start === -1 || end === -1) throw new Error('docs/providers.md has no model table markers');
  return `${markdown.slice(0, start + tableBegin.length)}\n\n${renderModelTable()}\n\n${markdown.slice(end)}`;
}

if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')
) {
  const path = new URL('../docs/providers.md', import.meta.url);
  writeFileSync(path, withCurrentModelTable(readFileSync(path, 'utf8')));
}
