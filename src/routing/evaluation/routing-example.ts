/**
 * One prompt of a routing data set (the generic JSONL format of `signalbox route train|eval`):
 * the prompt, each model's quality on it (0..1: correctness, or a judge score scaled to 0..1),
 * and optionally each model's cost for it in US dollars.
 *
 * `{"prompt": "...", "scores": {"<model>": 0..1, ...}, "costs": {"<model>": usd, ...}}`
 */
export interface RoutingExample {
  readonly prompt: string;
  readonly scores: Readonly<Record<string, number>>;
  readonly costs?: Readonly<Record<string, number>> | undefined;
  /** Where the example comes from (a subject, a task), for stratified and held-out splits. */
  readonly group?: string | undefined;
}
