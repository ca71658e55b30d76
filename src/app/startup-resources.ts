/** How to release one thing a start-up opened. */
type Release = () => unknown;

/**
 * What a start-up has opened so far (stores, pools, worker threads, timers), so that a failure
 * part-way through releases it all and the process can exit with the error instead of being
 * held open by what was left running. A `serve --workers` worker that failed this way used to
 * stay alive without serving, so its primary never restarted it.
 */
export class StartupResources {
  readonly #releases: Release[] = [];

  /** Registers how to release something just opened. */
  add(release: Release): void {
    this.#releases.push(release);
  }

  /**
   * Releases everything registered, the newest first. A release that fails does not stop the
   * others: the start-up's own error is the one to report.
   */
  async releaseAll(): Promise<void> {
    for (const release of this.#releases.splice(0).reverse()) {
      try {
        await release();
      } catch {
        // Already failing: the caller throws the start-up error.
      }
    }
  }
}
