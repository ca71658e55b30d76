import type { AcceptanceCheck, AcceptanceVerdict, CascadeAnswer } from './acceptance-verdict.ts';

/** The combined decision over a cheap model's answer. */
export interface AcceptanceDecision {
  /** Return the cheap answer (true) or escalate to the strong model (false). */
  readonly accepted: boolean;
  /** One line per check that ran, in the order they ran: `<check>: <reason>`. */
  readonly reasons: readonly string[];
  /** Every verdict, in the order the checks ran (a rejection stops the run). */
  readonly verdicts: readonly AcceptanceVerdict[];
  /**
   * The least confidence any check that ran reported (the weakest link), in [0, 1]; undefined
   * when no check reported one. A rejection without a number of its own gives 0.
   */
  readonly confidence: number | undefined;
}

const stageOrder = { local: 0, model: 1 } as const;

/** The checks in the order they run: local checks first, model (judge) checks last, stable. */
export function orderChecks(checks: readonly AcceptanceCheck[]): AcceptanceCheck[] {
  return checks
    .map((check, index) => ({ check, index }))
    .sort(
      (left, right) =>
        stageOrder[left.check.stage] - stageOrder[right.check.stage] || left.index - right.index,
    )
    .map((entry) => entry.check);
}

/**
 * Runs the checks over `answer` (local ones first, the judge last) and stops at the first
 * rejection, so that a cheap rejection never pays for a judge call. With no checks, the answer is
 * accepted.
 */
export async function evaluateAcceptance(
  answer: CascadeAnswer,
  checks: readonly AcceptanceCheck[],
): Promise<AcceptanceDecision> {
  const verdicts: AcceptanceVerdict[] = [];
  let confidence: number | undefined;
  for (const check of orderChecks(checks)) {
    const verdict = await check.run(answer);
    verdicts.push(verdict);
    const own = verdict.confidence ?? (verdict.accepted ? undefined : 0);
    if (own !== undefined) confidence = confidence === undefined ? own : Math.min(confidence, own);
    if (!verdict.accepted) {
      return { accepted: false, reasons: reasonsOf(verdicts), verdicts, confidence };
    }
  }
  return { accepted: true, reasons: reasonsOf(verdicts), verdicts, confidence };
}

function reasonsOf(verdicts: readonly AcceptanceVerdict[]): string[] {
  return verdicts.map((verdict) => `${verdict.check}: ${verdict.reason}`);
}
