interface ChoiceKeys {
  /** The call each `index` currently names. */
  readonly byIndex: Map<number, string>;
  /** The call each provider id names. */
  readonly byId: Map<string, string>;
  /** The provider id of each call that had one. */
  readonly idOf: Map<string, string>;
  /** The call of the latest fragment, for fragments that carry neither index nor id. */
  last: string | undefined;
  count: number;
}

/**
 * Tells streamed tool-call fragments apart. OpenAI numbers the calls of a choice with `index` and
 * sends the id only on a call's first fragment; providers of the dialect differ: Mistral sends
 * whole calls with an id and no `index`, Ollama reuses `index` 0 for every call of a parallel
 * batch (each with its own id), and some servers send the id again on later fragments. A fragment
 * belongs to the call its id names; else to the call its index names unless it brings a new id;
 * else, with neither, to the latest call. Not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming#chat-streaming/streaming-choices-delta-tool_calls
 * @see https://github.com/ollama/ollama/issues/15457
 */
export class OpenAiToolCallKeys {
  readonly #choices = new Map<number, ChoiceKeys>();

  /** The key of the call a fragment belongs to (a new key for a new call). */
  keyFor(choice: number, index: number | undefined, id: string | undefined): string {
    let keys = this.#choices.get(choice);
    if (keys === undefined) {
      keys = { byIndex: new Map(), byId: new Map(), idOf: new Map(), last: undefined, count: 0 };
      this.#choices.set(choice, keys);
    }
    let key = id === undefined ? undefined : keys.byId.get(id);
    if (key === undefined && index !== undefined) {
      const current = keys.byIndex.get(index);
      const currentId = current === undefined ? undefined : keys.idOf.get(current);
      if (current !== undefined && (id === undefined || currentId === undefined)) {
        key = current;
      }
    }
    if (key === undefined && index === undefined && id === undefined) {
      key = keys.last;
    }
    if (key === undefined) {
      key = `call-${keys.count}`;
      keys.count += 1;
    }
    if (index !== undefined) {
      keys.byIndex.set(index, key);
    }
    if (id !== undefined && !keys.idOf.has(key)) {
      keys.idOf.set(key, id);
      keys.byId.set(id, key);
    }
    keys.last = key;
    return key;
  }
}
