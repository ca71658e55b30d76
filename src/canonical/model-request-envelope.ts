import type { DialectId } from './dialect-id.ts';
import type { JsonMemberSpan } from '../lib/json-object-members.ts';
import type { JsonObject } from '../lib/json.ts';
import type { ModelOperation } from './model-operation.ts';

/**
 * A client's request as received: the dialect it spoke, the facts the gateway acts on, and the
 * original body, kept so that a same-dialect upstream gets the client's bytes (unknown fields
 * included) rather than a re-serialisation. Immutable; shared by every attempt of a plan.
 */
export interface ModelRequestEnvelope {
  readonly dialect: DialectId;
  readonly operation: ModelOperation;
  /** The model name the client asked for (an alias or `<provider>/<model>`). */
  readonly model: string;
  readonly stream: boolean;
  /** The client asked for a usage chunk at the end of the stream. */
  readonly clientWantsStreamUsage: boolean;
  /**
   * Client headers that travel with the request to a same-dialect provider that accepts them
   * (Anthropic's `anthropic-beta`), by lower-case name; only names the ingress dialect allows.
   */
  readonly forwardedHeaders?: Readonly<Record<string, string>> | undefined;
  readonly body: {
    readonly text: string;
    readonly value: Readonly<JsonObject>;
    readonly members: readonly JsonMemberSpan[];
  };
}
