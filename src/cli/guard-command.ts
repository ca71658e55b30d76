import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import { builtInClassIds } from '../pipeline/guardrails/detector-registry.ts';
import { scoreInjection } from '../pipeline/guardrails/injection/detect-injection.ts';
import { scanText } from '../pipeline/guardrails/scan-text.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const guardUsage = `Usage: signalbox guard scan --input FILE.jsonl [options]

Reads one {"text": "..."} object per line and prints one JSON line per input line:
  {"line": N, "findings": [{"type", "start", "end"}], "injection_score": NUMBER|null}
Offsets are UTF-16 indices into "text". Matched values are never printed. A line that is not a
JSON object with a string "text" is reported on standard error as "line N: ..." and skipped;
the exit status is then 1. Blank lines are ignored.

Options:
  --input FILE           the JSONL file to scan (required)
  --classes a,b          data classes to look for (default all: ${builtInClassIds.join(', ')})
  --time-budget-ms N     time allowance per line (default 1000); "timed_out": true marks a cut-short scan`;

/** The scanner's view of one input line, or why the line cannot be scanned (no text quoted). */
function readLineText(line: string): { text: string } | { problem: string } {
  const parsed = safeParseJson(line);
  // V8's parse messages quote the input, so the reason stays generic.
  if (!parsed.ok) return { problem: 'not valid JSON' };
  if (!isJsonObject(parsed.value)) return { problem: 'not a JSON object' };
  const text = parsed.value.text;
  if (typeof text !== 'string') return { problem: 'needs a string "text" member' };
  return { text };
}

function readClasses(value: string | undefined): readonly string[] {
  if (value === undefined) return builtInClassIds;
  const classes = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = classes.filter((name) => !builtInClassIds.includes(name));
  if (unknown.length > 0 || classes.length === 0) {
    throw new UsageError(`--classes takes some of: ${builtInClassIds.join(', ')}`);
  }
  return classes;
}

/** The injection score, or null when the scorer cannot run (its model is missing or broken). */
function injectionScoreOf(text: string, warn: (message: string) => void): number | null {
  try {
    return scoreInjection(text);
  } catch (error) {
    warn(
      `injection scoring unavailable: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
    return null;
  }
}

/** `signalbox guard scan`: runs the data-class detectors and injection scorer over a JSONL file. */
export function guardCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      input: { type: 'string' },
      classes: { type: 'string' },
      'time-budget-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (action !== 'scan') throw new UsageError('guard needs an action: scan');
  if (values.input === undefined) throw new UsageError('guard scan needs --input FILE.jsonl');
  const classes = readClasses(values.classes);
  const timeBudgetMs = Number(values['time-budget-ms'] ?? '1000');
  if (!Number.isFinite(timeBudgetMs) || timeBudgetMs <= 0) {
    throw new UsageError('--time-budget-ms must be a positive number');
  }
  let content: string;
  try {
    content = readFileSync(values.input, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    io.error(`cannot read ${values.input} (${reason})`);
    return Promise.resolve(1);
  }
  let warned = false;
  const warnOnce = (message: string): void => {
    if (!warned) io.error(message);
    warned = true;
  };
  let failures = 0;
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const number = index + 1;
    const input = readLineText(line);
    if ('problem' in input) {
      io.error(`line ${String(number)}: ${input.problem}`);
      failures += 1;
      return;
    }
    const result = scanText(input.text, { classes, timeBudgetMs });
    const findings = result.findings.map(({ type, start, end }) => ({ type, start, end }));
    io.out(
      JSON.stringify({
        line: number,
        findings,
        injection_score: injectionScoreOf(input.text, warnOnce),
        ...(result.timedOut ? { timed_out: true } : {}),
      }),
    );
  });
  return Promise.resolve(failures === 0 ? 0 : 1);
}
