import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { canonicalJson } from '../audit/canonical-json.ts';
import { variableNamePattern } from './prompt-names.ts';

/** The types a template variable can have. */
export type PromptVariableType = 'string' | 'number' | 'integer' | 'boolean' | 'enum';

/** A declared variable, with the defaults of the optional fields filled in. */
export interface PromptVariable {
  readonly name: string;
  readonly type: PromptVariableType;
  /** True when a request must give it (no default, and not declared `required: false`). */
  readonly required: boolean;
  readonly default: string | number | boolean | undefined;
  /** The most characters (Unicode code points) a `string` value may have. */
  readonly maxLength: number;
  /** The allowed values of an `enum`; empty for other types. */
  readonly values: readonly string[];
}

/** One piece of a message: literal text, or the variable whose value goes there. */
export type PromptSegment = string | PromptVariable;

export interface PromptTemplateMessage {
  readonly role: 'system' | 'user' | 'assistant';
  /** The content split at its placeholders, in order. */
  readonly segments: readonly PromptSegment[];
}

/** A valid template, ready to render. Build it with `readPromptTemplateBody` or `readStoredTemplate`. */
export interface PromptTemplate {
  readonly messages: readonly PromptTemplateMessage[];
  /** By name; a Map, so that names such as `__proto__` or `constructor` are plain keys. */
  readonly variables: ReadonlyMap<string, PromptVariable>;
}

/** The largest template, as canonical JSON, in bytes. */
export const maxTemplateBytes = 64 * 1024;

/** A string variable's `max_length` when it declares none. */
export const defaultMaxLength = 32_768;

/**
 * A placeholder: `{{`, optional spaces or tabs, a variable name, optional spaces or tabs, `}}`.
 * Any other `{{…}}` is not a placeholder and stays in the text as written.
 */
export const placeholderPattern = /\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]{0,63})[ \t]*\}\}/g;

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().min(1, 'must not be empty'),
});

const bodySchema = z.strictObject({
  messages: z.array(messageSchema).min(1).max(100),
  // Checked member by member below: zod's records drop a `__proto__` member, a valid name here.
  variables: z.unknown().optional(),
  note: z.string().max(1000).optional(),
});

const variableSchema = z.strictObject({
  type: z.enum(['string', 'number', 'integer', 'boolean', 'enum']),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  max_length: z.int().min(1).max(100_000).optional(),
  values: z.array(z.string()).min(1).max(100).optional(),
  description: z.string().max(500).optional(),
});

type VariableDefinition = z.infer<typeof variableSchema>;

/** The number of Unicode code points of `text` (what a person counts as characters). */
export function characterCount(text: string, atMost: number): number {
  // Code points never outnumber UTF-16 units: count them only when the units are too many.
  if (text.length <= atMost) return text.length;
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    // A surrogate pair is one code point (a lone surrogate counts as one too).
    if ((text.codePointAt(index) ?? 0) > 0xffff) index += 1;
    count += 1;
  }
  return count;
}

function issuesOf(error: z.ZodError, prefix: readonly (string | number)[]): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map((segment) => String(segment)).join('.');
    return `${path === '' ? '(body)' : path}: ${issue.message}`;
  });
}

/** Why `value` is not a valid value of `variable`, or undefined when it is. */
export function valueProblem(variable: PromptVariable, value: unknown): string | undefined {
  switch (variable.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      return characterCount(value, variable.maxLength) > variable.maxLength
        ? `must be at most ${String(variable.maxLength)} characters`
        : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enum':
      return typeof value === 'string' && variable.values.includes(value)
        ? undefined
        : `must be one of ${variable.values.map((item) => JSON.stringify(item)).join(', ')}`;
  }
}

/** Checks one definition against its type; the written form keeps only the fields given. */
function readVariable(
  name: string,
  definition: VariableDefinition,
  problems: string[],
): PromptVariable {
  const at = `variables.${name}`;
  if (definition.type === 'enum') {
    if (definition.values === undefined) problems.push(`${at}.values: an enum needs its values`);
    else if (new Set(definition.values).size !== definition.values.length) {
      problems.push(`${at}.values: must be distinct`);
    }
  } else if (definition.values !== undefined) {
    problems.push(`${at}.values: only an enum has values`);
  }
  if (definition.max_length !== undefined && definition.type !== 'string') {
    problems.push(`${at}.max_length: only a string has a max_length`);
  }
  if (definition.required === true && definition.default !== undefined) {
    problems.push(`${at}.required: a variable with a default is optional`);
  }
  const variable: PromptVariable = {
    name,
    type: definition.type,
    required: definition.required ?? definition.default === undefined,
    default: definition.default,
    maxLength: definition.max_length ?? defaultMaxLength,
    values: definition.values ?? [],
  };
  if (definition.default !== undefined) {
    const problem = valueProblem(variable, definition.default);
    if (problem !== undefined) problems.push(`${at}.default: ${problem}`);
  }
  return variable;
}

