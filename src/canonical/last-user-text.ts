import type { ChatRequest } from './chat-request.ts';

/**
 * The text of the conversation's last user message (its text parts, joined by newlines and
 * trimmed); empty when the last user message has no text or there is none. What a router scores:
 * the question being asked now, as in the data routers are trained on.
 */
export function lastUserText(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role !== 'user') continue;
    const texts: string[] = [];
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
    }
    return texts.join('\n').trim();
  }
  return '';
}
