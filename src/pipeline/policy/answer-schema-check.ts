import type * as JsonSchema from '@cfworker/json-schema';
import type { AnswerSchemaCheck } from '../../canonical/answer-schema-check.ts';
import type { ResponseFormat } from '../../canonical/chat-request.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import { loadPackage } from '../../lib/load-package.ts';
import { unsafeSchemaReason } from './output-schema-limits.ts';

/** How many problems an invalid answer's error lists. */
export const maximumListedProblems = 5;

/** What a policy's `output.json_schema` does with an answer that does not conform. */
export type OnInvalidAnswer = AnswerSchemaCheck['onInvalid'];

function refuse(reason: string): never {
  throw new GatewayError('SB_ERR_REQUEST_SCHEMA_UNSAFE', { detail: `${reason}.` });
}

/**
 * The failures worth reporting: the innermost ones (a failure whose schema location contains
 * another's only says that something below it failed), at most `maximumListedProblems`, each as
 * `<instance path>: fails "<keyword>" at <schema path>`. Built from locations and keywords only,
 * so no value of the answer is ever quoted.
 */
function describeFailures(errors: readonly JsonSchema.OutputUnit[]): string[] {
  const innermost = errors.filter(
    (error) =>
      !errors.some(
        (other) => other !== error && other.keywordLocation.startsWith(`${error.keywordLocation}/`),
      ),
  );
  return (innermost.length > 0 ? innermost : errors)
    .slice(0, maximumListedProblems)
    .map(
      (error) => `${error.instanceLocation}: fails "${error.keyword}" at ${error.keywordLocation}`,
    );
}

/** Parses an answer, or says why it is not JSON. */
function parseAnswer(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const parsed = safeParseJson(text);
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, problem: '#: not valid JSON' };
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The check of answers against the output format a client asked for, or undefined when it asked
 * for none (or for plain text). `json-object` checks that the answer is one JSON object;
 * `json-schema` validates it with an interpreting validator (no code is generated from the
 * client's schema). Throws `GatewayError` `SB_ERR_REQUEST_SCHEMA_UNSAFE` (400) for a schema that
 * is too large, too deep, holds a pattern outside the linear-time subset, or cannot be compiled.
 */
export function compileAnswerSchemaCheck(
  format: ResponseFormat | undefined,
  onInvalid: OnInvalidAnswer,
): AnswerSchemaCheck | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json-object') {
    return {
      onInvalid,
      problems: (text) => {
        const parsed = parseAnswer(text);
        if (!parsed.ok) return [parsed.problem];
        return isObject(parsed.value) ? [] : ['#: not a JSON object'];
      },
    };
  }
  const unsafe = unsafeSchemaReason(format.schema);
  if (unsafe !== undefined) refuse(unsafe);
  // Loaded with the first JSON schema a client asks answers to follow.
  const { Validator } = loadPackage('@cfworker/json-schema') as typeof JsonSchema;
  let validator: JsonSchema.Validator;
  try {
    // The validator annotates the schema it is given; it gets its own copy.
    validator = new Validator(structuredClone(format.schema), '2020-12', false);
  } catch (error) {
    refuse(`the schema cannot be compiled (${error instanceof Error ? error.message : 'invalid'})`);
  }
  return {
    onInvalid,
    problems: (text) => {
      const parsed = parseAnswer(text);
      if (!parsed.ok) return [parsed.problem];
      try {
        const result = validator.validate(parsed.value);
        return result.valid ? [] : describeFailures(result.errors);
      } catch {
        // A pathological answer (nesting deep enough to exhaust the stack) is not a conforming one.
        return ['#: could not be validated'];
      }
    },
  };
}
