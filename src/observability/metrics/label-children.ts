/**
 * The children of one labelled metric, created once per distinct label values and reused:
 * prom-client's `labels()` validates and allocates on every call, which the request path should
 * not pay for each update. Label values must already be bounded (see `LabelBounds`), so the map
 * stays as small as the metric's series.
 */
export class LabelChildren<Child> {
  readonly #children = new Map<string, Child>();
  readonly #create: (...values: string[]) => Child;

  constructor(create: (...values: string[]) => Child) {
    this.#create = create;
  }

  /** The child for these label values (in the metric's label order). */
  get(...values: string[]): Child {
    const key = values.length === 1 ? (values[0] ?? '') : values.join('\u0000');
    let child = this.#children.get(key);
    if (child === undefined) {
      child = this.#create(...values);
      this.#children.set(key, child);
    }
    return child;
  }
}
