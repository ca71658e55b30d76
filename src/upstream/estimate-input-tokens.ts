import type { ChatRequest } from '../canonical/chat-request.ts';
import type { MediaSource } from '../canonical/content-part.ts';

/** Characters per token for English text and code with the tokenizers in use (a common rule of thumb). */
const charactersPerToken = 4;
/** Tokens of structure each message costs besides its text (role markers, separators). */
const perMessageOverhead = 3;
/** An image of about a megapixel, the size providers scale larger images down to. */
const imageTokens = 1600;

function textTokens(text: string): number {
  return Math.ceil(text.length / charactersPerToken);
}

function fileTokens(source: MediaSource): number {
  // Inline files count by their decoded size; files given by URL or id are unknown until fetched.
  return source.kind === 'base64'
    ? Math.ceil((source.data.length * 0.75) / charactersPerToken)
    : imageTokens;
}

/**
 * A rough count of a request's input tokens, for token-counting requests on targets that cannot
 * count themselves: text at four characters a token, images at a megapixel's cost, inline files
 * by size, plus tool definitions and a small overhead per message. An estimate, never billing.
 * Pure.
 */
export function estimateInputTokens(request: ChatRequest): number {
  let total = 0;
  for (const part of request.system) {
    total += textTokens(part.text);
  }
  for (const tool of request.tools) {
    total += textTokens(tool.name + (tool.description ?? '') + JSON.stringify(tool.parameters));
  }
  for (const message of request.messages) {
    total += perMessageOverhead;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
        case 'refusal':
          total += textTokens(part.text);
          break;
        case 'tool-call':
          total += textTokens(part.name + part.arguments);
          break;
        case 'tool-result':
          for (const inner of part.content) {
            total += inner.type === 'text' ? textTokens(inner.text) : imageTokens;
          }
          break;
        case 'image':
          total += imageTokens;
          break;
        case 'file':
          total += fileTokens(part.source);
          break;
        case 'redacted-reasoning':
          break;
      }
    }
  }
  return total;
}
