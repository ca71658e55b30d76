import type { MockDialect } from './mock-dialect.ts';
import { anthropicMessagesMockDialect } from './apis/anthropic-messages-mock.ts';
import { bedrockAnthropicMockDialect } from './apis/bedrock-anthropic-mock.ts';
import { bedrockConverseMockDialect } from './apis/bedrock-converse-mock.ts';
import { cohereChatMockDialect } from './apis/cohere-chat-mock.ts';
import { geminiGenerateContentMockDialect } from './apis/gemini-generate-content-mock.ts';
import { mistralChatMockDialect } from './apis/mistral-chat-mock.ts';
import { openAiChatMockDialect } from './apis/openai-chat-mock.ts';
import { openAiResponsesMockDialect } from './apis/openai-responses-mock.ts';

/** Every API the mock speaks, tried in order by request path. */
export const mockDialects: readonly MockDialect[] = [
  openAiChatMockDialect,
  anthropicMessagesMockDialect,
  bedrockAnthropicMockDialect,
  bedrockConverseMockDialect,
  cohereChatMockDialect,
  geminiGenerateContentMockDialect,
  mistralChatMockDialect,
  openAiResponsesMockDialect,
];
