import { genAiProviderName } from '../tracing/gen-ai-provider-name.ts';

/** The configured names a label may take. */
export interface KnownNames {
  /** Aliases, deployment ids, `<provider>/<model>` names and upstream models. */
  readonly models: ReadonlySet<string>;
  /** Provider ids, each with its provider type (`openai`, `bedrock`, ...). */
  readonly providers: ReadonlyMap<string, string>;
}

/** The value of a label whose input was not one of the configured or catalogued values. */
export const otherLabel = 'other';
/** The value of a model or provider label when the request had none (refused before routing). */
export const noneLabel = 'none';

/**
 * Maps request facts to label values from bounded sets, so no client input (a model name a
 * client typed, a path it probed, an id in a URL) can create new time series: what is not
 * configured, catalogued or a known route pattern becomes `other`.
 */
export class LabelBounds {
  readonly #knownNames: () => KnownNames;
  readonly #errorCodes: ReadonlySet<string>;
  readonly #routeOf: (method: string, path: string) => string | undefined;

  constructor(
    knownNames: () => KnownNames,
    errorCodes: readonly string[],
    routeOf: (method: string, path: string) => string | undefined,
  ) {
    this.#knownNames = knownNames;
    this.#errorCodes = new Set(errorCodes);
    this.#routeOf = routeOf;
  }

  /** A configured model name, `none` when absent, else `other`. */
  model(name: string | undefined): string {
    if (name === undefined) return noneLabel;
    return this.#knownNames().models.has(name) ? name : otherLabel;
  }

  /** A configured provider id, `none` when absent, else `other`. */
  provider(id: string | undefined): string {
    if (id === undefined) return noneLabel;
    return this.#knownNames().providers.has(id) ? id : otherLabel;
  }

  /**
   * The GenAI convention's `gen_ai.provider.name` of a configured provider id (`aws.bedrock` for
   * a Bedrock provider; the same value spans carry), `none` when absent, else `other`.
   */
  genAiProvider(id: string | undefined): string {
    if (id === undefined) return noneLabel;
    const type = this.#knownNames().providers.get(id);
    return type === undefined ? otherLabel : genAiProviderName(type);
  }

  /** A catalogued error code, else `other`. */
  errorCode(code: string): string {
    return this.#errorCodes.has(code) ? code : otherLabel;
  }

  /** The route pattern the request matched (`/admin/keys/:id`), else `other`. */
  route(method: string, path: string): string {
    return this.#routeOf(method, path) ?? otherLabel;
  }
}
