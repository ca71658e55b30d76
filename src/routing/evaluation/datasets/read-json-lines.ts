import { safeParseJson } from '../../../lib/json.ts';

/** The JSON values of a JSON Lines text (blank lines skipped); throws naming the bad line. */
export function parseJsonLines(text: string, source: string): unknown[] {
  return text
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      const parsed = safeParseJson(line);
      if (!parsed.ok) throw new Error(`${source}:${number}: ${parsed.message}`);
      return parsed.value;
    });
}

/** One JSON document; throws naming the source on a syntax error. */
export function parseJsonDocument(text: string, source: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.message}`);
  return parsed.value;
}
