/** The prompt template version that shaped a request (docs/prompts.md). */
export interface PromptProvenance {
  readonly id: string;
  readonly version: number;
  /** The label the request named, when it named one rather than a version. */
  readonly label: string | undefined;
  /** SHA-256 of the template version, lowercase hex. */
  readonly sha256: string;
}

/** One context document version injected into (or refusing) a request. */
export interface ContextProvenance {
  readonly id: string;
  readonly version: number;
  /** SHA-256 of the version's content, lowercase hex. */
  readonly sha256: string;
  /** The version's state when the request was served. */
  readonly status: 'approved' | 'expired' | 'revoked';
  /** What was done: injected as is, injected with a warning, injected with a caveat, refused. */
  readonly handling: 'served' | 'warned' | 'caveated' | 'blocked';
  /** The attachment that brought it in. */
  readonly attachment: string;
}
