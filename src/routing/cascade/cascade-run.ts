import type { AnswerSchemaCheck } from '../../canonical/answer-schema-check.ts';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { ResponseFormat } from '../../canonical/chat-request.ts';
import { lastUserText } from '../../canonical/last-user-text.ts';
import type { Usage } from '../../canonical/usage.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ProviderCallResult } from '../../upstream/call-provider.ts';
import type { RequestTranslation } from '../../upstream/request-translation.ts';
import type { CascadeTierVerdict, DecisionTrace } from '../decision-trace.ts';
import type { Deployment } from '../deployment.ts';
import type { ModelGroup } from '../model-group.ts';
import { streamOfAnswer } from '../replay-cached-answer.ts';
import type { PlannedAttempt } from '../plan-route.ts';
import { buildAcceptanceChecks } from './cascade-acceptance-config.ts';
import { cascadeAnswerFromResponse } from './cascade-answer.ts';
import { acceptanceConfigOf, type CascadeConfig } from './cascade-config.ts';
import { evaluateAcceptance } from './evaluate-acceptance.ts';
import type { AnswerJudge } from './judge-check.ts';
import type { AnswerSchemaValidator } from './schema-check.ts';

/** A model answer that was paid for but not served: a rejected tier's, or the judge's. */
export interface DiscardedAnswer {
  readonly deployment: Deployment;
  readonly usage: Usage | undefined;
  readonly reason: 'cascade-rejected' | 'cascade-judge';
}

/** What a judge call returned: its score (or failure) and what it cost. */
export interface JudgeCall {
  readonly score: number | undefined;
  readonly deployment: Deployment | undefined;
  readonly usage: Usage | undefined;
}

/** What a cascade run needs from the router around it. */
export interface CascadeRunOptions {
  /** The check of the client's requested output format, for the schema check (undefined: none). */
  readonly schemaCheck?:
    ((format: ResponseFormat | undefined) => AnswerSchemaCheck | undefined) | undefined;
  /** Asks the judge model; never rejects (a failure is a score of undefined). */
  readonly judge?:
    ((model: string, question: string, answer: string) => Promise<JudgeCall>) | undefined;
  /** The group of an alias (to find the members of nested tiers). */
  readonly groupOf: (alias: string) => ModelGroup | undefined;
  readonly now: () => number;
}

/** Every alias nested (at any depth) under `alias`, including itself. */
function nestedAliases(alias: string, groupOf: CascadeRunOptions['groupOf']): Set<string> {
  const found = new Set<string>();
  const visit = (name: string): void => {
    if (found.has(name)) return;
    found.add(name);
    for (const member of groupOf(name)?.members ?? []) {
      if (member.nestedAlias !== undefined) visit(member.nestedAlias);
    }
  };
  visit(alias);
  return found;
}

/**
 * Which tier of `group` each planned attempt belongs to: a deployment of the group is its own
 * tier; every deployment of a nested group is in that nested group's tier. Attempts from
 * elsewhere (fallback groups, a rule's other group) are in no tier. Pure.
 */
export function cascadeTiers(
  group: ModelGroup,
  attempts: readonly PlannedAttempt[],
  groupOf: CascadeRunOptions['groupOf'],
): Map<Deployment, string> {
  const owner = new Map<string, string>();
  for (const member of group.members) {
    if (member.nestedAlias === undefined) continue;
    for (const alias of nestedAliases(member.nestedAlias, groupOf)) {
      if (!owner.has(alias)) owner.set(alias, `group:${member.nestedAlias}`);
    }
  }
  const tiers = new Map<Deployment, string>();
  for (const attempt of attempts) {
    if (attempt.group === group) {
      tiers.set(attempt.deployment, attempt.deployment.id);
    } else if (attempt.group.alias !== group.alias) {
      const tier = owner.get(attempt.group.alias);
      if (tier !== undefined) tiers.set(attempt.deployment, tier);
    }
  }
  return tiers;
}

/** The score in a judge's reply, in [0, 1] (the 0-10 scale divided by 10); undefined if none. */
export function parseJudgeScore(reply: string): number | undefined {
  const match = /(?<![\d.])(10(?:\.0+)?|\d(?:\.\d+)?)(?!\d|\.\d)/u.exec(reply);
  if (match?.[1] === undefined) return undefined;
  const score = Number(match[1]);
  return score >= 0 && score <= 10 ? score / 10 : undefined;
}

/**
 * One request's cascade: the requested group's targets in plan order are its tiers. Every
 * attempt of a tier before the last asks for a complete answer (the client's stream is
 * buffered), and the answer is served only when the acceptance checks pass; a rejected answer
 * fails the attempt as `cascade-rejected` (neutral for health, always escalating) and is kept in
 * `discarded` so that its cost is charged. The last tier's attempts are served as usual.
 */
export class CascadeRun {
  readonly #group: ModelGroup;
  readonly #config: CascadeConfig;
  readonly #translation: RequestTranslation;
  readonly #tiers: ReadonlyMap<Deployment, string>;
  readonly #finalTier: string;
  readonly #options: CascadeRunOptions;
  readonly #verdicts: CascadeTierVerdict[] = [];
  readonly #discarded: DiscardedAnswer[] = [];
  #buffered: RequestTranslation | undefined;
  #validator: AnswerSchemaValidator | null | undefined = null;

  private constructor(
    group: ModelGroup,
    config: CascadeConfig,
    translation: RequestTranslation,
    tiers: ReadonlyMap<Deployment, string>,
    finalTier: string,
    options: CascadeRunOptions,
  ) {
    this.#group = group;
    this.#config = config;
    this.#translation = translation;
    this.#tiers = tiers;
    this.#finalTier = finalTier;
    this.#options = options;
  }

