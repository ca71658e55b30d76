/**
 * A check of a finished answer's text against the structure the client asked for (its JSON
 * schema, or just "a JSON object"), set by a policy that validates structured output.
 */
export interface AnswerSchemaCheck {
  /**
   * What is wrong with the text, at most a few entries (`<instance path>: <message>`); empty when
   * it conforms. Never quotes the text. Pure.
   */
  problems(text: string): readonly string[];
  /** What a non-conforming answer does: try the next deployment, or fail the request. */
  readonly onInvalid: 'fallback' | 'error';
}

/** Whether an answer was checked against its schema, and how it went. */
export type AnswerSchemaOutcome = 'valid' | 'invalid';
