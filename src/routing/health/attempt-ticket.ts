/**
 * One attempt admitted to a deployment by `DeploymentHealth.begin`, handed back to report its
 * verdict (`succeeded`, `failed` or `released`) and its end (`finished`).
 *
 * Guarantees: each ticket takes at most one verdict and one end; the second of either is ignored,
 * which is what makes reporting idempotent. Only the health that issued a ticket acts on it.
 */
export class AttemptTicket {
  /** The `DeploymentHealth` that issued the ticket. */
  readonly issuer: object;
  readonly deploymentId: string;
  /** Whether the attempt is the half-open breaker's probe. */
  readonly probe: boolean;
  /** Whether the attempt is a retry on the same deployment. */
  readonly retry: boolean;
  /** Monotonic milliseconds when the attempt began. */
  readonly startedAtMs: number;
  #verdictTaken = false;
  #ended = false;

  constructor(
    issuer: object,
    deploymentId: string,
    probe: boolean,
    retry: boolean,
    startedAtMs: number,
  ) {
    this.issuer = issuer;
    this.deploymentId = deploymentId;
    this.probe = probe;
    this.retry = retry;
    this.startedAtMs = startedAtMs;
  }

  /** Whether a verdict was reported. */
  get hasVerdict(): boolean {
    return this.#verdictTaken;
  }

  /** Whether the attempt was reported finished. */
  get isFinished(): boolean {
    return this.#ended;
  }

  /** Marks the verdict taken; true only the first time. For the issuing health. */
  takeVerdict(): boolean {
    if (this.#verdictTaken) {
      return false;
    }
    this.#verdictTaken = true;
    return true;
  }

  /** Marks the attempt finished; true only the first time. For the issuing health. */
  takeFinish(): boolean {
    if (this.#ended) {
      return false;
    }
    this.#ended = true;
    return true;
  }
}
