import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configFileSchema, type ConfigFile } from '../../config/config-schema.ts';
import { parseConfigText } from '../../config/load-config.ts';
import { providerTypeNames } from '../../providers/provider-registry.ts';
import { convertLitellmConfig } from './convert-litellm-config.ts';
import { litellmProviderTable, vertexTypeByFamily } from './litellm-provider-table.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * Converts LiteLLM YAML (read as PyYAML reads it), checks the result against the Signalbox schema
 * and as config check parses it, and that the input was not touched.
 */
function convert(text: string): { config: ConfigFile; report: readonly string[] } {
  const input = deepFreeze(parse(text, { version: '1.1' }) as unknown);
  const result = convertLitellmConfig(input);
  if (!result.ok) {
    throw new Error(result.problems.join('\n'));
  }
  const validated = configFileSchema.safeParse(result.config);
  expect(validated.error?.issues ?? []).toEqual([]);
  const reparsed = parseConfigText(stringify(result.config));
  expect(reparsed.ok ? [] : reparsed.problems).toEqual([]);
  return { config: result.config, report: result.report };
}

const openaiKey = '${env:OPENAI_API_KEY}';

interface Case {
  readonly name: string;
  readonly litellm: string;
  readonly expected: ConfigFile;
  readonly report: readonly string[];
}

