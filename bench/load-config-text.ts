import type { GatewayConfig } from '../src/config/gateway-config.ts';
import { parseConfigText, resolveConfigFile } from '../src/config/load-config.ts';

/** A configuration from YAML text, for benchmarks; throws with every problem when invalid. */
export function loadConfigText(text: string): GatewayConfig {
  const parsed = parseConfigText(text);
  const loaded = parsed.ok
    ? resolveConfigFile(parsed.file, {
        source: { kind: 'file', path: 'bench.yaml' },
        baseDirectory: process.cwd(),
        environment: {},
        overrides: {},
        includeEnvironmentProviders: false,
      })
    : parsed;
  if (!loaded.ok) {
    throw new Error(
      loaded.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n'),
    );
  }
  return loaded.config;
}
