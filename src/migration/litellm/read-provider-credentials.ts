import { isJsonObject } from '../../lib/json.ts';
import type { LitellmPath } from './conversion-report.ts';
import type { DraftInput } from './draft-provider.ts';
import { environmentVariableOf, readSecret } from './litellm-secret.ts';
import { credentialHeaderPattern } from '../../config/config-schema.ts';
import type { DraftSecret } from './provider-draft.ts';

const headerName = /^[A-Za-z0-9-]{1,128}$/;
const credentialHeader = credentialHeaderPattern;

/**
 * `vertex_credentials` as a service-account reference: a file path becomes `${file:...}`, an
 * `os.environ/NAME` becomes `${env:NAME}` (which must then hold the key JSON itself), inline key
 * JSON is never copied, and no credentials (LiteLLM's Application Default Credentials) is noted.
 */
export function readServiceAccount(
  input: DraftInput,
  at: (key: string) => LitellmPath,
): DraftSecret {
  const setting = input.params.take('vertex_credentials');
  if (setting === undefined) {
    return {
      source: { kind: 'missing' },
      path: at('vertex_credentials'),
      reason:
        'LiteLLM used Application Default Credentials; Signalbox needs a service-account key (its JSON)',
    };
  }
  const variable = environmentVariableOf(setting.value);
  if (variable !== undefined) {
    input.report.note(
      setting.path,
      `carried as \${env:${variable}}: the variable must hold the key JSON itself; if it holds a path, write \${file:/that/path} instead`,
    );
    return { source: { kind: 'env', name: variable }, path: setting.path };
  }
  // A path has a directory separator or a .json name; any other text may be the key itself.
  if (
    typeof setting.value === 'string' &&
    /[/\\]|\.json$/i.test(setting.value.trim()) &&
    !setting.value.trim().startsWith('{')
  ) {
    const path = setting.value.trim();
    if (!path.startsWith('/')) {
      input.report.note(
        setting.path,
        'carried as ${file:...}: a relative path is read relative to the Signalbox configuration file',
      );
    }
    return { source: { kind: 'file', path }, path: setting.path };
  }
  return {
    source: { kind: 'literal', value: JSON.stringify(setting.value) },
    path: setting.path,
    reason: 'the key JSON written in the LiteLLM file is not copied',
  };
}

/** `extra_headers` and `headers`: plain values, or secrets for credential headers and `os.environ/` values. */
export function readHeaders(input: DraftInput): ReadonlyMap<string, string | DraftSecret> {
  const headers = new Map<string, string | DraftSecret>();
  for (const key of ['headers', 'extra_headers']) {
    const setting = input.params.take(key);
    if (setting === undefined) {
      continue;
    }
    if (!isJsonObject(setting.value)) {
      input.report.note(setting.path, 'not carried: expected a mapping of header names to values');
      continue;
    }
    for (const [name, value] of Object.entries(setting.value)) {
      const path = [...setting.path, name];
      const secret = readSecret(typeof value === 'number' ? String(value) : value);
      if (!headerName.test(name) || secret === undefined) {
        input.report.note(path, 'not carried: not a valid header name and text value');
      } else if (secret.kind === 'env' || credentialHeader.test(name)) {
        headers.set(name, {
          source: secret,
          path,
          reason:
            'a credential header value written in the LiteLLM file is not copied (the variable holds the whole value)',
        });
      } else {
        headers.set(name, secret.value);
      }
    }
  }
  return headers;
}