/** Realistic LiteLLM proxy configurations, shaped after LiteLLM's own docs, and what they become. */
const cases: readonly Case[] = [
  {
    name: 'load balancing across Azure and OpenAI with rpm and tpm',
    litellm: `
model_list:
  - model_name: gpt-3.5-turbo
    litellm_params:
      model: azure/chatgpt-v-2
      api_base: https://my-endpoint-europe-berri-992.openai.azure.com/
      api_key: os.environ/AZURE_API_KEY
      api_version: "2023-05-15"
      rpm: 900
  - model_name: gpt-3.5-turbo
    litellm_params:
      model: azure/chatgpt-functioncalling
      api_base: https://my-endpoint-canada-berri992.openai.azure.com/
      api_key: os.environ/AZURE_API_KEY
      api_version: "2023-05-15"
      rpm: 10
  - model_name: gpt-3.5-turbo
    litellm_params:
      model: gpt-3.5-turbo
      api_key: os.environ/OPENAI_API_KEY
      rpm: 1000
    tpm: 100000
router_settings:
  routing_strategy: simple-shuffle
`,
    expected: {
      providers: [
        {
          id: 'azure-my-endpoint-europe-berri-992',
          type: 'azure-openai',
          base_url: 'https://my-endpoint-europe-berri-992.openai.azure.com',
          api_key: '${env:AZURE_API_KEY}',
          api_version: '2023-05-15',
        },
        {
          id: 'azure-my-endpoint-canada-berri992',
          type: 'azure-openai',
          base_url: 'https://my-endpoint-canada-berri992.openai.azure.com',
          api_key: '${env:AZURE_API_KEY}',
          api_version: '2023-05-15',
        },
        { id: 'openai', type: 'openai', api_key: openaiKey },
      ],
      models: [
        {
          alias: 'gpt-3.5-turbo',
          strategy: 'weighted',
          targets: [
            {
              provider: 'azure-my-endpoint-europe-berri-992',
              model: 'chatgpt-v-2',
              weight: 900,
              rpm: 900,
            },
            {
              provider: 'azure-my-endpoint-canada-berri992',
              model: 'chatgpt-functioncalling',
              weight: 10,
              rpm: 10,
            },
            { provider: 'openai', model: 'gpt-3.5-turbo', weight: 1000, rpm: 1000, tpm: 100000 },
          ],
        },
      ],
    },
    report: [
      'litellm.model_list[2].litellm_params.model: no provider prefix; LiteLLM infers openai from the name, and so does the conversion',
      'litellm.model_list[0].model_name: carried: "gpt-3.5-turbo" is weighted by rpm, as LiteLLM\'s simple-shuffle does without weights',
    ],
  },
  {
    name: 'Bedrock and Vertex AI, with the credentials LiteLLM would find in the environment',
    litellm: `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/invoke/anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_region_name: us-west-2
      aws_access_key_id: os.environ/AWS_ACCESS_KEY_ID
      aws_secret_access_key: os.environ/AWS_SECRET_ACCESS_KEY
  - model_name: claude
    litellm_params:
      model: vertex_ai/claude-3-5-sonnet-v2@20241022
      vertex_project: acme-prod
      vertex_location: us-east5
      vertex_credentials: /run/secrets/vertex.json
    model_info:
      id: claude-vertex
  - model_name: gemini-flash
    litellm_params:
      model: vertex_ai/gemini-2.0-flash
      vertex_project: os.environ/VERTEXAI_PROJECT
      vertex_credentials: os.environ/VERTEX_SERVICE_ACCOUNT_JSON
  - model_name: llama
    litellm_params:
      model: bedrock/meta.llama3-3-70b-instruct-v1:0
      aws_region_name: us-east-1
      aws_role_name: arn:aws:iam::123456789012:role/bedrock
environment_variables:
  VERTEXAI_PROJECT: acme-prod
`,
    expected: {
      providers: [
        {
          id: 'bedrock-invoke-us-west-2',
          type: 'bedrock-anthropic',
          region: 'us-west-2',
          aws_access_key_id: '${env:AWS_ACCESS_KEY_ID}',
          aws_secret_access_key: '${env:AWS_SECRET_ACCESS_KEY}',
        },
        {
          id: 'vertex-claude-us-east5',
          type: 'vertex-anthropic',
          region: 'us-east5',
          project: 'acme-prod',
          service_account: '${file:/run/secrets/vertex.json}',
        },
        {
          id: 'vertex-us-central1',
          type: 'vertex-gemini',
          region: 'us-central1',
          project: 'acme-prod',
          service_account: '${env:VERTEX_SERVICE_ACCOUNT_JSON}',
        },
        {
          id: 'bedrock-us-east-1',
          type: 'bedrock',
          region: 'us-east-1',
          aws_access_key_id: '${env:AWS_ACCESS_KEY_ID}',
          aws_secret_access_key: '${env:AWS_SECRET_ACCESS_KEY}',
        },
      ],
      models: [
        {
          alias: 'claude',
          strategy: 'weighted',
          targets: [
            {
              provider: 'bedrock-invoke-us-west-2',
              model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
            },
            {
              provider: 'vertex-claude-us-east5',
              model: 'claude-3-5-sonnet-v2@20241022',
              id: 'claude-vertex',
            },
          ],
        },
        {
          alias: 'gemini-flash',
          targets: [{ provider: 'vertex-us-central1', model: 'gemini-2.0-flash' }],
        },
        {
          alias: 'llama',
          targets: [{ provider: 'bedrock-us-east-1', model: 'meta.llama3-3-70b-instruct-v1:0' }],
        },
      ],
    },
    report: [
      'litellm.model_list[2].litellm_params.vertex_project: carried: the value of VERTEXAI_PROJECT from environment_variables',
      'litellm.model_list[2].litellm_params.vertex_location: not set; region is us-central1',
      'litellm.model_list[2].litellm_params.vertex_credentials: carried as ${env:VERTEX_SERVICE_ACCOUNT_JSON}: the variable must hold the key JSON itself; if it holds a path, write ${file:/that/path} instead',
      'litellm.model_list[3].litellm_params.aws_access_key_id: not set; LiteLLM falls back to the AWS credential chain (variables, profiles, roles), Signalbox signs with keys: ${env:AWS_ACCESS_KEY_ID} and ${env:AWS_SECRET_ACCESS_KEY} are used',
      'litellm.model_list[3].litellm_params.aws_role_name: not carried: Signalbox signs Bedrock requests with access keys only (no roles or profiles)',
    ],
  },
  {
    name: 'fallbacks, context-window fallbacks and content-policy fallbacks',
    litellm: `
model_list:
  - model_name: gpt-3.5-turbo
    litellm_params: { model: openai/gpt-3.5-turbo, api_key: os.environ/OPENAI_API_KEY }
  - model_name: gpt-4
    litellm_params: { model: openai/gpt-4, api_key: os.environ/OPENAI_API_KEY }
  - model_name: gpt-3.5-turbo-16k
    litellm_params: { model: openai/gpt-3.5-turbo-16k, api_key: os.environ/OPENAI_API_KEY }
  - model_name: claude-opus
    litellm_params: { model: anthropic/claude-3-opus-20240229, api_key: os.environ/ANTHROPIC_API_KEY }
router_settings:
  num_retries: 2
  fallbacks: [{ "gpt-3.5-turbo": ["gpt-4"] }]
  context_window_fallbacks: [{ "gpt-3.5-turbo": ["gpt-3.5-turbo-16k", "claude-opus"] }]
  content_policy_fallbacks: [{ "gpt-4": ["claude-opus"] }, { "gpt-5": ["gpt-4"] }]
  default_fallbacks: ["claude-opus"]
litellm_settings:
  fallbacks: [{ "gpt-4": ["gpt-3.5-turbo"] }]
`,
    expected: {
      providers: [
        { id: 'openai', type: 'openai', api_key: openaiKey },
        { id: 'anthropic', type: 'anthropic', api_key: '${env:ANTHROPIC_API_KEY}' },
      ],
      routing: { retries: { max_retries: 2 } },
      models: [
        {
          alias: 'gpt-3.5-turbo',
          targets: [{ provider: 'openai', model: 'gpt-3.5-turbo' }],
          fallbacks: ['gpt-4', 'gpt-3.5-turbo-16k', 'claude-opus'],
        },
        {
          alias: 'gpt-4',
          targets: [{ provider: 'openai', model: 'gpt-4' }],
          fallbacks: ['claude-opus'],
          fallback_on: [
            'rate-limited',
            'overloaded',
            'server-error',
            'timeout',
            'connection',
            'auth',
            'not-found',
            'invalid-response',
            'unsupported',
            'context-length',
            'output-schema',
            'content-policy',
          ],
        },
        {
          alias: 'gpt-3.5-turbo-16k',
          targets: [{ provider: 'openai', model: 'gpt-3.5-turbo-16k' }],
          fallbacks: ['claude-opus'],
        },
        {
          alias: 'claude-opus',
          targets: [{ provider: 'anthropic', model: 'claude-3-opus-20240229' }],
        },
      ],
    },
    report: [
      "litellm.router_settings.num_retries: carried as routing.retries.max_retries (Signalbox retries the same deployment, then moves on to the group's next one)",
      'litellm.litellm_settings.fallbacks: not carried: router_settings.fallbacks takes precedence, as in LiteLLM',
      'litellm.router_settings.content_policy_fallbacks[1].gpt-5: not carried: "gpt-5" is not a model group of the converted configuration',
      'litellm.router_settings.context_window_fallbacks[0]["gpt-3.5-turbo"]: approximated: merged into models.gpt-3.5-turbo.fallbacks; Signalbox has one fallback list per group, so a context-length failure tries the general fallbacks (gpt-4) first, and other failures (rate limits, errors, timeouts) fall back to these too',
      'litellm.router_settings.content_policy_fallbacks[0].gpt-4: approximated: merged into models.gpt-4.fallbacks (and content-policy added to its fallback_on); Signalbox has one fallback list per group, so a content-policy refusal also moves on to the next deployment of the group',
    ],
  },
  {
    name: 'a literal key, a wildcard and an unknown provider',
    litellm: `
model_list:
  - model_name: fast
    litellm_params:
      model: groq/llama-3.1-8b-instant
      api_key: gsk_live_0123456789abcdef
      temperature: 0.2
  - model_name: "openai/*"
    litellm_params:
      model: "openai/*"
      api_key: os.environ/OPENAI_API_KEY
  - model_name: "*"
    litellm_params:
      model: "*"
  - model_name: custom
    litellm_params:
      model: sagemaker/jumpstart-dft-meta-textgeneration-llama-2-7b
      aws_region_name: us-west-2
  - model_name: private
    litellm_params:
      model: someprovider/some-model
      api_base: http://10.0.0.7:9000
general_settings:
  master_key: sk-1234
`,
    expected: {
      providers: [
        { id: 'groq', type: 'groq', api_key: '${env:GROQ_API_KEY}' },
        { id: 'openai', type: 'openai', api_key: openaiKey, allow_any_model: true },
      ],
      models: [{ alias: 'fast', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] }],
    },
    report: [
      'litellm.model_list[1].litellm_params.model: carried as allow_any_model on the provider: clients send <provider id>/<model> for any model',
      'litellm.model_list[2].litellm_params.model: not carried: "*" names no provider (write it as <provider>/<model>); the deployment is left out',
      'litellm.model_list[3].litellm_params.model: not carried: SageMaker endpoints are not a Signalbox provider type; the deployment is left out (a server that speaks the OpenAI API can be added as type openai-compatible)',
      'litellm.model_list[4].litellm_params.model: not carried: Signalbox has no provider type for LiteLLM\'s "someprovider" provider; the deployment is left out (a server that speaks the OpenAI API can be added as type openai-compatible)',
      'litellm.model_list[0].litellm_params.api_key: action needed: a secret written in the LiteLLM file is not copied; api_key is ${env:GROQ_API_KEY}, so export GROQ_API_KEY before starting Signalbox',
      "litellm.model_list[0].litellm_params.temperature: not carried: a LiteLLM call parameter with no Signalbox provider setting (request parameters are the client's to send)",
      'litellm.general_settings.master_key: not carried: Signalbox creates its own admin key on first start (or takes SIGNALBOX_ADMIN_KEY); create virtual keys with `signalbox keys create`',
    ],
  },
  {
    name: 'servers, shared credentials, order, timeouts, prices and group aliases',
    litellm: `
credential_list:
  - credential_name: azure-eu
    credential_values:
      api_base: https://contoso-eu.openai.azure.com
      api_version: "2024-10-21"
      tenant_id: 72f988bf-86f1-41af-91ab-2d7cd011db47
      client_id: 5e2f3c1a-0000-4000-8000-000000000001
      client_secret: os.environ/AZURE_CLIENT_SECRET
    credential_info:
      description: EU tenant
  - credential_name: unused
    credential_values:
      api_key: os.environ/UNUSED
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      litellm_credential_name: azure-eu
      order: 1
      timeout: 120
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
      organization: org-abc
      order: 2
      extra_headers:
        X-Team: search
        Authorization: Bearer sk-literal-header
  - model_name: local-llama
    litellm_params:
      model: ollama_chat/llama3.1
      api_base: http://localhost:11434
      api_key: ollama-dummy
  - model_name: local-llama
    litellm_params:
      model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct
      api_base: http://vllm.internal:8000/v1
  - model_name: compat
    litellm_params:
      model: openai/qwen2.5
      api_base: https://llm.example.com/v1?key=abc
  - model_name: claude-proxy
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: https://anthropic-proxy.example.com/v1/messages
      api_key: os.environ/ANTHROPIC_PROXY_KEY
    model_info:
      input_cost_per_token: 0.000003
      output_cost_per_token: 0.000015
      max_input_tokens: 200000
      supports_vision: true
      base_model: claude-sonnet-4-5
      mode: chat
      custom_field: x
router_settings:
  routing_strategy: latency-based-routing
  model_group_alias:
    gpt-4: gpt-4o
    gpt-4-hidden: { model: gpt-4o, hidden: true }
    missing: nowhere
  timeout: 600
  enable_pre_call_checks: true
litellm_settings:
  request_timeout: 300
  drop_params: true
  set_verbose: true
`,
    expected: {
      providers: [
        {
          id: 'azure-contoso-eu',
          type: 'azure-openai',
          base_url: 'https://contoso-eu.openai.azure.com',
          auth: 'azure-entra',
          azure_ad: {
            tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
            client_id: '5e2f3c1a-0000-4000-8000-000000000001',
            client_secret: '${env:AZURE_CLIENT_SECRET}',
          },
          api_version: '2024-10-21',
          timeouts: { total_ms: 600000 },
          drop_unsupported_params: true,
        },
        {
          id: 'openai',
          type: 'openai',
          api_key: openaiKey,
          headers: {
            'X-Team': 'search',
            Authorization: '${env:OPENAI_HEADER_AUTHORIZATION}',
            'OpenAI-Organization': 'org-abc',
          },
          timeouts: { total_ms: 600000 },
          drop_unsupported_params: true,
        },
        {
          id: 'ollama',
          type: 'ollama',
          base_url: 'http://localhost:11434/v1',
          timeouts: { total_ms: 600000 },
          drop_unsupported_params: true,
        },
        {
          id: 'vllm',
          type: 'vllm',
          base_url: 'http://vllm.internal:8000/v1',
          timeouts: { total_ms: 600000 },
          drop_unsupported_params: true,
        },
        {
          id: 'openai-compatible',
          type: 'openai-compatible',
          base_url: 'https://llm.example.com/v1',
          timeouts: { total_ms: 600000 },
          drop_unsupported_params: true,
        },
        {
          id: 'anthropic',
          type: 'anthropic',
          base_url: 'https://anthropic-proxy.example.com/v1',
          api_key: '${env:ANTHROPIC_PROXY_KEY}',
          timeouts: { total_ms: 600000 },
          drop_unsupported_params: true,
          model_facts: {
            'claude-sonnet-4-5': {
              context_window: 200000,
              vision: true,
              price: { input: 3, output: 15 },
            },
          },
        },
      ],
      models: [
        {
          alias: 'gpt-4o',
          strategy: 'priority',
          targets: [
            {
              provider: 'azure-contoso-eu',
              model: 'gpt-4o',
              priority: 1,
              timeouts: { total_ms: 120000 },
            },
            { provider: 'openai', model: 'gpt-4o', priority: 2 },
          ],
        },
        {
          alias: 'local-llama',
          strategy: 'least-latency',
          targets: [
            { provider: 'ollama', model: 'llama3.1' },
            { provider: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct' },
          ],
        },
        { alias: 'compat', targets: [{ provider: 'openai-compatible', model: 'qwen2.5' }] },
        { alias: 'claude-proxy', targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
        { alias: 'gpt-4', targets: [{ alias: 'gpt-4o' }] },
        { alias: 'gpt-4-hidden', targets: [{ alias: 'gpt-4o' }] },
      ],
    },
    report: [
      'litellm.router_settings.model_group_alias.gpt-4-hidden.hidden: not carried: Signalbox lists every model group',
      'litellm.litellm_settings.request_timeout: not carried: router_settings.timeout takes precedence, as in LiteLLM',
      "litellm.router_settings.timeout: carried as every provider's timeouts.total_ms (a deployment's own timeout still wins)",
      `litellm.model_list[2].litellm_params.api_base: carried as base_url "http://localhost:11434/v1": LiteLLM calls Ollama's own API at the server root, Signalbox its OpenAI-compatible API under /v1`,
      "litellm.model_list[2].litellm_params.api_key: not carried: Signalbox's ollama provider sends no key",
      'litellm.model_list[4].litellm_params.api_base: carried without its query string (a Signalbox base URL has none)',
      "litellm.model_list[4].litellm_params.api_base: carried as a provider of type openai-compatible (LiteLLM's openai/ with an api_base reaches any server that speaks the same API)",
      'litellm.model_list[5].litellm_params.api_base: carried as base_url "https://anthropic-proxy.example.com/v1": LiteLLM adds /v1/messages to api_base, Signalbox adds /messages to base_url',
      "litellm.model_list[5].model_info.base_model: not carried: Signalbox has no base_model; the deployment's prices and limits come from model_facts (carried where model_info gives them)",
      'litellm.model_list[5].model_info.mode: not needed: Signalbox tells chat from embeddings by the endpoint called',
      'litellm.router_settings.model_group_alias.missing: not carried: "nowhere" is not a model group of the converted configuration',
      'litellm.model_list[1].litellm_params.extra_headers.Authorization: action needed: a credential header value written in the LiteLLM file is not copied (the variable holds the whole value); headers.Authorization is ${env:OPENAI_HEADER_AUTHORIZATION}, so export OPENAI_HEADER_AUTHORIZATION before starting Signalbox',
      'litellm.credential_list[1]: not carried: no deployment uses this credential',
      'litellm.model_list[5].model_info.custom_field: not carried: Signalbox model facts have no such field',
      "litellm.router_settings.enable_pre_call_checks: not needed: Signalbox always checks that a request fits a deployment's context window before sending it",
      'litellm.litellm_settings.set_verbose: not carried: for verbose logs set log.level: debug',
    ],
  },
];

describe('convertLitellmConfig', () => {
  it.each(cases)('converts $name', ({ litellm, expected, report }) => {
    const result = convert(litellm);
    expect(result.config).toEqual(expected);
    expect(result.report).toEqual(report);
  });
});

describe('the provider table', () => {
  it('maps every LiteLLM prefix to a provider type Signalbox has', () => {
    const types = [
      ...[...litellmProviderTable.values()].flatMap((mapping) => [
        mapping.type,
        mapping.typeWithOwnBase ?? mapping.type,
      ]),
      ...vertexTypeByFamily.map((family) => family.type),
      'bedrock-anthropic',
    ];
    expect(types.filter((type) => !providerTypeNames.includes(type))).toEqual([]);
  });
});

/** Two deployments of one group, with router settings appended. */
function twoDeployments(
  routerSettings: string,
  params: readonly [string, string] = ['', ''],
): string {
  return `
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY${params[0]} }
  - model_name: chat
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY${params[1]} }
${routerSettings}`;
}

describe('routing strategies', () => {
  it.each([
    ['simple-shuffle', 'weighted'],
    ['least-busy', 'least-busy'],
    ['usage-based-routing', 'usage-aware'],
    ['usage-based-routing-v2', 'usage-aware'],
    ['latency-based-routing', 'least-latency'],
    ['cost-based-routing', 'lowest-cost'],
  ])('routing_strategy %s becomes strategy %s', (litellmStrategy, strategy) => {
    const { config } = convert(
      twoDeployments(`router_settings: { routing_strategy: ${litellmStrategy} }`),
    );
    expect(config.models?.[0]?.strategy).toBe(strategy);
  });

  it("uses weighted, LiteLLM's default, when no strategy is set, and reports one it does not know", () => {
    expect(convert(twoDeployments('')).config.models?.[0]?.strategy).toBe('weighted');
    const unknown = convert(
      twoDeployments('router_settings: { routing_strategy: provider-budget-routing }'),
    );
    expect(unknown.config.models?.[0]?.strategy).toBe('weighted');
    expect(unknown.report).toEqual([
      'litellm.router_settings.routing_strategy: not carried: "provider-budget-routing" has no Signalbox strategy; groups use weighted (LiteLLM\'s default, simple-shuffle)',
    ]);
  });

  it('turns order into priority, putting deployments without order last and reporting ties', () => {
    const { config, report } = convert(`
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY, order: 2 }
  - model_name: chat
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY, order: 1 }
  - model_name: chat
    litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: os.environ/GROQ_API_KEY }
  - model_name: chat
    litellm_params: { model: mistral/mistral-large-latest, api_key: os.environ/MISTRAL_API_KEY }
router_settings: { routing_strategy: least-busy }
`);
    expect(config.models?.[0]).toMatchObject({
      strategy: 'priority',
      targets: [{ priority: 2 }, { priority: 1 }, { priority: 3 }, { priority: 3 }],
    });
    expect(report).toEqual([
      'litellm.model_list[0].model_name: approximated: deployments of "chat" without order come last (priority 3)',
      'litellm.model_list[0].model_name: approximated: deployments of "chat" with the same order are tried in file order, not by least-busy (a group with order uses strategy priority)',
    ]);
  });

  it('keeps explicit weights for the weighted strategy', () => {
    const { config } = convert(twoDeployments('', [', weight: 9, rpm: 100', ', weight: 1']));
    expect(config.models?.[0]?.targets).toEqual([
      { provider: 'openai', model: 'gpt-4o', weight: 9, rpm: 100 },
      { provider: 'anthropic', model: 'claude-sonnet-4-5', weight: 1 },
    ]);
  });
});

describe('retries, cooldowns and timeouts', () => {
  it('carries router reliability settings into routing defaults, with approximations reported', () => {
    const { config, report } = convert(
      twoDeployments(`router_settings:
  num_retries: 8
  retry_after: 3
  allowed_fails: 2
  cooldown_time: 45
  retry_policy: { RateLimitErrorRetries: 3 }
  allowed_fails_policy: { TimeoutErrorAllowedFails: 12 }`),
    );
    expect(config.routing).toEqual({
      retries: { max_retries: 5, initial_delay_ms: 3000 },
      cooldown_ms: 45000,
      breaker: { open_ms: 45000, window_ms: 60000, min_requests: 3 },
    });
    expect(report).toEqual([
      "litellm.router_settings.num_retries: approximated: capped at 5, the most Signalbox allows; carried as routing.retries.max_retries (Signalbox retries the same deployment, then moves on to the group's next one)",
      'litellm.router_settings.retry_after: approximated: carried as routing.retries.initial_delay_ms, the cap of the first backoff (Signalbox waits a random time up to it, doubling per retry, and honours Retry-After)',
      'litellm.router_settings.cooldown_time: carried as routing.breaker.open_ms (after failures) and routing.cooldown_ms (after a rate limit without Retry-After)',
      'litellm.router_settings.allowed_fails: approximated: LiteLLM cools a deployment down after more than 2 failures in a minute; Signalbox opens its breaker when at least half of 3 or more requests in 60 s fail (routing.breaker.window_ms, min_requests)',
      'litellm.router_settings.retry_policy: not carried: Signalbox retries every retryable failure alike (routing.retries.max_retries)',
      "litellm.router_settings.allowed_fails_policy: not carried: Signalbox's breaker counts every failure alike",
    ]);
  });

  it('reads litellm_settings when router_settings does not say, and disable_cooldowns', () => {
    const { config } = convert(
      twoDeployments(`litellm_settings: { num_retries: 1, cooldown_time: 10 }
router_settings: { disable_cooldowns: true }`),
    );
    expect(config.routing).toEqual({
      retries: { max_retries: 1 },
      cooldown_ms: 0,
      breaker: { open_ms: 10000 },
    });
  });

  it('carries deployment timeouts in milliseconds, capped at what Signalbox allows', () => {
    const { config, report } = convert(
      twoDeployments('', [', timeout: 7200, stream_timeout: 30', ', timeout: 0.5']),
    );
    expect(config.models?.[0]?.targets).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o',
        timeouts: { total_ms: 3600000, idle_ms: 30000 },
      },
      { provider: 'anthropic', model: 'claude-sonnet-4-5', timeouts: { total_ms: 500 } },
    ]);
    expect(report).toContain(
      'litellm.model_list[0].litellm_params.timeout: approximated: capped at 3600 s, the most Signalbox allows',
    );
  });
});

