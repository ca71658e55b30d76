/** Credentials the test providers use (fake; the upstreams are loopback test doubles). */
export const testProviderEnvironment: Readonly<Record<string, string>> = {
  TEST_PROVIDER_KEY: 'test-provider-key-abcdef',
  TEST_AWS_ACCESS_KEY_ID: 'AKIDEXAMPLETEST12345',
  TEST_AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/**
 * A provider of each egress dialect, by dialect id, pointed at `origin` (a test double), as
 * configuration YAML. The provider id is the dialect id, so `<dialect>/<model>` names a model.
 */
export function egressProviderYaml(dialect: string, origin: string): string {
  const key = 'api_key: "${env:TEST_PROVIDER_KEY}"';
  const common = `id: ${dialect}, allow_any_model: true, models: [echo, fast]`;
  switch (dialect) {
    case 'openai-chat':
      return `  - { ${common}, type: openai-compatible, base_url: "${origin}/v1", ${key} }`;
    case 'anthropic-messages':
      return `  - { ${common}, type: anthropic, base_url: "${origin}/v1", ${key} }`;
    case 'gemini-generate-content':
      return `  - { ${common}, type: gemini, base_url: "${origin}/v1beta", ${key} }`;
    case 'bedrock-converse':
      return `  - { ${common}, type: bedrock, base_url: "${origin}", region: us-east-1, aws_access_key_id: "\${env:TEST_AWS_ACCESS_KEY_ID}", aws_secret_access_key: "\${env:TEST_AWS_SECRET_ACCESS_KEY}" }`;
    case 'cohere-chat':
      return `  - { ${common}, type: cohere, base_url: "${origin}", ${key} }`;
    case 'mistral-chat':
      // The mock serves Mistral under /mistral (its path is OpenAI's); a replay upstream ignores paths.
      return `  - { ${common}, type: mistral, base_url: "${origin}/mistral/v1", ${key} }`;
    case 'openai-responses':
      return `  - { ${common}, type: openai-responses, base_url: "${origin}/v1", ${key} }`;
    default:
      throw new Error(`no test provider for dialect ${dialect}`);
  }
}

/** Every egress dialect with a test provider. */
export const egressDialects = [
  'openai-chat',
  'anthropic-messages',
  'gemini-generate-content',
  'bedrock-converse',
  'cohere-chat',
  'mistral-chat',
  'openai-responses',
] as const;
