import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { EncodeContext } from '../dialect-codec.ts';
import { encodeOpenAiChatUsage } from './encode-openai-chat-usage.ts';
import { encodeOpenAiFinishReason } from './map-openai-chat-finish-reason.ts';

/**
 * A canonical answer as an OpenAI `chat.completion` body. Reasoning text, which the Chat
 * Completions schema has no field for, is returned as `reasoning_content` (the convention of
 * DeepSeek and others); SDKs that do not know it ignore it.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function encodeOpenAiChatResponse(response: ChatResponse, context: EncodeContext): string {
  const choices = response.choices.map((choice) => {
    let content: string | null = null;
    let refusal: string | null = null;
    let reasoning: string | undefined;
    const toolCalls: object[] = [];
    for (const part of choice.content) {
      switch (part.type) {
        case 'text':
          content = (content ?? '') + part.text;
          break;
        case 'refusal':
          refusal = (refusal ?? '') + part.text;
          break;
        case 'reasoning':
          reasoning = (reasoning ?? '') + part.text;
          break;
        case 'tool-call':
          toolCalls.push({
            id: part.id,
            type: 'function',
            function: { name: part.name, arguments: part.arguments },
          });
          break;
        case 'redacted-reasoning':
          break;
      }
    }
    const message: Record<string, unknown> = { role: 'assistant', content, refusal };
    if (reasoning !== undefined) {
      message.reasoning_content = reasoning;
    }
    if (toolCalls.length > 0) {
      message.tool_calls = toolCalls;
    }
    return {
      index: choice.index,
      message,
      logprobs: null,
      finish_reason: encodeOpenAiFinishReason(choice.finishReason),
    };
  });
  const body: Record<string, unknown> = {
    id: response.id,
    object: 'chat.completion',
    created: response.created ?? Math.floor(context.now / 1000),
    model: response.model === '' ? context.requestedModel : response.model,
    choices,
  };
  if (response.usage !== undefined) {
    body.usage = encodeOpenAiChatUsage(response.usage);
  }
  return JSON.stringify(body);
}
