import type { SecretValue } from '../lib/secret-value.ts';
import type { ConfigProblem } from './config-problem.ts';
import type { Environment } from './environment.ts';
import type { TracingConfig } from './gateway-config.ts';
import { resolveSecretReference } from './resolve-secret-reference.ts';
import type { TracingEntry } from './tracing-schema.ts';

/**
 * `tracing:` with defaults applied and header secret references resolved (`${env:...}`,
 * `${file:...}`; stored credentials are refused, as for every setting outside providers).
 * Undefined when the section is absent: tracing is off. Problems are added to `problems`.
 */
export function resolveTracingConfig(
  entry: TracingEntry | undefined,
  options: { readonly environment: Environment; readonly baseDirectory: string },
  problems: ConfigProblem[],
): TracingConfig | undefined {
  if (entry === undefined) {
    return undefined;
  }
  const headers = new Map<string, SecretValue>();
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    const resolution = resolveSecretReference(value, options.environment, options.baseDirectory);
    if (resolution.ok) {
      headers.set(name.toLowerCase(), resolution.secret);
    } else {
      problems.push({ path: `tracing.headers.${name}`, message: resolution.message });
    }
  }
  return {
    otlpEndpoint: entry.otlp_endpoint,
    headers,
    serviceName: entry.service_name ?? 'signalbox',
    sampleRatio: entry.sample_ratio ?? 1,
    timeoutMs: entry.timeout_ms ?? 10_000,
  };
}
