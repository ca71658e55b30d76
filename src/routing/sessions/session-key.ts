import { createHash } from 'node:crypto';
import type { ChatRequest } from '../../canonical/chat-request.ts';

/** The header a client names its conversation with. */
export const sessionHeader = 'x-signalbox-session';

function textOf(parts: readonly { readonly type: string; readonly text?: string }[]): string {
  return parts
    .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
    .join('\n');
}

/**
 * The key of a conversation, scoped to the caller's key (one tenant's conversations never meet
 * another's): the `x-signalbox-session` header when the client sends one, else, for a
 * conversation past its first turn, the SHA-256 of its opening (system prompt and first
 * message), which every later turn repeats. Undefined for a first turn without the header:
 * nothing is cached yet.
 */
export function sessionKeyOf(
  keyId: string,
  header: string | undefined,
  request: ChatRequest | undefined,
): string | undefined {
  const hash = createHash('sha256').update(keyId).update('\u0000');
  if (header !== undefined && header !== '') {
    return hash.update('header\u0000').update(header).digest('base64url').slice(0, 22);
  }
  const first = request?.messages[0];
  if (request === undefined || first === undefined || request.messages.length < 3) {
    return undefined;
  }
  return hash
    .update('opening\u0000')
    .update(textOf(request.system))
    .update('\u0000')
    .update(first.role)
    .update('\u0000')
    .update(textOf(first.content))
    .digest('base64url')
    .slice(0, 22);
}
