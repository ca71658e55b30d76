import { createHash } from 'node:crypto';

/**
 * The slice of a node-redis client (`createClient()` from the `redis` package) the Redis stores
 * use; any client or cluster-slot client with these commands works.
 */
export interface RedisScriptClient {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  scriptLoad(script: string): Promise<unknown>;
}

/**
 * A Lua script run by its SHA1, loaded once on `NOSCRIPT` (after a Redis restart or
 * `SCRIPT FLUSH`). Redis runs each call atomically: no other command interleaves.
 */
export class RedisScript {
  readonly #source: string;
  readonly #sha1: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisScriptClient, keys: string[], parameters: string[]): Promise<unknown> {
    const call = { keys, arguments: parameters };
    try {
      return await client.evalSha(this.#sha1, call);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      await client.scriptLoad(this.#source);
      return await client.evalSha(this.#sha1, call);
    }
  }
}
