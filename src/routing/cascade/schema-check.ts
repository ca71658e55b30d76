import type { AcceptanceCheck, AcceptanceVerdict, CascadeAnswer } from './acceptance-verdict.ts';

/**
 * A validator of an answer's text against the JSON schema the client requested, injected by the
 * caller (the gateway builds one from its policy's @cfworker/json-schema validator; this layer
 * may not import the pipeline). `paths` lists the instance paths (with messages) that failed;
 * it is empty when `valid`. A validator must not throw on text that is not JSON.
 */
export type AnswerSchemaValidator = (text: string) => {
  readonly valid: boolean;
  readonly paths: readonly string[];
};

/** How many failing paths a reason quotes at most. */
const quotedPaths = 3;

/** Strips one surrounding Markdown code fence (```json … ```), which models often add. */
export function stripCodeFence(text: string): string {
  const fenced = /^\s*```[a-zA-Z0-9_-]*\s*\n([\s\S]*?)\n?\s*```\s*$/u.exec(text);
  return fenced?.[1] ?? text;
}

export interface SchemaCheckOptions {
  /** Validate the text inside a single surrounding code fence (default true). */
  readonly unwrapCodeFence?: boolean;
}

/** Rejects an answer that does not validate; passes (skipped) when no validator is supplied. */
export function checkAnswerSchema(
  answer: CascadeAnswer,
  validator: AnswerSchemaValidator | undefined,
  options: SchemaCheckOptions = {},
): AcceptanceVerdict {
  const check = 'json-schema';
  if (validator === undefined) {
    return { check, accepted: true, reason: 'no schema was requested', skipped: true };
  }
  const text = (options.unwrapCodeFence ?? true) ? stripCodeFence(answer.text) : answer.text;
  const result = validator(text);
  if (result.valid) {
    return {
      check,
      accepted: true,
      reason: 'the answer matches the requested schema',
      confidence: 1,
    };
  }
  const shown = result.paths.slice(0, quotedPaths).join('; ');
  const more =
    result.paths.length > quotedPaths ? ` (+${result.paths.length - quotedPaths} more)` : '';
  return {
    check,
    accepted: false,
    reason:
      result.paths.length === 0
        ? 'the answer does not match the requested schema'
        : `the answer does not match the requested schema: ${shown}${more}`,
    confidence: 0,
  };
}

export function schemaCheck(
  validator: AnswerSchemaValidator | undefined,
  options: SchemaCheckOptions = {},
): AcceptanceCheck {
  return {
    name: 'json-schema',
    stage: 'local',
    run: (answer) => checkAnswerSchema(answer, validator, options),
  };
}