describe('secrets', () => {
  const secrets = [
    'sk-proj-LITERAL0001',
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'PRIVATE-KEY-MATERIAL',
    'Bearer tok-LITERAL0002',
    'sk-master-LITERAL0003',
    'hunter2-db',
    'redis-LITERAL0004',
    'lf-secret-LITERAL0005',
    'client-secret-LITERAL0006',
  ];
  const litellm = `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_key: ${secrets[0]} }
  - model_name: claude
    litellm_params:
      model: bedrock/anthropic.claude-3-haiku-20240307-v1:0
      aws_region_name: eu-west-1
      aws_access_key_id: ${secrets[1]}
      aws_secret_access_key: ${secrets[2]}
  - model_name: gemini
    litellm_params:
      model: vertex_ai/gemini-2.5-pro
      vertex_project: p1
      vertex_location: europe-west1
      vertex_credentials: { type: service_account, private_key: ${secrets[3]} }
  - model_name: proxied
    litellm_params:
      model: openai/llama
      api_base: https://gateway.example.com/v1
      extra_headers: { Authorization: "${secrets[4]}" }
  - model_name: entra
    litellm_params:
      model: azure/gpt-4o
      api_base: https://acme.openai.azure.com
      api_version: "2024-10-21"
      tenant_id: t1
      client_id: c1
      client_secret: ${secrets[9]}
general_settings: { master_key: ${secrets[5]}, database_url: "postgresql://u:${secrets[6]}@db/litellm" }
router_settings: { redis_password: ${secrets[7]} }
environment_variables: { LANGFUSE_SECRET_KEY: ${secrets[8]} }
`;

  it('never copies a secret into the configuration or the report', () => {
    const { config, report } = convert(litellm);
    const written = `${stringify(config)}\n${report.join('\n')}`;
    for (const secret of secrets) {
      expect(written).not.toContain(secret);
    }
    expect(
      config.providers?.map((provider) => [
        provider.id,
        provider.api_key ??
          provider.aws_access_key_id ??
          provider.service_account ??
          provider.azure_ad?.client_secret,
      ]),
    ).toEqual([
      ['openai', '${env:OPENAI_API_KEY}'],
      ['bedrock-eu-west-1', '${env:BEDROCK_EU_WEST_1_AWS_ACCESS_KEY_ID}'],
      ['vertex-europe-west1', '${env:VERTEX_EUROPE_WEST1_SERVICE_ACCOUNT}'],
      ['openai-compatible', undefined],
      ['azure-acme', '${env:AZURE_ACME_AZURE_CLIENT_SECRET}'],
    ]);
    expect(report).toContain(
      'litellm.model_list[2].litellm_params.vertex_credentials: action needed: the key JSON written in the LiteLLM file is not copied; service_account is ${env:VERTEX_EUROPE_WEST1_SERVICE_ACCOUNT}, so export VERTEX_EUROPE_WEST1_SERVICE_ACCOUNT before starting Signalbox',
    );
  });

  it('gives two different literal keys of one provider two providers', () => {
    const { config } = convert(`
model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o, api_key: sk-one }
  - model_name: b
    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-two }
  - model_name: c
    litellm_params: { model: openai/gpt-4.1, api_key: sk-one }
`);
    expect(config.providers).toEqual([
      { id: 'openai', type: 'openai', api_key: '${env:OPENAI_API_KEY}' },
      { id: 'openai-2', type: 'openai', api_key: '${env:OPENAI_2_API_KEY}' },
    ]);
    expect(config.models?.map((group) => group.targets[0])).toEqual([
      { provider: 'openai', model: 'gpt-4o' },
      { provider: 'openai-2', model: 'gpt-4o-mini' },
      { provider: 'openai', model: 'gpt-4.1' },
    ]);
  });
});

