import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { Usage } from '../../canonical/usage.ts';
import { findJsonObjectMembers } from '../../lib/json-object-members.ts';
import { safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { Deployment } from '../deployment.ts';
import type { AttemptSettlement } from '../execute-plan.ts';
import type { JudgeCall } from './cascade-run.ts';
import { parseJudgeScore } from './cascade-run.ts';

/** The judge's instructions (the system message); the user message holds the exchange. */
export const judgeRubric =
  'You grade answers written by another assistant. Read the question and the answer, then rate ' +
  'how correct, complete and helpful the answer is on a scale from 0 (wrong, empty or a refusal) ' +
  'to 10 (fully correct and complete). Reply with the number only.';

/** Longest question or answer put before the judge, in characters (the rest is cut off). */
const maximumExcerpt = 32_000;

/** The judge's request: an OpenAI Chat Completions body, not streamed, at temperature 0. Pure. */
export function judgeEnvelope(
  model: string,
  question: string,
  answer: string,
): ModelRequestEnvelope {
  const value: JsonObject = {
    model,
    messages: [
      { role: 'system', content: judgeRubric },
      {
        role: 'user',
        content: `Question:\n${question.slice(0, maximumExcerpt)}\n\nAnswer:\n${answer.slice(0, maximumExcerpt)}`,
      },
    ],
    temperature: 0,
    max_tokens: 16,
  };
  const text = JSON.stringify(value);
  return {
    dialect: 'openai-chat',
    operation: 'chat',
    model,
    stream: false,
    clientWantsStreamUsage: false,
    body: { text, value, members: findJsonObjectMembers(text) },
  };
}

/** What routing a judge request answers (a subset of `RoutedResponse`). */
export interface JudgeRouted {
  readonly kind: 'complete' | 'stream';
  readonly body?: string;
  readonly usage?: Usage | undefined;
  readonly deployment: Deployment;
  readonly settle: (settlement: AttemptSettlement) => void;
}

function totalTokens(usage: Usage | undefined): number | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  return input === undefined || output === undefined ? undefined : input + output;
}

/** The text of the first choice of an OpenAI Chat Completions body; '' when there is none. */
function firstChoiceText(body: string): string {
  const parsed = safeParseJson(body);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') return '';
  const choices = (parsed.value as { choices?: unknown }).choices;
  if (!Array.isArray(choices)) return '';
  const message = (choices[0] as { message?: { content?: unknown } } | undefined)?.message;
  return typeof message?.content === 'string' ? message.content : '';
}

/**
 * Asks the judge `model` through `route` (the gateway's own routing) to score `answer` to
 * `question`. Never rejects: a failed call or a reply without a number is a score of undefined.
 * The call's usage and deployment are returned so that its cost is charged to the caller.
 */
export async function askJudge(
  model: string,
  question: string,
  answer: string,
  route: (envelope: ModelRequestEnvelope) => Promise<JudgeRouted>,
): Promise<JudgeCall> {
  let routed: JudgeRouted;
  try {
    routed = await route(judgeEnvelope(model, question, answer));
  } catch {
    return { score: undefined, deployment: undefined, usage: undefined };
  }
  const usage = routed.kind === 'complete' ? routed.usage : undefined;
  routed.settle({ failed: undefined, totalTokens: totalTokens(usage), usage });
  const text = routed.kind === 'complete' && routed.body !== undefined ? routed.body : '';
  return { score: parseJudgeScore(firstChoiceText(text)), deployment: routed.deployment, usage };
}
