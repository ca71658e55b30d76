import type { SpendSubject } from '../../storage/ports.ts';
import type { SpendEnvironment } from './admit-spend.ts';

/**
 * The ledger row of a request answered from the response cache: no provider was called, so it
 * costs nothing and holds nothing on any budget; the producing model is named for reports.
 * Every answered request still gets exactly one row.
 */
export function recordCacheHitSpend(
  environment: SpendEnvironment,
  request: {
    readonly requestId: string;
    readonly subject: SpendSubject;
    readonly deployment: {
      readonly id: string;
      readonly providerId: string;
      readonly upstreamModel: string;
    };
    /** What the answer cost when it was produced (nano-dollars), if known. */
    readonly savedNanos: number | undefined;
  },
): void {
  environment.ledger.enqueue({
    requestId: request.requestId,
    atMs: environment.clock.now(),
    subject: request.subject,
    provider: request.deployment.providerId,
    deployment: request.deployment.id,
    upstreamModel: request.deployment.upstreamModel,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    costNanos: 0,
    estimated: false,
    outcome: 'completed',
    cacheSavedNanos: request.savedNanos ?? 0,
    heldBudget: false,
  });
}
