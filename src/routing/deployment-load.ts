/**
 * What routing knows about a deployment's recent behaviour when it plans a request: a snapshot,
 * so that strategies stay pure functions of their input.
 */
export interface DeploymentLoad {
  /** Exponentially weighted moving average of time to first byte, ms; undefined before any sample. */
  readonly latencyEwmaMs: number | undefined;
  /** Requests sent to the deployment and not yet finished. */
  readonly inFlight: number;
  /** Requests started in the last 60 s. */
  readonly requestsLastMinute: number;
  /** Tokens (input plus output, estimated until usage arrives) in the last 60 s. */
  readonly tokensLastMinute: number;
}

/** The load of a deployment nothing is known about. */
export const idleLoad: DeploymentLoad = {
  latencyEwmaMs: undefined,
  inFlight: 0,
  requestsLastMinute: 0,
  tokensLastMinute: 0,
};
