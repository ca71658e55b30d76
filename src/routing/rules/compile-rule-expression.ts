import type * as Cel from '@marcbachmann/cel-js';
import { loadPackage } from '../../lib/load-package.ts';
import { describeRuleExpressionError } from './describe-rule-expression-error.ts';
import { findUnboundedConstruct } from './find-unbounded-construct.ts';
import type { RuleFacts } from './rule-facts.ts';

/** What one rule expression said about one request. */
export interface RuleOutcome {
  readonly matched: boolean;
  /** Set when evaluation failed (a missing map key, a division by zero); `matched` is then false. */
  readonly error?: string;
}

/** A rule expression ready to evaluate, or why it was refused (one short line). */
export type CompiledRuleExpression =
  | { readonly ok: true; readonly evaluate: (facts: RuleFacts) => RuleOutcome }
  | { readonly ok: false; readonly message: string };

/**
 * Limits on a rule expression. With the caps of `ruleFactLimits` on the facts they bound the work
 * of one evaluation (see `compileRuleExpression`).
 */
export const ruleExpressionLimits = {
  /** Characters of expression text; checked before parsing. */
  maxTextLength: 2000,
  maxAstNodes: 256,
  /** Nesting of calls, selections, indexes, parentheses and literals. */
  maxDepth: 32,
  maxListElements: 256,
  maxMapEntries: 256,
  maxCallArguments: 8,
} as const;

/**
 * The one CEL environment every rule is checked and evaluated in. It declares exactly the
 * variables of `RuleFacts` with their types, so an unknown variable or field, or an operator on
 * the wrong type, fails when the config loads rather than per request. Module-private, so nothing
 * can register functions on it. Built, and the CEL library loaded, with the first rule expression
 * compiled: a configuration without expressions never loads it.
 * @see https://github.com/google/cel-spec/blob/master/doc/langdef.md
 */
let sharedEnvironment: Cel.Environment | undefined;

function ruleEnvironment(): Cel.Environment {
  sharedEnvironment ??= createRuleEnvironment();
  return sharedEnvironment;
}

function createRuleEnvironment(): Cel.Environment {
  const { Environment } = loadPackage('@marcbachmann/cel-js') as typeof Cel;
  return new Environment({
    unlistedVariablesAreDyn: false,
    enableOptionalTypes: false,
    limits: {
      maxAstNodes: ruleExpressionLimits.maxAstNodes,
      maxDepth: ruleExpressionLimits.maxDepth,
      maxListElements: ruleExpressionLimits.maxListElements,
      maxMapEntries: ruleExpressionLimits.maxMapEntries,
      maxCallArguments: ruleExpressionLimits.maxCallArguments,
    },
  })
    .registerVariable({
      name: 'request',
      schema: {
        model: 'string',
        operation: 'string',
        dialect: 'string',
        stream: 'bool',
        tools: 'bool',
        json: 'bool',
        images: 'bool',
        audio: 'bool',
        files: 'bool',
        reasoning: 'bool',
        input_tokens: 'int',
        max_tokens: 'int',
        user: 'string',
        metadata: 'map<string, string>',
        region: 'string',
        tags: 'list<string>',
      },
    })
    .registerVariable({ name: 'headers', type: 'map<string, string>' })
    .registerVariable({
      name: 'key',
      schema: { id: 'string', name: 'string', team: 'string', tags: 'list<string>' },
    });
}

/** Config reloads recompile every rule; most texts are unchanged, so results are kept by text. */
const compiledByText = new Map<string, CompiledRuleExpression>();
/** Bounds the cache across many reloads with changing rules; the oldest entry goes first. */
const maxCachedExpressions = 1024;

const matched: RuleOutcome = Object.freeze({ matched: true });
const notMatched: RuleOutcome = Object.freeze({ matched: false });

/**
 * Compiles a routing rule's `when` expression, written in the Common Expression Language (CEL),
 * against the variables of `RuleFacts`. Refused, with one short line saying what and where
 * (`unknown field "nope" at column 9`): text over 2000 characters, syntax errors, expressions over
 * the parse limits (`ruleExpressionLimits`), unknown variables or fields, type errors, a result
 * that is not `bool`, `matches()`, and iterating macros nested in one another.
 *
 * The expression is parsed into an AST and interpreted; no JavaScript is generated or run. CEL
 * has no loops, recursion or user functions; its macros iterate once over a list or map. With the
 * two refusals above, each macro body runs at most once per element of one list, every list is
 * capped by `toCelContext` (64 entries; a `split` of a capped 1024-character string at most 1025)
 * or is a literal within the 256-node limit, so evaluation cost is bounded by a constant,
 * whatever the client sends. A typical three-clause rule takes one to two microseconds; a
 * deliberately pathological one (inside a macro, `in` against a list concatenated dozens of times)
 * can take tens of milliseconds, which is accepted because rule authors are config authors.
 *
 * `evaluate` is synchronous and never throws: a runtime error (a missing map key, a division by
 * zero, an integer overflow) gives `{ matched: false, error }`. Results are cached by text, so
 * compiling the same text again returns the same object. Never throws.
 */
export function compileRuleExpression(text: string): CompiledRuleExpression {
  const cached = compiledByText.get(text);
  if (cached !== undefined) {
    return cached;
  }
  const compiled = compile(text);
  if (typeof text === 'string') {
    if (compiledByText.size >= maxCachedExpressions) {
      const oldest = compiledByText.keys().next();
      if (oldest.done !== true) {
        compiledByText.delete(oldest.value);
      }
    }
    compiledByText.set(text, compiled);
  }
  return compiled;
}

function compile(text: unknown): CompiledRuleExpression {
  if (typeof text !== 'string') {
    return { ok: false, message: 'expression must be text' };
  }
  if (text.length > ruleExpressionLimits.maxTextLength) {
    return {
      ok: false,
      message: `expression too long (${text.length} characters; at most ${ruleExpressionLimits.maxTextLength})`,
    };
  }
  if (text.trim() === '') {
    return { ok: false, message: 'expression is empty' };
  }
  let parsed: Cel.ParseResult;
  try {
    parsed = ruleEnvironment().parse(text);
  } catch (error) {
    return { ok: false, message: describeRuleExpressionError(error, text) };
  }
  const checked = parsed.check();
  if (!checked.valid) {
    return { ok: false, message: describeRuleExpressionError(checked.error, text) };
  }
  if (checked.type !== 'bool') {
    return {
      ok: false,
      message: `expression must give a bool (true or false), not ${checked.type ?? 'unknown'}`,
    };
  }
  const unbounded = findUnboundedConstruct(parsed.ast, text);
  if (unbounded !== undefined) {
    return { ok: false, message: unbounded };
  }
  return { ok: true, evaluate: (facts) => evaluate(parsed, facts, text) };
}

function evaluate(parsed: Cel.ParseResult, facts: RuleFacts, text: string): RuleOutcome {
  let result: unknown;
  try {
    result = parsed(facts);
  } catch (error) {
    return { matched: false, error: describeRuleExpressionError(error, text) };
  }
  if (typeof result !== 'boolean') {
    // The type check makes this unreachable; kept so a library change cannot match by accident.
    return { matched: false, error: 'expression did not give a bool' };
  }
  return result ? matched : notMatched;
}
