import { budgetSchema, checkBudgets } from './budget-schema.ts';
import { headerNameSchema, httpUrlSchema } from './http-url-schema.ts';
import { z } from 'zod';
import { auditSchema } from './audit-schema.ts';
import { cacheSchema } from './cache-schema.ts';
import { secretReference, secretReferencePattern } from './secret-reference-schema.ts';
import { storageSchema } from './storage-schema.ts';
import type { AuthSchemeId } from '../auth/auth-scheme-id.ts';
import { findProviderType, providerTypeNames } from '../providers/provider-registry.ts';
import { modelFactsMapSchema } from './model-facts-schema.ts';
import { checkLearnedRouterNames, learnedRouterSchema } from './learned-router-schema.ts';
import { modelGroupSchema } from './model-group-schema.ts';
import { modelNameSchema } from './model-name-schema.ts';
import { routingDefaultsSchema } from './routing-schema.ts';
import { checkRateLimits, rateLimitSchema } from './rate-limit-schema.ts';
import { checkModelGroups } from './check-model-groups.ts';
import { authSchema } from './auth-schema.ts';
import { tracingSchema } from './tracing-schema.ts';

const identifier = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be 1-63 characters: lowercase letters, digits, "-" and "_", starting with a letter or digit',
  );

const modelName = modelNameSchema;

const milliseconds = (maximum: number) => z.int().positive().max(maximum);

/** Header names whose configured values must be secret references. */
export const credentialHeaderPattern =
  /^(authorization|proxy-authorization|cookie|api-key|x-api-key|.*-token|.*-secret)$/i;

const baseUrlText = httpUrlSchema({
  credentialsHint: 'use api_key with a secret reference',
  allowQuery: false,
});

const baseUrl = baseUrlText;

const timeoutsSchema = z
  .strictObject({
    connect_ms: milliseconds(120_000).optional().describe('Time allowed to open a connection.'),
    first_byte_ms: milliseconds(600_000)
      .optional()
      .describe('Time allowed from sending the request to the response headers.'),
    idle_ms: milliseconds(600_000)
      .optional()
      .describe('Longest silence allowed between two chunks of a response body.'),
    total_ms: milliseconds(3_600_000).optional().describe('Time allowed for the whole exchange.'),
  })
  .describe('Upstream timeouts for this provider.');

/** Region and project names go into host names and paths, so only plain names are accepted. */
const cloudName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and "-"');

const authSchemeIds = [
  'bearer',
  'none',
  'x-api-key',
  'azure-api-key',
  'google-api-key',
  'gcp-service-account',
  'aws-sigv4',
  'azure-entra',
] as const satisfies readonly AuthSchemeId[];

const azureAdSchema = z
  .strictObject({
    tenant_id: z.string().regex(/^[\w.-]{1,128}$/, 'must be a tenant id or domain'),
    client_id: z.string().regex(/^[\w-]{1,128}$/, 'must be an application (client) id'),
    client_secret: secretReference.describe('Client secret, as a secret reference.'),
    authority_host: baseUrlText
      .optional()
      .describe(
        'Identity authority; default https://login.microsoftonline.com (set it for sovereign clouds).',
      ),
  })
  .describe('Microsoft Entra ID application credentials (Azure OpenAI with auth: azure-entra).');

const mockOptionsSchema = z
  .strictObject({
    latency_ms: z.int().min(0).max(600_000).optional().describe('Delay before the first byte.'),
    tokens_per_second: z
      .number()
      .positive()
      .max(1_000_000)
      .optional()
      .describe('Streaming speed; unset streams as fast as possible.'),
  })
  .describe('Options of the built-in mock provider (type: mock only).');

