import type { AnswerSchemaCheck, AnswerSchemaOutcome } from '../canonical/answer-schema-check.ts';
import type { ChatResponse } from '../canonical/chat-response.ts';
import type { ChatStreamEvent } from '../canonical/chat-stream-event.ts';
import { GatewayError } from '../errors/gateway-error.ts';

/**
 * The failure for an answer text that does not conform to the client's schema, or undefined when
 * it conforms. The message lists the check's problems (locations and keywords, never the text).
 * With `on_invalid: error` the failure ends the plan; otherwise it falls back like other failures.
 */
function schemaFailure(check: AnswerSchemaCheck, text: string): GatewayError | undefined {
  const problems = check.problems(text);
  if (problems.length === 0) return undefined;
  return new GatewayError('SB_ERR_OUTPUT_SCHEMA_INVALID', {
    detail: `Problems: ${problems.join('; ')}.`,
    noFallback: check.onInvalid === 'error',
  });
}

/**
 * Checks a complete answer, choice by choice: a choice's text parts joined are its answer. A
 * choice with no text (a refusal, or only tool calls) is not checked: the model answered
 * something other than structured output, which the client handles as such. Returns `valid`
 * when some text was checked, undefined when none was; throws `SB_ERR_OUTPUT_SCHEMA_INVALID`.
 */
export function checkCompleteAnswer(
  answer: ChatResponse,
  check: AnswerSchemaCheck,
): AnswerSchemaOutcome | undefined {
  let outcome: AnswerSchemaOutcome | undefined;
  for (const choice of answer.choices) {
    const texts = choice.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
    if (texts.length === 0) continue;
    const failure = schemaFailure(check, texts.join(''));
    if (failure !== undefined) throw failure;
    outcome = 'valid';
  }
  return outcome;
}

/**
 * Checks a streamed answer as its events go to the client: text is collected per choice and
 * checked when the choice ends, before its end is delivered, so a non-conforming answer ends with
 * the dialect's error event instead of its normal end (the text already sent cannot be recalled).
 */
export class StreamAnswerCheck {
  readonly #check: AnswerSchemaCheck;
  readonly #texts = new Map<number, string>();
  #outcome: AnswerSchemaOutcome | undefined;

  constructor(check: AnswerSchemaCheck) {
    this.#check = check;
  }

  /** `valid` or `invalid` once some choice's text was checked; undefined before (or without text). */
  get outcome(): AnswerSchemaOutcome | undefined {
    return this.#outcome;
  }

  /** Looks at the next event; returns the failure to end the stream with, before `event`. */
  observe(event: ChatStreamEvent): GatewayError | undefined {
    if (event.type === 'text-delta') {
      this.#texts.set(event.choice, (this.#texts.get(event.choice) ?? '') + event.delta);
      return undefined;
    }
    if (event.type !== 'choice-end') return undefined;
    const text = this.#texts.get(event.choice);
    if (text === undefined) return undefined;
    this.#texts.delete(event.choice);
    const failure = schemaFailure(this.#check, text);
    if (failure !== undefined) {
      this.#outcome = 'invalid';
      return failure;
    }
    this.#outcome ??= 'valid';
    return undefined;
  }
}
