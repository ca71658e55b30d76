import { hasControlCharacter } from '../../lib/control-characters.ts';
import { isJsonObject } from '../../lib/json.ts';
import type { EndUser } from './principal.ts';

/** The header a client may name its end user in, whatever the dialect. */
export const endUserHeader = 'x-signalbox-end-user';

/** Longest end-user id kept; longer or malformed ids are dropped, not truncated. */
const maxEndUserLength = 256;

function accept(value: unknown): EndUser | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const id = value.trim();
  if (id === '' || id.length > maxEndUserLength || hasControlCharacter(id)) {
    return undefined;
  }
  return { id, verified: false };
}

/**
 * The end user a client says it acts for: the `x-signalbox-end-user` header, else OpenAI's `user`
 * field, else Anthropic's `metadata.user_id`. Always `verified: false`: the client chose it.
 * Undefined when none is given, or it is empty, longer than 256 characters or holds control
 * characters. Pure.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-user
 * @see https://docs.anthropic.com/en/api/messages#body-metadata-user-id
 */
export function readEndUser(
  header: string | string[] | undefined,
  body: Readonly<Record<string, unknown>>,
): EndUser | undefined {
  const fromHeader = accept(header);
  if (fromHeader !== undefined) {
    return fromHeader;
  }
  const fromUser = accept(body.user);
  if (fromUser !== undefined) {
    return fromUser;
  }
  const metadata = body.metadata;
  return isJsonObject(metadata) ? accept(metadata.user_id) : undefined;
}
