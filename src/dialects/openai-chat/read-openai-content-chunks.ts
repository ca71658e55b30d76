import { isJsonObject } from '../../lib/json.ts';

/** One piece of an answer's `content`: visible text, or reasoning some providers put there. */
export interface ContentChunk {
  readonly kind: 'text' | 'reasoning';
  readonly text: string;
}

function thinkingText(thinking: unknown): string {
  if (typeof thinking === 'string') {
    return thinking;
  }
  if (!Array.isArray(thinking)) {
    return '';
  }
  return thinking
    .map((chunk) => (isJsonObject(chunk) && typeof chunk.text === 'string' ? chunk.text : ''))
    .join('');
}

/**
 * An answer's `content` as text and reasoning pieces, in order. Content is normally a string; some
 * providers of this dialect send an array of typed chunks instead (Mistral: `text` chunks, and
 * `thinking` chunks holding text chunks of reasoning). Other chunk types carry no answer text.
 * @see https://docs.mistral.ai/capabilities/reasoning/
 */
export function readOpenAiContentChunks(content: unknown): ContentChunk[] {
  if (typeof content === 'string') {
    return content === '' ? [] : [{ kind: 'text', text: content }];
  }
  if (!Array.isArray(content)) {
    return [];
  }
  const chunks: ContentChunk[] = [];
  for (const chunk of content) {
    if (!isJsonObject(chunk)) {
      continue;
    }
    if (chunk.type === 'text' && typeof chunk.text === 'string' && chunk.text !== '') {
      chunks.push({ kind: 'text', text: chunk.text });
    } else if (chunk.type === 'thinking') {
      const text = thinkingText(chunk.thinking);
      if (text !== '') {
        chunks.push({ kind: 'reasoning', text });
      }
    }
  }
  return chunks;
}
