/**
 * A one-shot "the client went away" notice. It does what an `AbortSignal` does for the gateway,
 * without the cost of `EventTarget` on every request: a flag and a short list of callbacks.
 */
export interface Cancellation {
  readonly cancelled: boolean;
  /** Calls `listener` once on cancellation (at once if already cancelled); returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** The source side of a `Cancellation`. Not re-entrant. */
export class CancellationSource implements Cancellation {
  #cancelled = false;
  #listeners: (() => void)[] = [];

  get cancelled(): boolean {
    return this.#cancelled;
  }

  cancel(): void {
    if (this.#cancelled) {
      return;
    }
    this.#cancelled = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) {
      listener();
    }
  }

  subscribe(listener: () => void): () => void {
    if (this.#cancelled) {
      listener();
      return noop;
    }
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index !== -1) {
        this.#listeners.splice(index, 1);
      }
    };
  }
}

function noop(): void {
  // Nothing to undo for a listener that already ran.
}