describe('names', () => {
  it('keeps provider ids off alias prefixes, and reports when wildcard clients must change prefix', () => {
    const { config, report } = convert(`
model_list:
  - model_name: openai/gpt-4o
    litellm_params: { model: azure/gpt-4o, api_base: https://r1.openai.azure.com, api_key: os.environ/AZURE_API_KEY, api_version: "2024-10-21" }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_key: os.environ/OPENAI_API_KEY }
`);
    expect(config.providers?.map((provider) => provider.id)).toEqual(['azure-r1', 'openai-2']);
    expect(report).toContain(
      'litellm.model_list[1].model_name: approximated: the provider is named "openai-2", so clients send openai-2/<model> instead of openai/<model>',
    );
  });

  it('reports the target settings of a wildcard deployment, which has no group to carry them', () => {
    const { config, report } = convert(`
model_list:
  - model_name: "anthropic/*"
    litellm_params: { model: "anthropic/*", api_key: os.environ/ANTHROPIC_API_KEY, rpm: 100 }
    model_info: { id: any-claude }
`);
    expect(config.providers).toEqual([
      {
        id: 'anthropic',
        type: 'anthropic',
        api_key: '${env:ANTHROPIC_API_KEY}',
        allow_any_model: true,
      },
    ]);
    expect(config.models).toBeUndefined();
    expect(report).toEqual([
      'litellm.model_list[0].litellm_params.rpm: not carried: a wildcard deployment becomes a provider, not a model group, so it has no target to carry this',
      'litellm.model_list[0].model_info: not carried: a wildcard deployment becomes a provider, not a model group, so it has no target to carry this',
      'litellm.model_list[0].litellm_params.model: carried as allow_any_model on the provider: clients send <provider id>/<model> for any model',
    ]);
  });

  it('gives deployments that would share an id their own', () => {
    const { config, report } = convert(`
model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
    model_info: { id: shared }
  - model_name: b
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
    model_info: { id: shared }
  - model_name: c
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
  - model_name: c
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY, rpm: 10 }
`);
    expect(
      config.models?.flatMap((group) =>
        group.targets.map((target) => ('id' in target ? target.id : undefined)),
      ),
    ).toEqual(['shared', 'shared-2', undefined, 'openai/gpt-4o-2']);
    expect(report).toContain(
      'litellm.model_list[1].model_info.id: carried as "shared-2": the id is used by another deployment',
    );
  });

  it('leaves out deployments it cannot express, and says why', () => {
    const { config, report } = convert(`
model_list:
  - model_name: has space
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
  - model_name: mystery
    litellm_params: { model: my-private-model }
  - model_name: palm
    litellm_params: { model: vertex_ai/chat-bison, vertex_project: p, vertex_location: us-central1 }
  - model_name: "gpt-*"
    litellm_params: { model: openai/gpt-4o }
  - model_name: server
    litellm_params: { model: custom_openai/llama }
  - model_name: local
    litellm_params: { model: hosted_vllm/llama }
`);
    expect(config).toEqual({
      providers: [{ id: 'vllm', type: 'vllm' }],
      models: [{ alias: 'local', targets: [{ provider: 'vllm', model: 'llama' }] }],
    });
    expect(report).toEqual([
      'litellm.model_list[0].model_name: not carried: "has space" is not usable as a Signalbox alias (no spaces or control characters); the deployment is left out',
      'litellm.model_list[1].litellm_params.model: not carried: "my-private-model" names no provider (write it as <provider>/<model>); the deployment is left out',
      'litellm.model_list[2].litellm_params.model: not carried: Signalbox serves Gemini and Claude models on Vertex AI, not this one; the deployment is left out',
      'litellm.model_list[3].model_name: not carried: Signalbox has no model-name patterns; a pattern reaches one provider only as <provider id>/<model> (see allow_any_model)',
      'litellm.model_list[4].litellm_params.api_base: not carried: this deployment has no usable api_base, and its provider has no public address; the deployment is left out',
      'litellm.model_list[5].litellm_params.api_base: not set; base_url is the vllm default, http://127.0.0.1:8000/v1',
    ]);
  });

  it('fills what Azure needs from the environment LiteLLM would read, and asks for what is missing', () => {
    const { config, report } = convert(`
model_list:
  - model_name: gpt
    litellm_params: { model: azure/gpt-4o }
`);
    expect(config.providers).toEqual([
      {
        id: 'azure-your-resource',
        type: 'azure-openai',
        base_url: 'https://your-resource.openai.azure.com',
        api_key: '${env:AZURE_API_KEY}',
        api_version: '2024-10-21',
      },
    ]);
    expect(report).toEqual([
      'litellm.model_list[0].litellm_params.api_base: action needed: no Azure endpoint in the file (LiteLLM reads AZURE_API_BASE); base_url is set to https://your-resource.openai.azure.com, replace it with your resource endpoint',
      'litellm.model_list[0].litellm_params.api_version: not set; api_version is 2024-10-21 (Signalbox needs one; LiteLLM falls back to AZURE_API_VERSION or its own default)',
      'litellm.model_list[0].litellm_params.api_key: not set; LiteLLM reads AZURE_API_KEY, so api_key is ${env:AZURE_API_KEY}',
    ]);
  });
});

describe('input that is not a LiteLLM configuration', () => {
  it.each([
    ['', ['litellm: the file is empty']],
    [
      '- a\n- b',
      ['litellm: expected a mapping with model_list, router_settings, litellm_settings, ...'],
    ],
    ['providers: []', ['litellm.model_list: is missing; is this a LiteLLM proxy config.yaml?']],
    ['model_list: {}', ['litellm.model_list: must be a list of deployments']],
    [
      'model_list:\n  - model_name: x\n  - litellm_params: { model: "" }\n  - 3\nrouter_settings: [1]',
      [
        'litellm.model_list[0].litellm_params: is required (a mapping with at least model)',
        'litellm.model_list[1].model_name: is required (the name clients send)',
        'litellm.model_list[1].litellm_params.model: is required (such as openai/gpt-4o)',
        'litellm.model_list[2]: must be a mapping with model_name and litellm_params',
        'litellm.router_settings: must be a mapping',
      ],
    ],
  ])('refuses %j', (text, problems) => {
    expect(convertLitellmConfig(parse(text) as unknown)).toEqual({ ok: false, problems });
  });
});
