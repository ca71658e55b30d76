import type { ModelPrice } from '../../canonical/model-price.ts';
import { costOfUsage } from '../../canonical/model-price.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { Usage } from '../../canonical/usage.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { formatCostUsd } from '../../lib/format-cost-usd.ts';
import type {
  BudgetLine,
  BudgetReservation,
  BudgetStore,
  LedgerEntry,
  LedgerOutcome,
  SpendSubject,
} from '../../storage/ports.ts';
import { inputTokenBound } from './input-token-bound.ts';
import type { LedgerWriter } from './ledger-writer.ts';
import { planBudgetLines, type BudgetRule } from './plan-budget-lines.ts';
import {
  affordableOutputTokens,
  boundNanos,
  highestTokenPrices,
  type TokenPrices,
} from './request-cost-bound.ts';
import { crashPoint } from '../../lib/crash-points.ts';

/** What spend accounting needs besides the request: where budgets and the ledger live. */
export interface SpendEnvironment {
  readonly store: BudgetStore;
  readonly ledger: LedgerWriter;
  readonly clock: Clock;
  /** How long a hold may stay before the reaper settles it: longer than any request. */
  readonly holdTtlMs: number;
  /** Called when a soft budget's spend and holds pass its limit (callers report it once). */
  readonly onSoftBudgetExceeded: (line: BudgetLine, spentNanos: number) => void;
}

/** A deployment as spend accounting sees it. */
export interface PricedDeployment {
  readonly id: string;
  readonly providerId: string;
  readonly upstreamModel: string;
  readonly price: ModelPrice | undefined;
  readonly maxOutputTokens: number | undefined;
}

/** How a request ended, for its ledger row. */
export interface SpendResult {
  readonly outcome: Exclude<LedgerOutcome, 'reaped'>;
  readonly usage: Usage | undefined;
  /** The deployment that answered; undefined when none did. */
  readonly deployment: PricedDeployment | undefined;
  /**
   * Answers the request paid for but did not serve (a cascade's rejected tiers, its judge): their
   * cost and tokens are added to the row, so budgets and reports count them.
   */
  readonly discarded?: readonly DiscardedSpend[] | undefined;
  /**
   * The requested alias's strongest deployment: the served usage priced there is the row's
   * routing baseline (what always using the strongest model would have cost).
   */
  readonly baseline?: PricedDeployment | undefined;
}

/** One answer paid for and not served. */
export interface DiscardedSpend {
  readonly usage: Usage | undefined;
  readonly deployment: PricedDeployment;
}

/** An admitted request: the output it may produce, headers, and its settlement. */
export interface SpendAdmission {
  /** The most output tokens the upstream may produce (what the reservation paid for), if capped. */
  readonly outputTokenCap: number | undefined;
  /** `x-signalbox-budget-remaining-usd` when a hard budget applies. */
  readonly headers: Readonly<Record<string, string>>;
  /** Writes the request's ledger row and settles its hold; only the first call counts. */
  settle(result: SpendResult): void;
}

/** The least output worth admitting a request for; below this a budget refuses. */
const minimumOutputTokens = 16;
/** Output to bound by when neither the client nor any model states a limit. */
const defaultOutputBound = 4096;
const nanosPerDollar = 1e9;

/** The output limit a request is bounded by: the client's, else the largest model limit. */
function outputBound(
  requestedMaxTokens: number | undefined,
  deployments: readonly PricedDeployment[],
): number {
  if (requestedMaxTokens !== undefined) return requestedMaxTokens;
  const limits = deployments.map((deployment) => deployment.maxOutputTokens);
  if (limits.length > 0 && limits.every((limit) => limit !== undefined)) {
    return Math.max(...limits);
  }
  return defaultOutputBound;
}

function nanosOf(dollars: number): number {
  return Math.round(dollars * nanosPerDollar);
}

