import type { PolicyDecisionRecord } from '../canonical/policy-decision-record.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import type { RequestTrace } from '../lib/request-trace.ts';
import type { EndUser, Principal } from '../pipeline/identity/principal.ts';

/** What the gateway knows about one client request besides its body. Immutable. */
export interface RequestContext {
  /** Time-ordered id, returned to the client in `x-signalbox-request-id`. */
  readonly requestId: string;
  readonly principal: Principal;
  /** The end user the client says it acts for: recorded, never trusted (`verified: false`). */
  readonly endUser?: EndUser | undefined;
  /** Fires when the client disconnects. */
  readonly cancellation: Cancellation;
  /** Lower-cased names of the request headers, for checks that look at headers. */
  readonly headerNames: readonly string[];
  /** The request headers by lower-case name (Node's `IncomingHttpHeaders`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Told the request as it will be routed (after the policy), for payload retention. */
  readonly onForwarded?: (envelope: ModelRequestEnvelope) => void;
  /** Told the policy decision, for the request record (absent where nothing records it). */
  readonly onPolicyDecision?: (record: PolicyDecisionRecord) => void;
  /** Where the request's upstream attempts are traced; absent when tracing is off. */
  readonly trace?: RequestTrace | undefined;
  /**
   * The gateway's own call (an embeddings encoder), which no request record and so no audit
   * record follows: its ledger row does not wait for one.
   */
  readonly unaudited?: boolean | undefined;
}
