import type { Clock } from '../lib/clock.ts';

/** An access token and when it stops being valid (epoch milliseconds). */
export interface AccessToken {
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * Holds an access token and refreshes it before it expires: a refresh starts when less than
 * `refreshMarginMs` remain, concurrent callers share one refresh, and a failed refresh is not
 * cached (the next request tries again).
 */
export class CachedAccessToken {
  readonly #fetch: () => Promise<AccessToken>;
  readonly #clock: Clock;
  readonly #refreshMarginMs: number;
  #current: AccessToken | undefined;
  #refreshing: Promise<AccessToken> | undefined;

  constructor(fetch: () => Promise<AccessToken>, clock: Clock, refreshMarginMs = 60_000) {
    this.#fetch = fetch;
    this.#clock = clock;
    this.#refreshMarginMs = refreshMarginMs;
  }

  /** A token valid for at least the margin, fetched only when needed. */
  get(): Promise<string> | string {
    const current = this.#current;
    if (current !== undefined && current.expiresAt - this.#refreshMarginMs > this.#clock.now()) {
      return current.token;
    }
    this.#refreshing ??= this.#fetch().then(
      (token) => {
        this.#current = token;
        this.#refreshing = undefined;
        return token;
      },
      (error: unknown) => {
        this.#refreshing = undefined;
        throw error;
      },
    );
    return this.#refreshing.then((token) => token.token);
  }
}
