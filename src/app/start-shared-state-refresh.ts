import type { Logger } from '../observability/logger.ts';

/** Something this process caches from the shared state database and re-reads. */
interface Refreshable {
  refresh(): Promise<void>;
}

/**
 * Re-reads what every replica shares about once a second: the key cache, the policy in force,
 * the budgets made through the admin API, prompt templates and context documents, so a change made on one replica is in force on every
 * other within about a second. A failed read keeps what was loaded before. The timer is unref'd;
 * the caller clears it on shutdown.
 */
export function startSharedStateRefresh(
  parts: {
    readonly authenticator: Refreshable;
    readonly policies: Refreshable;
    readonly budgetRules: Refreshable;
    readonly prompts: Refreshable;
    readonly contextDocuments: Refreshable;
  },
  logger: Logger,
): NodeJS.Timeout {
  const keepPrevious = (what: string) => (error: unknown) => {
    logger.error(
      { err: error instanceof Error ? error.message : 'Error' },
      `${what} could not be refreshed; the previous one stays`,
    );
  };
  const timer = setInterval(() => {
    parts.authenticator
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'key cache refresh failed'));
    parts.policies.refresh().catch(keepPrevious('the policy in force'));
    parts.budgetRules
      .refresh()
      .catch(keepPrevious('the set of budgets made through the admin API'));
    parts.prompts.refresh().catch(keepPrevious('the prompt templates and labels'));
    parts.contextDocuments.refresh().catch(keepPrevious('the context documents and attachments'));
  }, 1000);
  timer.unref();
  return timer;
}
