import { isJsonObject } from '../lib/json.ts';

const tokenPattern = /\s*[A-Za-z]+|\s*\d|\s*[^\sA-Za-z\d]|\s+$/g;

/**
 * Splits text into pseudo-tokens (words, digits and punctuation with their leading space). The
 * pieces join back into the exact text, so streamed deltas reassemble losslessly. Pure.
 */
export function splitIntoTokens(text: string): string[] {
  return text.match(tokenPattern) ?? [];
}

/** The text of a message's `content`: a string, or the text parts of a content array. */
export function readContentText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return '';
  }
  return content
    .map((part) =>
      isJsonObject(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .filter((text) => text !== '')
    .join('\n');
}

/** Pseudo-token count of every message's text, plus a fixed overhead per message, as providers bill. */
export function countPromptTokens(messages: readonly unknown[]): number {
  let total = 0;
  for (const message of messages) {
    if (isJsonObject(message)) {
      total += 4 + splitIntoTokens(readContentText(message.content)).length;
    }
  }
  return total;
}
