import type { ASTNode } from '@marcbachmann/cel-js';
import { describePosition } from './describe-rule-expression-error.ts';

/** The CEL macros that evaluate their body once per element of a list or key of a map. */
const iteratingMacros: ReadonlySet<unknown> = new Set([
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
]);

/** The part of a parsed node this walk reads; everything else in the AST is opaque to it. */
interface NodeShape {
  readonly op: string;
  readonly args: unknown;
  readonly pos: number;
}

/**
 * Finds the first construct whose cost could grow out of proportion with client input, and
 * returns one line saying what and where; undefined when there is none. Two are refused:
 *
 * - `matches()`: a regular expression can backtrack exponentially on a crafted client string
 *   (`"^(a+)+$"` takes seconds on 30 characters), and JavaScript has no linear-time engine.
 * - an iterating macro (`all`, `exists`, `exists_one`, `map`, `filter`) inside another's body:
 *   nesting multiplies list sizes (four nested macros over 64 tags are 16 million steps).
 *
 * Without them, every macro runs its body at most once per element of one capped list, so the
 * cost of one evaluation has a bound that no client input can raise. Pure; never throws.
 */
export function findUnboundedConstruct(root: ASTNode, text: string): string | undefined {
  return visit(root, undefined, text);
}

function visit(
  node: unknown,
  enclosingMacro: string | undefined,
  text: string,
): string | undefined {
  if (!isNode(node) || node.op === 'value' || node.op === 'id') {
    return undefined;
  }
  if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args)) {
    const name: unknown = node.args[0];
    if (name === 'matches') {
      const nameOffset = text.indexOf('matches', node.pos);
      return (
        `matches() is not allowed ${describePosition(text, nameOffset < 0 ? node.pos : nameOffset)}` +
        ': regular expressions can take exponential time; use startsWith, endsWith or contains'
      );
    }
    if (node.op === 'rcall' && typeof name === 'string' && iteratingMacros.has(name)) {
      if (enclosingMacro !== undefined) {
        return (
          `"${name}" inside "${enclosingMacro}" is not allowed ${describePosition(text, node.pos)}` +
          ': nested iteration multiplies list sizes; test membership with "in" instead'
        );
      }
      // The receiver is evaluated once; only the arguments are evaluated per element.
      return visit(node.args[1], enclosingMacro, text) ?? visitAll(node.args[2], name, text);
    }
  }
  return visitAll(node.args, enclosingMacro, text);
}

/** Visits every node in `value`, which may be a node or nested arrays of nodes (map entries). */
function visitAll(
  value: unknown,
  enclosingMacro: string | undefined,
  text: string,
): string | undefined {
  if (!Array.isArray(value)) {
    return visit(value, enclosingMacro, text);
  }
  for (const entry of value) {
    const found = visitAll(entry, enclosingMacro, text);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

function isNode(value: unknown): value is NodeShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<NodeShape>).op === 'string' &&
    typeof (value as Partial<NodeShape>).pos === 'number'
  );
}
