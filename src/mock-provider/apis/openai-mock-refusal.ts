import type { MockRefusalAnswer } from '../mock-dialect.ts';
import type { MockRefusal } from '../mock-directives.ts';

/** The context window the mock claims for OpenAI models when it refuses a prompt as too long. */
const mockContextWindow = 128_000;

const json = { 'content-type': 'application/json' } as const;

/**
 * Azure OpenAI's content-filter refusal: 400 `content_filter`, the filter results in
 * `innererror`, `type` null and `param` "prompt".
 * @see https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter
 */
const azureContentFilterError = {
  message:
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
  type: null,
  param: 'prompt',
  code: 'content_filter',
  status: 400,
  innererror: {
    code: 'ResponsibleAIPolicyViolation',
    content_filter_result: {
      hate: { filtered: false, severity: 'safe' },
      jailbreak: { filtered: false, detected: false },
      self_harm: { filtered: false, severity: 'safe' },
      sexual: { filtered: false, severity: 'safe' },
      violence: { filtered: true, severity: 'medium' },
    },
  },
};

/**
 * How OpenAI (and Azure OpenAI, on its paths) refuses a request, for the Chat Completions and
 * Responses APIs. A prompt over the window is 400 `context_length_exceeded`, worded per API
 * (Chat names `messages`, Responses `input`). A content-policy block is 400 `invalid_prompt`
 * ("flagged as potentially violating our usage policy") on OpenAI and 400 `content_filter` on
 * Azure. Pure.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeOpenAiMockRefusal(
  refusal: MockRefusal,
  api: 'chat' | 'responses',
  azure: boolean,
  promptTokens: number,
): MockRefusalAnswer {
  if (refusal === 'content-policy') {
    const error = azure
      ? azureContentFilterError
      : {
          message:
            'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_prompt',
        };
    return { status: 400, headers: json, body: JSON.stringify({ error }) };
  }
  const message =
    api === 'chat'
      ? `This model's maximum context length is ${String(mockContextWindow)} tokens. However, your messages resulted in ${String(mockContextWindow + promptTokens)} tokens. Please reduce the length of the messages.`
      : 'Your input exceeds the context window of this model. Please adjust your input and try again.';
  return {
    status: 400,
    headers: json,
    body: JSON.stringify({
      error: {
        message,
        type: 'invalid_request_error',
        param: api === 'chat' ? 'messages' : 'input',
        code: 'context_length_exceeded',
      },
    }),
  };
}
