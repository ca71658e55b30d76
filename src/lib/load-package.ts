import { createRequire } from 'node:module';

const requirePackage = createRequire(import.meta.url);

/**
 * Loads a dependency synchronously, the first time a feature that needs it is used; later calls
 * return the module Node has cached. For packages only some configurations use (the AWS signer
 * and event-stream codec of Bedrock providers, say), so that a gateway without that feature does
 * not parse, compile and keep them. The caller states the module's type (`loadPackage(name) as
 * typeof Codec`, with `import type * as Codec from name`). Throws as `require` does when the
 * package is missing.
 */
export function loadPackage(name: string): unknown {
  return requirePackage(name);
}
