import { readFileSync } from 'node:fs';
import { safeParseJson } from '../lib/json.ts';
import { parseDocument } from 'yaml';
import type { ConfigProblem } from './config-problem.ts';
import { modelFactsFileSchema, type ModelFactsFile } from './model-facts-schema.ts';

/** The built-in table shipped with Signalbox (`data/model-facts.json`). */
const builtInPath = new URL('../../data/model-facts.json', import.meta.url);

let builtIn: ModelFactsFile | undefined;

/**
 * The built-in model facts, read and validated once. Throws when the shipped file is missing or
 * invalid: that is a broken installation, not a configuration problem.
 */
export function builtInModelFacts(): ModelFactsFile {
  if (builtIn === undefined) {
    const json = safeParseJson(readFileSync(builtInPath, 'utf8'));
    const parsed = modelFactsFileSchema.safeParse(json.ok ? json.value : undefined);
    if (!parsed.success) {
      throw new Error(`data/model-facts.json is invalid: ${parsed.error.message}`);
    }
    builtIn = parsed.data;
  }
  return builtIn;
}

/**
 * An operator's model facts file (JSON or YAML, the built-in file's format). Never throws:
 * problems come back with the setting's path.
 */
export function readModelFactsFile(
  path: string,
): { ok: true; file: ModelFactsFile } | { ok: false; problems: ConfigProblem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return {
      ok: false,
      problems: [{ path: 'model_facts_file', message: `${path} cannot be read (${reason})` }],
    };
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: [{ path: 'model_facts_file', message: `${path} is not valid JSON or YAML` }],
    };
  }
  let raw: unknown;
  try {
    // toJS refuses alias expansions beyond the library's default count (alias bombs) by throwing.
    raw = document.toJS();
  } catch {
    return {
      ok: false,
      problems: [{ path: 'model_facts_file', message: `${path} expands too many YAML aliases` }],
    };
  }
  const parsed = modelFactsFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        path: ['model_facts_file', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    };
  }
  return { ok: true, file: parsed.data };
}