function refusal(
  reservation: BudgetReservation,
  lines: readonly BudgetLine[],
  nowMs: number,
): GatewayError {
  const refused = lines.find((line) => line.key === reservation.refusedBy);
  const scope = refused === undefined ? 'a' : `the ${refused.scope}`;
  const retryAfterSeconds =
    refused?.endMs === null || refused === undefined
      ? undefined
      : Math.max(1, Math.ceil((refused.endMs - nowMs) / 1000));
  return new GatewayError('SB_ERR_BUDGET_EXCEEDED', {
    detail: `${scope} budget has too little left for this request's maximum cost.`,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

/**
 * Reserve-then-settle for one request. With no budget applying, nothing is reserved and only the
 * ledger row is written at the end. Otherwise the request's cost upper bound (input bounded by
 * its bytes, output by its limit, both at the dearest price it may reach) is held on every
 * budget line at once; when less is left than the bound but at least enough for a few output
 * tokens, the hold is what is left and the output is capped to what it pays for. Throws
 * `GatewayError`: 402 when a hard budget cannot hold even the minimum, 403 when a hard budget
 * applies to an unpriced model, 503 when budgets cannot be checked or the ledger backlog is full.
 */
export async function admitSpend(
  environment: SpendEnvironment,
  rules: readonly BudgetRule[],
  request: {
    readonly requestId: string;
    /** An audit record of the request follows (its ledger row waits for it). */
    readonly audited: boolean;
    readonly subject: SpendSubject;
    readonly envelope: ModelRequestEnvelope;
    readonly requestedMaxTokens: number | undefined;
    readonly deployments: readonly PricedDeployment[];
  },
): Promise<SpendAdmission> {
  if (environment.ledger.full) {
    throw new GatewayError('SB_ERR_LEDGER_BACKLOG', { retryAfterSeconds: 5 });
  }
  const atMs = environment.clock.now();
  const generates = request.envelope.operation === 'chat';
  const inputTokens = inputTokenBound(request.envelope);
  const outputTokens = generates ? outputBound(request.requestedMaxTokens, request.deployments) : 0;
  const prices = highestTokenPrices(
    request.deployments.map((deployment) => deployment.price),
    generates,
  );
  const lines =
    request.envelope.operation === 'count-tokens'
      ? []
      : planBudgetLines(rules, request.subject, atMs);
  let reservedNanos = 0;
  let held = false;
  let outputTokenCap: number | undefined;
  const headers: Record<string, string> = {};
  if (lines.length > 0 && prices === undefined && lines.some((line) => line.hard)) {
    throw new GatewayError('SB_ERR_BUDGET_UNPRICED_MODEL');
  }
  if (lines.length > 0 && prices !== undefined) {
    const maxNanos = boundNanos(prices, inputTokens, outputTokens);
    const minNanos = boundNanos(prices, inputTokens, Math.min(outputTokens, minimumOutputTokens));
    let reservation: BudgetReservation;
    try {
      reservation = await environment.store.reserve({
        requestId: request.requestId,
        atMs,
        subject: request.subject,
        lines,
        maxNanos,
        minNanos,
        expiresAtMs: atMs + environment.holdTtlMs,
      });
    } catch (error) {
      throw new GatewayError('SB_ERR_BUDGET_UNAVAILABLE', {
        retryAfterSeconds: 5,
        internalDetail: error instanceof Error ? error.message : String(error),
      });
    }
    if (!reservation.allowed) {
      throw refusal(reservation, lines, atMs);
    }
    reservedNanos = reservation.reservedNanos;
    crashPoint('after-reservation');
    held = true;
    if (generates) {
      outputTokenCap = Math.min(
        outputTokens,
        affordableOutputTokens(prices, reservedNanos, inputTokens),
      );
    }
    reportSoftOverruns(environment, lines, reservation);
    const hardLeft = reservation.lines
      .filter((state) => state.hard)
      .map((state) => state.limitNanos - state.spentNanos - state.reservedNanos);
    if (hardLeft.length > 0) {
      headers['x-signalbox-budget-remaining-usd'] = formatCostUsd(
        Math.max(0, Math.min(...hardLeft)) / nanosPerDollar,
      );
    }
  }
  let settled = false;
  return {
    outputTokenCap,
    headers,
    settle(result) {
      if (settled) return;
      settled = true;
      environment.ledger.enqueue(
        ledgerEntry(request.requestId, atMs, request.subject, result, {
          reservedNanos,
          held,
          prices,
          inputTokens,
          outputTokens: outputTokenCap ?? outputTokens,
        }),
        request.audited,
      );
    },
  };
}

function reportSoftOverruns(
  environment: SpendEnvironment,
  lines: readonly BudgetLine[],
  reservation: BudgetReservation,
): void {
  reservation.lines.forEach((state, index) => {
    const line = lines[index];
    // Spent plus held (this request's hold included): what the line is committed to.
    const committed = state.spentNanos + state.reservedNanos;
    if (line !== undefined && !state.hard && committed > state.limitNanos) {
      environment.onSoftBudgetExceeded(line, committed);
    }
  });
}

/**
 * The ledger row: the provider-reported usage at list price; without usage, for a request that
 * was served (the client left before the usage event), the held amount (or the bound) marked
 * estimated; a request nothing answered costs nothing. Discarded answers (a cascade's) add their
 * cost and tokens to the row.
 */
function ledgerEntry(
  requestId: string,
  atMs: number,
  subject: SpendSubject,
  result: SpendResult,
  bound: {
    readonly reservedNanos: number;
    /** Whether a hold was placed on budget counters (the store then settles it). */
    readonly held: boolean;
    readonly prices: TokenPrices | undefined;
    readonly inputTokens: number;
    readonly outputTokens: number;
  },
): LedgerEntry {
  const usage = result.usage;
  const cost = costOfUsage(usage, result.deployment?.price);
  const reported = usage?.inputTokens.total !== undefined;
  let costNanos = cost === undefined ? 0 : nanosOf(cost);
  let estimated = false;
  if (!reported && result.deployment !== undefined) {
    estimated = true;
    costNanos =
      bound.reservedNanos > 0
        ? bound.reservedNanos
        : bound.prices === undefined
          ? 0
          : boundNanos(bound.prices, bound.inputTokens, bound.outputTokens);
  }
  let inputTokens = usage?.inputTokens.total;
  let outputTokens = usage?.outputTokens.total;
  for (const discarded of result.discarded ?? []) {
    const discardedCost = costOfUsage(discarded.usage, discarded.deployment.price);
    if (discardedCost === undefined) {
      // Unreported (or unpriced) usage of an answer that was produced: bound it, as above.
      estimated = true;
      costNanos +=
        bound.prices === undefined
          ? 0
          : boundNanos(bound.prices, bound.inputTokens, bound.outputTokens);
    } else {
      costNanos += nanosOf(discardedCost);
    }
    const input = discarded.usage?.inputTokens.total;
    const output = discarded.usage?.outputTokens.total;
    if (input !== undefined) inputTokens = (inputTokens ?? 0) + input;
    if (output !== undefined) outputTokens = (outputTokens ?? 0) + output;
  }
  const baseline = reported ? costOfUsage(usage, result.baseline?.price) : undefined;
  return {
    requestId,
    atMs,
    subject,
    ...(baseline === undefined ? {} : { baselineNanos: nanosOf(baseline) }),
    provider: result.deployment?.providerId ?? null,
    deployment: result.deployment?.id ?? null,
    upstreamModel: result.deployment?.upstreamModel ?? null,
    inputTokens: inputTokens ?? null,
    outputTokens: outputTokens ?? null,
    cacheReadTokens: usage?.inputTokens.cacheRead ?? null,
    cacheWriteTokens: usage?.inputTokens.cacheWrite ?? null,
    reasoningTokens: usage?.outputTokens.reasoning ?? null,
    costNanos,
    estimated,
    outcome: result.outcome,
    heldBudget: bound.held,
  };
}