  /**
   * The cascade of a request for `group`, or undefined when there is none to run: the group has
   * no `cascade`, the request is not a chat, or its plan reaches fewer than two tiers.
   */
  static prepare(
    group: ModelGroup | undefined,
    attempts: readonly PlannedAttempt[],
    translation: RequestTranslation,
    options: CascadeRunOptions,
  ): CascadeRun | undefined {
    const config = group?.cascade;
    if (group === undefined || config === undefined) return undefined;
    if (translation.envelope.operation !== 'chat') return undefined;
    const tiers = cascadeTiers(group, attempts, options.groupOf);
    const order = attempts.flatMap((attempt) => tiers.get(attempt.deployment) ?? []);
    const finalTier = order[order.length - 1];
    if (finalTier === undefined || order.every((tier) => tier === finalTier)) return undefined;
    return new CascadeRun(group, config, translation, tiers, finalTier, options);
  }

  /** Answers that were paid for and not served (rejected tiers, judge calls), in order. */
  get discarded(): readonly DiscardedAnswer[] {
    return this.#discarded;
  }

  /** `trace` with this cascade's verdicts. */
  trace(trace: DecisionTrace): DecisionTrace {
    return {
      ...trace,
      cascade: {
        group: this.#group.alias,
        tiers: [...this.#verdicts],
        escalated: this.#verdicts.some((verdict) => !verdict.accepted),
      },
    };
  }

  /**
   * One attempt on `deployment` through `call` (which sends a translation to it). Throws
   * `GatewayError` `SB_ERR_CASCADE_REJECTED` when the tier's answer is not accepted.
   */
  async attempt(
    deployment: Deployment,
    call: (translation: RequestTranslation) => Promise<ProviderCallResult>,
  ): Promise<ProviderCallResult> {
    const tier = this.#tiers.get(deployment);
    if (tier === undefined) return call(this.#translation);
    if (tier === this.#finalTier) {
      const result = await call(this.#translation);
      this.#verdicts.push({
        deployment: deployment.id,
        accepted: true,
        reasons: ['the last tier is served without checks'],
        confidence: undefined,
        final: true,
      });
      return result;
    }
    this.#buffered ??= this.#translation.completeAnswerCopy();
    const result = await call(this.#buffered);
    const answer = result.kind === 'complete' ? result.answer : undefined;
    if (result.kind !== 'complete' || answer === undefined) {
      // Unreachable: a copy asking for a complete answer in the hub's terms always gets one.
      throw new GatewayError('SB_ERR_INTERNAL', {
        internalDetail: `cascade tier ${deployment.id} returned no complete answer`,
      });
    }
    const decision = await this.#evaluate(answer);
    this.#verdicts.push({
      deployment: deployment.id,
      accepted: decision.accepted,
      reasons: decision.reasons,
      confidence: decision.confidence,
      final: false,
    });
    if (!decision.accepted) {
      this.#discarded.push({ deployment, usage: result.usage, reason: 'cascade-rejected' });
      throw new GatewayError('SB_ERR_CASCADE_REJECTED', {
        internalDetail: `deployment ${deployment.id}: ${decision.reasons.join('; ')}`,
      });
    }
    return this.#serve(result, answer, deployment);
  }

  async #evaluate(answer: ChatResponse) {
    let question = '';
    try {
      question = lastUserText(this.#translation.chatRequest);
    } catch {
      // A request the hub cannot express never reaches a buffered tier; the judge sees no question.
    }
    const judgeModel = this.#config.judge?.model;
    const judge = this.#options.judge;
    const answerJudge: AnswerJudge | undefined =
      judgeModel === undefined || judge === undefined
        ? undefined
        : async (asked, text) => {
            const reply = await judge(judgeModel, asked, text);
            if (reply.deployment !== undefined) {
              this.#discarded.push({
                deployment: reply.deployment,
                usage: reply.usage,
                reason: 'cascade-judge',
              });
            }
            if (reply.score === undefined) throw new Error('the judge gave no score');
            return reply.score;
          };
    const checks = buildAcceptanceChecks(acceptanceConfigOf(this.#config), {
      schemaValidator: this.#schemaValidator(),
      judge: answerJudge,
    });
    return evaluateAcceptance(cascadeAnswerFromResponse(question, answer), checks);
  }

  /** The validator of the client's requested format, compiled once; undefined when none. */
  #schemaValidator(): AnswerSchemaValidator | undefined {
    if (this.#validator !== null) return this.#validator;
    let check: AnswerSchemaCheck | undefined;
    try {
      const format = this.#translation.ingress.readResponseFormat(this.#translation.envelope);
      check = this.#options.schemaCheck?.(format) ?? this.#translation.answerSchemaCheck;
    } catch {
      // A schema the validator refuses is not checked by the cascade (the request still serves).
      check = undefined;
    }
    this.#validator =
      check === undefined
        ? undefined
        : (text) => {
            const problems = check.problems(text);
            return { valid: problems.length === 0, paths: problems };
          };
    return this.#validator;
  }

  /** An accepted buffered answer as the client asked for it: complete, or replayed as a stream. */
  #serve(
    result: Extract<ProviderCallResult, { kind: 'complete' }>,
    answer: ChatResponse,
    deployment: Deployment,
  ): ProviderCallResult {
    const recorded = this.#translation.recordsAnswers ? answer : undefined;
    if (!this.#translation.envelope.stream) return { ...result, answer: recorded };
    return {
      kind: 'stream',
      upstreamRequestId: result.upstreamRequestId,
      droppedParameters: result.droppedParameters,
      estimated: result.estimated,
      price: result.price,
      ...streamOfAnswer(this.#translation, answer, deployment.upstreamModel, this.#options.now(), {
        answerSchema: result.answerSchema,
        answer: recorded,
      }),
    };
  }
}
