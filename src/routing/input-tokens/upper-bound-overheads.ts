/**
 * Token counts the upper bound adds for structure no text shows: chat templates, tool-use
 * instructions, media. Each must be at least what any provider spends, so the bound stays safe for
 * every model; they are generous because a bound only has to be safe, and the common request sits
 * far below every context window.
 */
export const upperBoundOverheads = {
  /**
   * Once per request: reply priming (`<|im_start|>assistant`), a beginning-of-sequence token, the
   * system wrapper, and chat-template preambles such as Llama 3.1's knowledge-date header (~25).
   */
  request: 64,
  /**
   * Per message (the system block counts as one): role markers and separators. OpenAI spends 4,
   * Llama 3 5, Gemma 5, Mistral about 4; none documented spends more than about 6.
   */
  message: 16,
  /**
   * Per content part of any kind: separators between parts and media wrappers such as Gemma's
   * `<start_of_image>` / `<end_of_image>`.
   */
  part: 8,
  /**
   * Per text segment, on top of its UTF-8 bytes: SentencePiece tokenizers (Gemini, Gemma, Llama 2,
   * Mistral) add a word-boundary `▁` in front of a segment, which can be a token of its own.
   */
  textSegment: 1,
  /**
   * Once when the request defines tools or asks for JSON-schema output (which some dialects send as
   * a forced tool): the provider's hidden tool-use instructions. Anthropic documents the largest,
   * up to 530 tokens (Claude 3 Opus, `tool_choice: auto`):
   * https://docs.anthropic.com/en/docs/tool-use-pricing-and-tokens
   */
  toolUseInstructions: 1024,
  /** Once for `json-object` output: instructions a provider or a dialect adds to ask for JSON. */
  jsonObjectInstructions: 64,
  /**
   * Per tool definition, on top of the bytes of its name, description and schema (counted as JSON
   * indented by two spaces, to leave room for providers that lay the schema out on lines).
   */
  tool: 32,
  /** Per tool call in an assistant turn, on top of the bytes of its id, name and arguments. */
  toolCall: 32,
  /** Per tool result, on top of the bytes of its call id, tool name and content. */
  toolResult: 32,
  /** Per inline text file, on top of its decoded bytes and file name: document wrappers. */
  textFile: 32,
  /**
   * Per image. Providers scale images down to a fixed budget before counting, so one constant
   * bounds them: Anthropic ⌈w/28⌉×⌈h/28⌉ after scaling to ~1.15 MP (≈1,600 tokens), ~3.75 MP on
   * Claude Opus 4.7 (≈4,800 plus padding); OpenAI tiles at most 85 + 8 × 170 = 1,445 (GPT-4o), and
   * patches at most 1,536 × 2.46 ≈ 3,779 (GPT-4.1 nano); Gemini 258 per image up to 384 px and
   * 1,120 at Gemini 3's `high` media resolution (2,240 at `ultra_high`). 6,400 covers all of them
   * with margin. Known exceptions: GPT-4o mini bills 2,833 + 8 × 5,667 = 48,169 (handled per model
   * by tokenProfileForModel), and Gemini 2.x tiles large images at 258 per 768 px tile, so an
   * image above about 14 MP could exceed it there.
   */
  image: 6400,
} as const;
