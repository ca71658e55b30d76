import type { AcceptanceCheck, AcceptanceVerdict, CascadeAnswer } from './acceptance-verdict.ts';

/**
 * Refusal detection over a finished answer. A refusal is recognised only in the answer's
 * *opening* (its first sentence or two, after markdown decoration), and only when little follows
 * it: "I can't help with that." is a refusal, while an answer that merely mentions the phrase
 * mid-text ("the bot replies 'I can't help with that'"), quotes it, or opens with a short
 * disclaimer before a substantial answer is not rejected.
 */

/** How much of the answer's start is searched for the refusal opening. */
const openingWindow = 240;
/** Text after the refusal sentence longer than this counts as a substantive answer. */
const substantiveRemainder = 400;

const apostrophe = "['’]";
const negatedAbility = [
  `can${apostrophe}?t`,
  'cannot',
  'can not',
  `won${apostrophe}t`,
  'will not',
  `(?:am|${apostrophe}m) (?:unable|not able|not allowed|not permitted|not going) to`,
  `(?:do not|don${apostrophe}t) (?:feel comfortable|think I (?:can|should))`,
  'must (?:decline|refuse|respectfully decline)',
  'have to (?:decline|refuse)',
].join('|');

const helpVerbs =
  'help|assist|provide|comply|do (?:that|this)|fulfil+|answer|support|engage|create|generate|write|produce|share|give|offer|continue|complete|participate|discuss|respond|process|perform';

/** Openings that are refusals on their own. */
const refusalOpenings: readonly RegExp[] = [
  // "I can't help with that", "I'm unable to provide…", "I must decline…"
  new RegExp(`^(?:I ?(?:${negatedAbility})(?: [a-z]+)?? (?:${helpVerbs})\\b)`, 'i'),
  new RegExp(`^I (?:must|have to|need to) (?:respectfully )?(?:decline|refuse)\\b`, 'i'),
  // "Sorry, but I can't…", "I'm sorry, I cannot…", "I apologize, but as an AI…", "Unfortunately, I'm unable to…"
  new RegExp(
    `^(?:(?:I${apostrophe}m|I am) (?:so |very |really )?sorry|sorry|I apologi[sz]e|my apologies|unfortunately)\\b[^.!?\\n]{0,80}?\\b(?:I ?(?:${negatedAbility})|as an AI|not (?:able|allowed|permitted) to)\\b`,
    'i',
  ),
  // "As an AI (language model), I cannot / I don't have / I'm not able…"
  new RegExp(
    `^As an? (?:AI|artificial intelligence|language model|large language model|LLM)(?: (?:language )?model| assistant)?,? I ?(?:${negatedAbility}|(?:do not|don${apostrophe}t) have (?:the ability|access|personal|feelings|opinions|real-time)|(?:am|${apostrophe}m) not (?:able|capable|allowed|designed))`,
    'i',
  ),
];

/** Markdown and whitespace a model may put before its first word. */
function stripDecoration(text: string): string {
  return text.replace(/^[\s>*_#`~-]+/u, '');
}

/** The end of the first sentence that starts at 0 (or the window end). */
function firstSentenceEnd(text: string): number {
  const match = /[.!?](?:\s|$)|\n\s*\n/.exec(text.slice(0, openingWindow));
  return match === null ? Math.min(text.length, openingWindow) : match.index + match[0].length;
}

export interface RefusalReading {
  /** The answer opens with a refusal and has no substantive answer after it. */
  readonly refusal: boolean;
  /** The answer opens with a refusal but a substantive answer follows (a disclaimer). */
  readonly disclaimer: boolean;
}

/** Reads whether `text` is a refusal (see the module comment for what counts). Pure. */
export function readRefusal(text: string): RefusalReading {
  const opening = stripDecoration(text);
  if (!refusalOpenings.some((pattern) => pattern.test(opening.slice(0, openingWindow)))) {
    return { refusal: false, disclaimer: false };
  }
  const remainder = opening.slice(firstSentenceEnd(opening)).trim();
  const substantive = remainder.length > substantiveRemainder;
  return { refusal: !substantive, disclaimer: substantive };
}

/** True when `text` is a refusal. */
export function isRefusal(text: string): boolean {
  return readRefusal(text).refusal;
}

/** Options of the not-empty / not-refusal check. */
export interface NotRefusalOptions {
  /** Answers with fewer non-space characters than this are rejected as empty (default 1). */
  readonly minCharacters?: number;
  /** Accept answers cut off at the token limit (`finishReason: 'length'`); default false. */
  readonly acceptTruncated?: boolean;
}

/** Rejects empty answers and refusals (the provider's refusal flag, or a refusal opening). */
export function checkNotEmptyOrRefusal(
  answer: CascadeAnswer,
  options: NotRefusalOptions = {},
): AcceptanceVerdict {
  const check = 'not-refusal';
  const minCharacters = options.minCharacters ?? 1;
  if (answer.refusal === true) {
    return {
      check,
      accepted: false,
      reason: 'the provider marked the answer as a refusal',
      confidence: 0,
    };
  }
  if (answer.finishReason === 'content-filter') {
    return { check, accepted: false, reason: 'the provider filtered the answer', confidence: 0 };
  }
  if (answer.finishReason === 'length' && options.acceptTruncated !== true) {
    return {
      check,
      accepted: false,
      reason: 'the answer was cut off at the token limit',
      confidence: 0,
    };
  }
  const visible = answer.text.replace(/\s+/gu, '');
  if (visible.length < minCharacters) {
    return { check, accepted: false, reason: 'the answer is empty', confidence: 0 };
  }
  const reading = readRefusal(answer.text);
  if (reading.refusal) {
    return { check, accepted: false, reason: 'the answer opens with a refusal', confidence: 0 };
  }
  if (reading.disclaimer) {
    return {
      check,
      accepted: true,
      reason: 'the answer opens by declining but a substantive answer follows',
      confidence: 0.5,
    };
  }
  return {
    check,
    accepted: true,
    reason: 'the answer is not empty and not a refusal',
    confidence: 1,
  };
}

export function notRefusalCheck(options: NotRefusalOptions = {}): AcceptanceCheck {
  return {
    name: 'not-refusal',
    stage: 'local',
    run: (answer) => checkNotEmptyOrRefusal(answer, options),
  };
}
