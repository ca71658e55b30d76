import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { compileOperatorClasses } from '../guardrails/operator-classes.ts';
import { policyDocumentSchema, type PolicyDocument } from './policy-schema.ts';

/** A validated policy, ready to evaluate, and the version that names it. */
export interface CompiledPolicy {
  readonly name: string;
  /**
   * The policy version: SHA-256 of the document's canonical JSON (keys sorted, defaults
   * applied), so comments and formatting do not change it and any change of meaning does.
   */
  readonly version: string;
  readonly document: PolicyDocument;
  /** The YAML as written, for diffs and review. */
  readonly text: string;
  /** Data classes some rule looks for: what the detectors must scan for. */
  readonly scannedClasses: ReadonlySet<string>;
  /** Whether some rule looks at the prompt-injection score. */
  readonly usesInjectionScore: boolean;
  /** The answer guard, when the document's `output` names data classes. */
  readonly output:
    | {
        readonly classes: readonly string[];
        readonly action: 'mask' | 'block';
        readonly holdBack: number;
      }
    | undefined;
  /** Structured-output validation, when the document's `output.json_schema` turns it on. */
  readonly outputSchema: { readonly onInvalid: 'fallback' | 'error' } | undefined;
}

export type PolicyCompilation =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | { readonly ok: false; readonly problems: readonly string[] };

/** JSON with object keys sorted at every level: one text per meaning. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((segment) => String(segment)).join('.');
  return `${path === '' ? '(document)' : path}: ${issue.message}`;
}

/**
 * Characters an answer guard holds back: the longest word listed for a guarded class (a word
 * list's terms are bounded), else 256 (patterns and built-in classes have no fixed length).
 */
function outputHoldBack(document: PolicyDocument): number {
  const guarded = new Set(document.output?.data_classes ?? []);
  const lists = document.detectors.words.filter((list) => guarded.has(list.class));
  const onlyWordLists = [...guarded].every((name) => lists.some((list) => list.class === name));
  if (!onlyWordLists) return 256;
  return Math.max(1, ...lists.flatMap((list) => list.words.map((word) => word.length)));
}

/** Parses and validates a policy document (YAML or JSON). Never throws. */
export function compilePolicy(text: string): PolicyCompilation {
  const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    return { ok: false, problems: parsed.errors.map((error) => `(yaml) ${error.message}`) };
  }
  let raw: unknown;
  try {
    // toJS refuses alias expansions beyond the library's default count (alias bombs) by throwing.
    raw = parsed.toJS();
  } catch (error) {
    return {
      ok: false,
      problems: [`(yaml) ${error instanceof Error ? error.message : 'invalid YAML'}`],
    };
  }
  const result = policyDocumentSchema.safeParse(raw);
  if (!result.success) {
    return { ok: false, problems: result.error.issues.map(describeIssue) };
  }
  const document = result.data;
  const operatorClasses = compileOperatorClasses(
    document.detectors.patterns.map((entry) => ({ id: entry.class, pattern: entry.pattern })),
    document.detectors.words.map((entry) => ({ id: entry.class, words: entry.words })),
  );
  if (!operatorClasses.ok) {
    return {
      ok: false,
      problems: operatorClasses.problems.map((problem) => `detectors: ${problem}`),
    };
  }
  const scannedClasses = new Set<string>();
  let usesInjectionScore = false;
  for (const rule of document.rules) {
    rule.when.data_classes?.forEach((name) => scannedClasses.add(name));
    rule.redact?.classes.forEach((name) => scannedClasses.add(name));
    if (rule.when.injection_score_at_least !== undefined) usesInjectionScore = true;
  }
  return {
    ok: true,
    policy: {
      name: document.name,
      version: createHash('sha256').update(canonicalJson(document)).digest('hex'),
      document,
      text,
      scannedClasses,
      usesInjectionScore,
      output:
        document.output?.data_classes === undefined
          ? undefined
          : {
              classes: document.output.data_classes,
              action: document.output.action,
              holdBack: document.output.hold_back_chars ?? outputHoldBack(document),
            },
      outputSchema:
        document.output?.json_schema?.validate === true
          ? { onInvalid: document.output.json_schema.on_invalid }
          : undefined,
    },
  };
}
