import type * as Cel from '@marcbachmann/cel-js';
import { loadPackage } from '../../lib/load-package.ts';

/** Longest description returned; config errors and logs want one short line. */
const maxDescriptionLength = 200;

/** Plain words for the parser's limit names (`Exceeded maxDepth (32)`). */
const limitDescriptions: Readonly<Record<string, string>> = {
  maxAstNodes: 'expression too large (more than {} nodes)',
  maxDepth: 'nested too deeply (more than {} levels)',
  maxListElements: 'list literal too long (more than {} elements)',
  maxMapEntries: 'map literal too long (more than {} entries)',
  maxCallArguments: 'too many call arguments (more than {})',
};

/**
 * One short, human-readable line for an error thrown or returned by the CEL library while
 * parsing, checking or evaluating `text`: what is wrong and where, e.g.
 * `unknown field "nope" at column 9`. The library's multi-line caret excerpt and any stack trace
 * are dropped; whitespace is collapsed and the line is cut to 200 characters. Pure; never throws,
 * whatever `error` is.
 */
export function describeRuleExpressionError(error: unknown, text: string): string {
  // Loaded already: the errors described come from compiling or evaluating an expression.
  const cel = loadPackage('@marcbachmann/cel-js') as typeof Cel;
  if (
    error instanceof cel.ParseError ||
    error instanceof cel.TypeError ||
    error instanceof cel.EvaluationError
  ) {
    const start = error.range?.start;
    const what = explain(error, cel);
    return oneLine(start === undefined ? what : `${what} ${describePosition(text, start)}`);
  }
  if (error instanceof Error) {
    return oneLine(firstLine(error.message) || error.name);
  }
  return 'unexpected error';
}

/**
 * Where `offset` (0-based, in UTF-16 units) falls in `text`, as people count: `at column 9`, or
 * `at line 2, column 3` when the text has more than one line. Pure.
 */
export function describePosition(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = before.length - lineStart + 1;
  if (!text.includes('\n')) {
    return `at column ${column}`;
  }
  let line = 1;
  for (let index = before.indexOf('\n'); index >= 0; index = before.indexOf('\n', index + 1)) {
    line += 1;
  }
  return `at line ${line}, column ${column}`;
}

function explain(
  error: Cel.ParseError | Cel.TypeError | Cel.EvaluationError,
  cel: typeof Cel,
): string {
  // `summary` is the message without the caret excerpt the library appends.
  const summary = firstLine(error.summary);
  const named = /^[^:]+: (.+)$/.exec(summary)?.[1] ?? '';
  switch (error.code) {
    case 'unknown_variable':
      return `unknown variable "${named}"`;
    case 'no_such_key':
      return error instanceof cel.TypeError ? `unknown field "${named}"` : `no such key "${named}"`;
    case 'index_out_of_bounds':
      return 'list index out of bounds';
    case 'limit_exceeded': {
      const limit = /^Exceeded (\w+) \((\d+)\)$/.exec(summary);
      const template = limit === null ? undefined : limitDescriptions[limit[1] ?? ''];
      return template === undefined
        ? lowerFirst(summary)
        : template.replace('{}', limit?.[2] ?? '');
    }
    default:
      return error instanceof cel.ParseError
        ? `syntax error: ${lowerFirst(summary)}`
        : lowerFirst(summary);
  }
}

function firstLine(message: string): string {
  return message.trim().split('\n', 1)[0] ?? '';
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function oneLine(message: string): string {
  // Control characters would let an expression or a value break a log line.
  // eslint-disable-next-line no-control-regex
  const collapsed = message.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return collapsed.length <= maxDescriptionLength
    ? collapsed
    : `${collapsed.slice(0, maxDescriptionLength - 1)}…`;
}
