import { describe, expect, it } from 'vitest';
import { classifyRefusalMessage } from './classify-refusal-message.ts';

// Messages as providers send them (numbers vary); sources are linked next to each phrase in
// classify-refusal-message.ts.
describe('classifyRefusalMessage', () => {
  it.each([
    [
      'OpenAI Chat',
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
    ],
    [
      'OpenAI Responses',
      'Your input exceeds the context window of this model. Please adjust your input and try again.',
    ],
    [
      'vLLM',
      "This model's maximum context length is 16384 tokens. However, you requested 19591 tokens (9591 in the messages, 10000 in the completion). Please reduce the length of the messages or completion.",
    ],
    [
      'vLLM (decoder prompt)',
      'The decoder prompt (length 17772) is longer than the maximum model length of 16384.',
    ],
    [
      'Together',
      "The input (265330 tokens) is longer than the model's context length (262144 tokens).",
    ],
    ['Groq', 'Please reduce the length of the messages or completion.'],
    [
      'DeepSeek',
      "This model's maximum context length is 131072 tokens. However, you requested 133034 tokens (125034 in the messages, 8000 in the completion). Please reduce the length of the messages or completion.",
    ],
    ['xAI', "This model's maximum prompt length is 131072 but the request contains 136973 tokens."],
    [
      'OpenRouter',
      'This endpoint\'s maximum context length is 200000 tokens. However, you requested about 250000 tokens. Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.',
    ],
    ['Fireworks', 'The prompt is too long: 1000008, model maximum context length: 131071'],
    ['llama.cpp', 'the request exceeds the available context size, try increasing it'],
    ['LM Studio', 'tokens to keep from the initial prompt is greater than the context length'],
    ['Ollama', 'prompt too long; exceeded max context length by 4096 tokens'],
    ['Moonshot', 'Your request exceeded model token limit: 262144 (requested: 300000)'],
    ['Anthropic', 'prompt is too long: 208310 tokens > 200000 maximum'],
    [
      'Anthropic (with max_tokens)',
      'input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again',
    ],
    ['Bedrock', 'Input is too long for requested model.'],
    [
      'Bedrock Converse (Claude)',
      'The model returned the following errors: prompt is too long: 227255 tokens > 200000 maximum',
    ],
    [
      'Bedrock (Nova)',
      'Input Tokens Exceeded: Number of input tokens exceeds maximum length. Please update the input to try again.',
    ],
    [
      'Gemini',
      'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).',
    ],
    [
      'Cohere v2',
      "too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.",
    ],
    [
      'Cohere v1',
      'too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 4292. Try using a shorter prompt, or enabling prompt truncating.',
    ],
    [
      'Mistral',
      'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length',
    ],
    ['Mistral (short form)', 'Prompt 262280 > 262144 maximum context length'],
  ])('reads %s as context-length', (_provider, message) => {
    expect(classifyRefusalMessage(message)).toBe('context-length');
  });

  it.each([
    [
      'OpenAI invalid_prompt',
      'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting',
    ],
    [
      'OpenAI content_policy_violation',
      'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
    ],
    [
      'Azure OpenAI content_filter',
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    ],
    ['Anthropic', 'Output blocked by content filtering policy'],
    ['DeepSeek', 'Content Exists Risk'],
  ])('reads %s as content-policy', (_provider, message) => {
    expect(classifyRefusalMessage(message)).toBe('content-policy');
  });

  it.each([
    // Output limits: the window is not the problem, and a larger-window model may refuse too.
    [
      'Anthropic max_tokens',
      'max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-opus-20240229',
    ],
    [
      'Cohere max tokens',
      'too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192.',
    ],
    [
      'Bedrock max tokens',
      'The maximum tokens you requested exceeds the model limit of 32768. Try again with a maximum tokens value that is lower than 32768.',
    ],
    // Rate limits and quotas that talk about tokens.
    [
      'Groq tokens per minute (413)',
      'Request too large for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 14810, please reduce your message size and try again.',
    ],
    ['Bedrock throttling', 'Too many tokens, please wait before trying again.'],
    [
      'Anthropic rate limit',
      'Number of request tokens has exceeded your per-minute rate limit; prompt is too long for the remaining budget',
    ],
    [
      'Gemini quota',
      'You exceeded your current quota, please check your plan and billing details.',
    ],
    // Other rejections.
    ['Anthropic byte limit (413)', 'Request exceeds the maximum allowed number of bytes.'],
    [
      'OpenAI unsupported parameter',
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    ],
    ['Gemini field error', '* GenerateContentRequest.contents: contents is not specified'],
    ['Gemini safety settings', 'Invalid value at safety_settings[0].threshold'],
    ['an empty message', ''],
  ])('reads %s as neither', (_case, message) => {
    expect(classifyRefusalMessage(message)).toBeUndefined();
  });

  it('ignores case, and anything that is not a string', () => {
    expect(classifyRefusalMessage('PROMPT IS TOO LONG: 5 TOKENS > 4 MAXIMUM')).toBe(
      'context-length',
    );
    expect(classifyRefusalMessage(undefined)).toBeUndefined();
    expect(classifyRefusalMessage(null)).toBeUndefined();
    expect(classifyRefusalMessage({ message: 'prompt is too long' })).toBeUndefined();
    expect(classifyRefusalMessage(['prompt is too long'])).toBeUndefined();
  });
});
