import type { SemanticEntryFeed, SharedSemanticEntry } from '../ports.ts';
import { decodeSemanticEntry, encodeSemanticMeta, encodeVector } from '../semantic-entry-codec.ts';

/** The slice of a node-redis client the feed uses. */
export interface RedisStreamClient {
  xAdd(
    key: string,
    id: string,
    message: Record<string, string>,
    options: { TRIM: { strategy: 'MAXLEN'; strategyModifier: '~'; threshold: number } },
  ): Promise<unknown>;
  xRange(
    key: string,
    start: string,
    end: string,
    options: { COUNT: number },
  ): Promise<{ id: string; message: Record<string, string> }[]>;
}

/**
 * The semantic-cache feed as a Redis stream trimmed to about `maxEntries`: every replica indexes
 * what any replica stored.
 */
export class RedisSemanticEntryFeed implements SemanticEntryFeed {
  readonly #client: RedisStreamClient;
  readonly #key: string;
  readonly #maxEntries: number;

  constructor(client: RedisStreamClient, key: string, maxEntries: number) {
    this.#client = client;
    this.#key = key;
    this.#maxEntries = maxEntries;
  }

  async append(entry: SharedSemanticEntry): Promise<void> {
    await this.#client.xAdd(
      this.#key,
      '*',
      { meta: encodeSemanticMeta(entry), vector: encodeVector(entry.vector) },
      { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.#maxEntries } },
    );
  }

  async read(
    cursor: string | undefined,
    now: number,
    limit: number,
  ): Promise<{ entries: SharedSemanticEntry[]; cursor: string | undefined }> {
    // `(` makes the range exclusive of the cursor itself.
    const messages = await this.#client.xRange(
      this.#key,
      cursor === undefined ? '-' : `(${cursor}`,
      '+',
      { COUNT: limit },
    );
    const entries: SharedSemanticEntry[] = [];
    for (const { message } of messages) {
      const entry =
        message.meta === undefined || message.vector === undefined
          ? undefined
          : decodeSemanticEntry(message.meta, message.vector);
      if (entry !== undefined && entry.expiresAt > now) entries.push(entry);
    }
    const last = messages[messages.length - 1];
    return { entries, cursor: last === undefined ? cursor : last.id };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
