import { inspect } from 'node:util';

const mask = '[secret]';

/**
 * A secret (API key, token) that refuses to be printed: `String()`, `JSON.stringify` and
 * `util.inspect` all show a mask, so a config object that reaches a log or an error stays safe.
 * Only `reveal()` yields the value, and only code that builds upstream requests calls it.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return mask;
  }

  toJSON(): string {
    return mask;
  }

  [inspect.custom](): string {
    return mask;
  }
}
