import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configFileSchema } from '../../config/config-schema.ts';
import { convertLitellmConfig } from './convert-litellm-config.ts';

const secretMarker = 'LEAKED-SECRET';

const name = fc.constantFrom(
  'gpt-4o',
  'claude',
  'fast',
  'openai/gpt-4o',
  'a b',
  'x.y',
  '*',
  'openai/*',
  'vllm/m',
);
const prefix = fc.constantFrom(
  'openai',
  'azure',
  'azure_ai',
  'anthropic',
  'bedrock',
  'bedrock/invoke',
  'bedrock/converse',
  'vertex_ai',
  'gemini',
  'mistral',
  'cohere_chat',
  'groq',
  'together_ai',
  'ollama',
  'ollama_chat',
  'hosted_vllm',
  'custom_openai',
  'sagemaker',
  'unknown',
  '',
);
const model = fc.constantFrom(
  'gpt-4o',
  'gemini-2.0-flash',
  'claude-3-5-sonnet@2024',
  'anthropic.claude-v2',
  '*',
  'llama/3',
  '',
);
const loose = fc.oneof(
  fc.integer({ min: -5, max: 200_000 }),
  fc.double({ min: -1, max: 1e7, noNaN: true }),
  fc.constantFrom('12', 'os.environ/X', 'abc', true, null),
);
const url = fc.constantFrom(
  'https://acme.openai.azure.com/',
  'http://localhost:11434',
  'https://user:pw@example.com/v1?key=1',
  'ftp://x',
  'not a url',
  'os.environ/API_BASE',
);
const secret = fc.constantFrom(
  `sk-${secretMarker}`,
  'os.environ/KEY',
  `{"private_key": "${secretMarker}"}`,
);

const deployment = fc.record(
  {
    model_name: name,
    litellm_params: fc.record(
      {
        model: fc.tuple(prefix, model).map(([p, m]) => (p === '' ? m || 'gpt-4o' : `${p}/${m}`)),
        api_key: secret,
        api_base: url,
        api_version: fc.constantFrom('2024-10-21', 'os.environ/V'),
        aws_region_name: fc.constantFrom('us-east-1', 'US East', 'os.environ/AWS_REGION_NAME'),
        aws_access_key_id: secret,
        vertex_project: fc.constantFrom('p1', 'Bad Project'),
        vertex_credentials: secret,
        rpm: loose,
        tpm: loose,
        weight: loose,
        order: loose,
        timeout: loose,
        stream_timeout: loose,
        tags: fc.constantFrom(['EU', 'zdr'], 'x', [1]),
        extra_headers: fc.constantFrom(
          { Authorization: `Bearer ${secretMarker}` },
          { 'X-A': 'b' },
          'h',
        ),
        temperature: loose,
      },
      { requiredKeys: ['model'] },
    ),
    model_info: fc.record(
      { id: fc.constantFrom('d1', 'd 2', 7), input_cost_per_token: loose },
      { requiredKeys: [] },
    ),
    rpm: loose,
  },
  { requiredKeys: ['model_name', 'litellm_params'] },
);
const rules = fc.array(fc.dictionary(name, fc.array(name, { maxLength: 20 }), { maxKeys: 2 }), {
  maxLength: 3,
});
const config = fc.record(
  {
    model_list: fc.array(deployment, { maxLength: 8 }),
    router_settings: fc.record(
      {
        routing_strategy: fc.constantFrom(
          'simple-shuffle',
          'least-busy',
          'cost-based-routing',
          'nonsense',
        ),
        num_retries: loose,
        retry_after: loose,
        allowed_fails: loose,
        cooldown_time: loose,
        timeout: loose,
        fallbacks: rules,
        context_window_fallbacks: rules,
        content_policy_fallbacks: rules,
        default_fallbacks: fc.array(name, { maxLength: 3 }),
        model_group_alias: fc.dictionary(
          name,
          fc.oneof(name, fc.record({ model: name, hidden: fc.boolean() })),
        ),
      },
      { requiredKeys: [] },
    ),
    litellm_settings: fc.record(
      { drop_params: fc.boolean(), num_retries: loose },
      { requiredKeys: [] },
    ),
    general_settings: fc.record(
      { master_key: fc.constant(`sk-${secretMarker}`) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['model_list'] },
);

describe('convertLitellmConfig on arbitrary LiteLLM configurations', () => {
  it('always gives a valid Signalbox configuration and never copies a secret', () => {
    fc.assert(
      fc.property(config, (input) => {
        const result = convertLitellmConfig(input);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const validated = configFileSchema.safeParse(result.config);
        expect(validated.error?.issues ?? []).toEqual([]);
        expect(JSON.stringify(result)).not.toContain(secretMarker);
      }),
      { numRuns: 300 },
    );
  });
});
