import type { AcceptanceCheck, AcceptanceVerdict, CascadeAnswer } from './acceptance-verdict.ts';

/**
 * A judge model's opinion of an answer: the probability, in [0, 1], that `answer` is a correct
 * and acceptable answer to `question`. Supplied by the caller (a model call through the
 * gateway's own upstream); this module holds no network code.
 */
export type AnswerJudge = (question: string, answer: string) => Promise<number>;

export interface JudgeCheckOptions {
  /** The least judge score accepted, in [0, 1]. */
  readonly threshold: number;
  /**
   * What a judge that throws or returns a number outside [0, 1] means: escalate (the safe default,
   * the strong model answers) or accept the cheap answer.
   */
  readonly onJudgeFailure?: 'escalate' | 'accept' | undefined;
}

function failed(reason: string, options: JudgeCheckOptions): AcceptanceVerdict {
  const accept = options.onJudgeFailure === 'accept';
  return {
    check: 'judge',
    accepted: accept,
    reason: `${reason}; ${accept ? 'accepted' : 'escalated'}`,
    skipped: accept ? true : undefined,
  };
}

export async function checkWithJudge(
  answer: CascadeAnswer,
  judge: AnswerJudge,
  options: JudgeCheckOptions,
): Promise<AcceptanceVerdict> {
  let score: number;
  try {
    score = await judge(answer.question, answer.text);
  } catch (error) {
    return failed(`the judge failed (${error instanceof Error ? error.name : 'error'})`, options);
  }
  if (!Number.isFinite(score) || score < 0 || score > 1) {
    return failed('the judge returned a score outside [0, 1]', options);
  }
  const accepted = score >= options.threshold;
  return {
    check: 'judge',
    accepted,
    reason: `judge score ${score.toFixed(3)} is ${accepted ? 'at or above' : 'below'} ${options.threshold.toFixed(3)}`,
    confidence: score,
  };
}

export function judgeCheck(judge: AnswerJudge, options: JudgeCheckOptions): AcceptanceCheck {
  return {
    name: 'judge',
    stage: 'model',
    run: (answer) => checkWithJudge(answer, judge, options),
  };
}