/** The written definition without absent fields (canonical JSON has no `undefined`). */
function writtenDefinition(definition: VariableDefinition): Record<string, unknown> {
  return Object.fromEntries(Object.entries(definition).filter(([, item]) => item !== undefined));
}

function splitContent(
  content: string,
  variables: ReadonlyMap<string, PromptVariable>,
  declared: ReadonlySet<string>,
  at: string,
  problems: string[],
): PromptSegment[] {
  const segments: PromptSegment[] = [];
  const undeclared = new Set<string>();
  let offset = 0;
  for (const match of content.matchAll(placeholderPattern)) {
    const name = match[1] ?? '';
    const variable = variables.get(name);
    if (variable === undefined) {
      undeclared.add(name);
      continue;
    }
    if (match.index > offset) segments.push(content.slice(offset, match.index));
    segments.push(variable);
    offset = match.index + match[0].length;
  }
  if (offset < content.length) segments.push(content.slice(offset));
  for (const name of undeclared) {
    // A variable declared with a bad definition has its own problem already.
    if (declared.has(name)) continue;
    problems.push(`${at}: the placeholder {{ ${name} }} names no declared variable`);
  }
  return segments;
}

/** A template read from a body or from storage, with its canonical text and hash. */
export type PromptTemplateReading =
  | {
      readonly ok: true;
      readonly template: PromptTemplate;
      /** Canonical JSON of `{messages, variables}`: what is stored and hashed. */
      readonly text: string;
      /** SHA-256 of `text` (UTF-8), lowercase hex. */
      readonly sha256: string;
      /** The admin's note (not part of the template or its hash); empty when none. */
      readonly note: string;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads the body of `POST /admin/prompts/{id}/versions` (docs/prompts.md). Never throws: an
 * invalid body comes back with every problem found, each prefixed by the field at fault.
 */
export function readPromptTemplateBody(body: unknown): PromptTemplateReading {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, problems: issuesOf(parsed.error, []) };
  const problems: string[] = [];
  const rawVariables = parsed.data.variables ?? {};
  const variables = new Map<string, PromptVariable>();
  const declared = new Set<string>();
  const written: [string, Record<string, unknown>][] = [];
  if (!isJsonObject(rawVariables)) {
    problems.push('variables: must be an object of variable definitions');
  } else {
    const names = Object.keys(rawVariables);
    if (names.length > 100) problems.push('variables: at most 100 variables');
    for (const name of names.slice(0, 100)) {
      if (!variableNamePattern.test(name)) {
        problems.push(
          `variables: ${JSON.stringify(name.slice(0, 80))} is not a variable name (letters, digits, _; not starting with a digit; at most 64)`,
        );
        continue;
      }
      declared.add(name);
      const definition = variableSchema.safeParse(rawVariables[name]);
      if (!definition.success) {
        problems.push(...issuesOf(definition.error, ['variables', name]));
        continue;
      }
      variables.set(name, readVariable(name, definition.data, problems));
      written.push([name, writtenDefinition(definition.data)]);
    }
  }
  const messages = parsed.data.messages;
  const firstOther = messages.findIndex((message) => message.role !== 'system');
  messages.forEach((message, index) => {
    if (message.role === 'system' && firstOther !== -1 && index > firstOther) {
      problems.push(`messages.${String(index)}.role: system messages come before all others`);
    }
  });
  const compiled = messages.map((message, index) => ({
    role: message.role,
    segments: splitContent(
      message.content,
      variables,
      declared,
      `messages.${String(index)}.content`,
      problems,
    ),
  }));
  let text = '';
  try {
    text = canonicalJson({
      messages: messages.map((message) => ({ role: message.role, content: message.content })),
      variables: Object.fromEntries(written),
    });
  } catch (error) {
    problems.push(`(body): ${error instanceof Error ? error.message : 'not representable'}`);
  }
  if (Buffer.byteLength(text) > maxTemplateBytes) {
    problems.push(
      `(body): the template may be at most ${String(maxTemplateBytes / 1024)} KiB as JSON`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    template: { messages: compiled, variables },
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    note: parsed.data.note ?? '',
  };
}

/**
 * Reads a stored template text back (it was valid when stored). Never throws; a text this
 * version of Signalbox reads differently comes back with its problems.
 */
export function readStoredTemplate(text: string): PromptTemplateReading {
  const parsed = safeParseJson(text);
  if (!parsed.ok) return { ok: false, problems: [`(stored): ${parsed.message}`] };
  if (isJsonObject(parsed.value) && 'note' in parsed.value) {
    return { ok: false, problems: ['(stored): a stored template has no note'] };
  }
  return readPromptTemplateBody(parsed.value);
}
