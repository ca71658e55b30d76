/**
 * Token counts OpenAI's chat format adds around text, for the exact count with an OpenAI
 * tokenizer. Where OpenAI documents the number it is used as is; where it does not (tools), the
 * number errs high, since the count decides whether a request fits.
 * https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export const openAiChatOverheads = {
  /** `<|im_start|>assistant<|im_sep|>`, which primes every reply. */
  replyPriming: 3,
  /** `<|im_start|>`, the role, `<|im_sep|>` and `<|im_end|>` around each message. */
  message: 4,
  /** A separator where a message's content parts are joined. */
  extraPart: 1,
  /**
   * The `namespace functions { … }` wrapper around tool definitions (the cookbook measures 12).
   * Tool schemas themselves are counted as compact JSON, which takes more tokens than the
   * TypeScript-like declarations OpenAI renders them as.
   */
  toolsPreamble: 32,
  /** Per tool definition: its declaration line (the cookbook measures 7). */
  tool: 16,
  /** Per tool call: its recipient header, or a `multi_tool_use.parallel` entry when parallel. */
  toolCall: 16,
  /** Per tool result: it travels as a `tool` message of its own. */
  toolResult: 8,
  /** Per inline text file: a document wrapper. */
  textFile: 8,
  /** JSON-schema output: the response-format wrapper around the schema (schema counted as JSON). */
  jsonSchema: 32,
  /** JSON-object output. */
  jsonObject: 8,
} as const;