export const providerSchema = z
  .strictObject({
    id: identifier.describe('Name used in model targets and in `<id>/<model>` model names.'),
    type: z.enum(providerTypeNames as [string, ...string[]]).describe('Provider type.'),
    base_url: baseUrl
      .optional()
      .describe("API root, set by the operator. Defaults to the provider's public API."),
    api_key: secretReference.optional().describe('API key, as a secret reference.'),
    headers: z
      .record(headerNameSchema, z.string().max(8192))
      .optional()
      .describe('Extra headers sent with every request to this provider.'),
    timeouts: timeoutsSchema.optional(),
    models: z
      .array(modelName)
      .optional()
      .describe('Model names exposed as `<id>/<model>`. Defaults to the type catalogue.'),
    allow_any_model: z
      .boolean()
      .optional()
      .describe('Also route `<id>/<any name>` to this provider, not only the listed models.'),
    drop_unsupported_params: z
      .boolean()
      .optional()
      .describe(
        'Drop request parameters this provider cannot honour (reported in x-signalbox-dropped-params) instead of refusing the request.',
      ),
    auth: z
      .enum(authSchemeIds)
      .optional()
      .describe(
        "Authentication scheme, where the type accepts several. Defaults to the type's first.",
      ),
    region: cloudName.optional().describe('Cloud region (Bedrock, Vertex AI).'),
    project: cloudName.optional().describe('Google Cloud project id (Vertex AI).'),
    api_version: z
      .string()
      .regex(/^[\w.-]{1,40}$/, 'must be an API version such as 2024-10-21')
      .optional()
      .describe('API version (Azure OpenAI `api-version`).'),
    aws_access_key_id: secretReference
      .optional()
      .describe('AWS access key id, as a secret reference.'),
    aws_secret_access_key: secretReference
      .optional()
      .describe('AWS secret access key, as a secret reference.'),
    aws_session_token: secretReference
      .optional()
      .describe('AWS session token, as a secret reference.'),
    service_account: secretReference
      .optional()
      .describe('Google service-account key JSON, as a secret reference (usually ${file:...}).'),
    azure_ad: azureAdSchema.optional(),
    model_facts: modelFactsMapSchema
      .optional()
      .describe(
        "Capabilities and prices of this provider's models, by model name, over the built-in table.",
      ),
    mock: mockOptionsSchema.optional(),
  })
  .superRefine((provider, context) => {
    const definition = findProviderType(provider.type);
    if (definition === undefined) {
      return;
    }
    if (
      definition.defaultBaseUrl === undefined &&
      provider.base_url === undefined &&
      provider.type !== 'mock'
    ) {
      context.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: `is required for providers of type "${provider.type}"`,
      });
    }
    if (provider.type === 'mock' && provider.base_url !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: 'is not allowed for the built-in mock provider (it runs inside the gateway)',
      });
    }
    const scheme = provider.auth ?? definition.auth[0] ?? 'none';
    if (provider.auth !== undefined && !definition.auth.includes(provider.auth)) {
      context.addIssue({
        code: 'custom',
        path: ['auth'],
        message: `must be one of ${definition.auth.join(', ')} for providers of type "${provider.type}"`,
      });
    }
    for (const [path, message] of missingCredentials(scheme, definition.requiresApiKey, provider)) {
      context.addIssue({ code: 'custom', path, message });
    }
    for (const setting of definition.requiredSettings) {
      if (provider[setting] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [setting],
          message: `is required for providers of type "${provider.type}"`,
        });
      }
    }
    if (provider.mock !== undefined && provider.type !== 'mock') {
      context.addIssue({
        code: 'custom',
        path: ['mock'],
        message: 'is only allowed with type: mock',
      });
    }
    for (const [name, value] of Object.entries(provider.headers ?? {})) {
      if (credentialHeaderPattern.test(name) && !secretReferencePattern.test(value)) {
        context.addIssue({
          code: 'custom',
          path: ['headers', name],
          message:
            'carries a credential, so its value must be a secret reference such as ${env:NAME}',
        });
      }
    }
  });

/** The credential settings an authentication scheme needs, as (path, message) pairs for those missing. */
function missingCredentials(
  scheme: AuthSchemeId,
  requiresApiKey: boolean,
  provider: {
    api_key?: string | undefined;
    aws_access_key_id?: string | undefined;
    aws_secret_access_key?: string | undefined;
    service_account?: string | undefined;
    azure_ad?: unknown;
    region?: string | undefined;
  },
): [string[], string][] {
  const missing: [string[], string][] = [];
  const need = (present: boolean, path: string, why: string): void => {
    if (!present) {
      missing.push([[path], `is required ${why}`]);
    }
  };
  switch (scheme) {
    case 'aws-sigv4':
      need(
        provider.aws_access_key_id !== undefined,
        'aws_access_key_id',
        'for AWS SigV4 authentication',
      );
      need(
        provider.aws_secret_access_key !== undefined,
        'aws_secret_access_key',
        'for AWS SigV4 authentication',
      );
      need(provider.region !== undefined, 'region', 'for AWS SigV4 authentication');
      break;
    case 'gcp-service-account':
      need(
        provider.service_account !== undefined,
        'service_account',
        'for Google service-account authentication',
      );
      break;
    case 'azure-entra':
      need(provider.azure_ad !== undefined, 'azure_ad', 'for Microsoft Entra ID authentication');
      break;
    case 'none':
      break;
    default:
      need(!requiresApiKey || provider.api_key !== undefined, 'api_key', 'for this provider type');
  }
  return missing;
}

