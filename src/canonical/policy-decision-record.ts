/**
 * What a request's record and audit event say about its policy decision: names, versions and
 * counts, never a value a detector found. Shared by the policy engine that makes the decision and
 * the request record that reports it.
 */
export interface PolicyDecisionRecord {
  readonly name: string;
  readonly version: string;
  readonly outcome: 'permit' | 'deny';
  readonly rules: readonly string[];
  readonly flags: readonly string[];
  /** Data classes found, with how many of each. */
  readonly dataClasses: Readonly<Record<string, number>>;
  /** Data classes redacted before any model saw the request, with how many of each. */
  readonly redacted: Readonly<Record<string, number>>;
  /** Routing was restricted (some deployments, fallbacks included, were ruled out). */
  readonly restricted: boolean;
  /** The highest prompt-injection score among the request's strings, when scored. */
  readonly injectionScore: number | undefined;
  readonly detectorFailed: boolean;
}
