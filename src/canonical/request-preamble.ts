/**
 * Text the gateway puts in front of what the client sent: system instructions (a prompt
 * template's, governed context documents) and conversation turns (a prompt template's). Each
 * ingress dialect places it in its own fields (`IngressCodec.withPreamble`), before the client's
 * own system text and messages.
 */
export interface RequestPreamble {
  /** System texts, in order; each becomes one system block or message. */
  readonly system: readonly string[];
  readonly messages: readonly {
    readonly role: 'user' | 'assistant';
    readonly content: string;
  }[];
}