export const serverSchema = z.strictObject({
  host: z.string().min(1).optional().describe('Address to listen on. Default 127.0.0.1.'),
  port: z.int().min(0).max(65_535).optional().describe('Port to listen on. Default 7878.'),
  max_body_bytes: z
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .optional()
    .describe('Largest request body accepted. Default 20 MiB.'),
  request_timeout_ms: milliseconds(3_600_000)
    .optional()
    .describe('Time allowed to receive a whole request from a client. Default 60 s.'),
  headers_timeout_ms: milliseconds(600_000)
    .optional()
    .describe('Time allowed to receive request headers. Default 10 s.'),
  keep_alive_timeout_ms: milliseconds(600_000)
    .optional()
    .describe('Idle time before a client connection is closed. Default 65 s.'),
  shutdown_grace_ms: milliseconds(600_000)
    .optional()
    .describe('Time in-flight requests get to finish on shutdown. Default 10 s.'),
  send_stall_ms: milliseconds(3_600_000)
    .optional()
    .describe(
      'How long an answer may wait on a client that takes none of its bytes before the connection is closed (recorded as client-closed). Default 60 s.',
    ),
  stream_drain_ms: z
    .int()
    .min(0)
    .max(600_000)
    .optional()
    .describe(
      'After a streaming client disconnects, how long to keep reading the provider stream to record the usage it bills; past it the stream is cut and the cost is recorded as an estimate. 0 cuts at once. Default 10 s.',
    ),
  ledger_backlog: z
    .int()
    .min(10)
    .max(1_000_000)
    .optional()
    .describe(
      'Spend ledger rows that may wait in memory while the database is unreachable; once that many wait, new model requests are refused (503 SB_ERR_LEDGER_BACKLOG) until they are written. Default 10000.',
    ),
  budget_hold_ttl_ms: z
    .int()
    .min(1_000)
    .max(604_800_000)
    .optional()
    .describe(
      'How long a budget hold may stay before the reaper settles it (its process died mid-request): at the cost its audit record gives, else at the held amount, marked estimated. Longer than any request, streams included. Default 1 h.',
    ),
});

export const logSchema = z.strictObject({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .describe('Default info.'),
  requests: z.boolean().optional().describe('Write one line per completed request. Default true.'),
});

export const requestLogSchema = z.strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe(
      'Keep the metadata of every request in the state database (GET /admin/requests). Default true.',
    ),
  retention_days: z
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Requests older than this many days are deleted. Default 30.'),
});

export const configFileSchema = z
  .strictObject({
    server: serverSchema.optional(),
    auth: authSchema.optional(),
    state_dir: z
      .string()
      .min(1)
      .optional()
      .describe('Where embedded state lives. Default ./.signalbox'),
    log: logSchema.optional(),
    request_log: requestLogSchema
      .optional()
      .describe('The searchable request log; see docs/request-log.md.'),
    tracing: tracingSchema
      .optional()
      .describe('OpenTelemetry traces sent to a collector; absent: no spans at all.'),
    audit: auditSchema.optional().describe('The tamper-evident audit trail; see docs/audit.md.'),
    cache: cacheSchema
      .optional()
      .describe('Exact and semantic response caches; see docs/caching.md.'),
    storage: storageSchema.optional(),
    providers_from_environment: z
      .boolean()
      .optional()
      .describe('Also configure providers whose API keys are in the environment. Default false.'),
    providers: z.array(providerSchema).optional(),
    routing: routingDefaultsSchema.optional(),
    models: z.array(modelGroupSchema).optional(),
    routers: z
      .array(learnedRouterSchema)
      .max(64)
      .optional()
      .describe('Learned routers trained with `signalbox route train`; see docs/routing.md.'),
    limits: z
      .array(rateLimitSchema)
      .optional()
      .describe('Rate limits enforced on every model request; see docs/configuration.md.'),
    budgets: z
      .array(budgetSchema)
      .max(1000)
      .optional()
      .describe('Spending budgets enforced on every model request; see docs/budgets.md.'),
    model_facts_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A JSON or YAML file of model capabilities and prices (the format of data/model-facts.json) applied over the built-in table; relative to this file.',
      ),
  })
  .superRefine((config, context) => {
    const providerIds = new Set<string>();
    (config.providers ?? []).forEach((provider, index) => {
      if (providerIds.has(provider.id)) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'id'],
          message: `"${provider.id}" is used by more than one provider`,
        });
      }
      providerIds.add(provider.id);
    });
    checkModelGroups(config.models ?? [], providerIds, context);
    checkLearnedRouterNames(config.models ?? [], config.routers ?? [], context);
    checkRateLimits(config.limits ?? [], context);
    checkBudgets(config.budgets ?? [], context);
  })
  .describe('Signalbox gateway configuration (signalbox.yaml).');

/** The configuration file as written, after validation (snake_case, secrets still references). */
export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderEntry = z.infer<typeof providerSchema>;
