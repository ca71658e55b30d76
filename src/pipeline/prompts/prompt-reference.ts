import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { readVersionNumber } from '../../lib/version-number.ts';
import { defaultLabel, promptIdPattern, promptLabelPattern, shortened } from './prompt-names.ts';

/** Which version of a prompt a request asks for: a number, or a label (`latest` included). */
export type PromptSelection =
  | { readonly version: number; readonly label?: undefined }
  | { readonly version?: undefined; readonly label: string };

/** A client's `prompt` field, checked: a prompt id, which version, and the variables given. */
export type PromptReference = PromptSelection & {
  readonly id: string;
  /** As the client sent them (checked against the template when rendering); may be undefined. */
  readonly variables: unknown;
};

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

/** A path under `prefix` (`prompt.` for a request's field, empty for an admin body). */
function pathOf(prefix: string, name: string): string {
  return `${prefix}${name}`;
}

/**
 * Reads `version` or `label` of an object (`null` counts as absent, as OpenAI's SDKs send it);
 * neither selects the `production` label. Throws `GatewayError` `SB_ERR_REQUEST_INVALID` for both
 * at once, a version that is not a positive integer (or string of digits), or a label that is
 * not a label name.
 */
export function readPromptSelection(record: JsonObject, prefix: string): PromptSelection {
  const versionGiven = record.version !== undefined && record.version !== null;
  const labelGiven = record.label !== undefined && record.label !== null;
  if (versionGiven && labelGiven) {
    throw invalid(pathOf(prefix, 'version'), 'Name a prompt version or a label, not both.');
  }
  if (versionGiven) {
    const version = readVersionNumber(record.version);
    if (version === undefined) {
      throw invalid(
        pathOf(prefix, 'version'),
        'A prompt version is a positive integer (or its digits as a string, without a leading zero).',
      );
    }
    return { version };
  }
  if (!labelGiven) return { label: defaultLabel };
  if (typeof record.label !== 'string' || !promptLabelPattern.test(record.label)) {
    throw invalid(
      pathOf(prefix, 'label'),
      'A prompt label is a lowercase letter, then up to 31 lowercase letters, digits, _ or -.',
    );
  }
  return { label: record.label };
}

const referenceFields = new Set(['id', 'version', 'label', 'variables']);

/**
 * Reads the `prompt` field of a chat request (docs/prompts.md): a strict object with `id`, at
 * most one of `version` and `label`, and `variables`. Pure; throws `GatewayError`
 * `SB_ERR_REQUEST_INVALID` naming the field at fault (`prompt.id`, `prompt.version`, …).
 */
export function readPromptReference(value: unknown): PromptReference {
  if (!isJsonObject(value)) {
    throw invalid('prompt', 'The prompt field must be an object with an id.');
  }
  for (const name of Object.keys(value)) {
    if (!referenceFields.has(name)) {
      const shown = shortened(name);
      throw invalid(
        `prompt.${shown}`,
        `The prompt field has no member \`${shown}\` (it takes id, version, label and variables).`,
      );
    }
  }
  const id = value.id;
  if (typeof id !== 'string' || !promptIdPattern.test(id)) {
    throw invalid(
      'prompt.id',
      'A prompt id is 1 to 64 lowercase letters, digits, ., _ or -, starting with a letter or digit.',
    );
  }
  const variables = value.variables;
  if (variables !== undefined && variables !== null && !isJsonObject(variables)) {
    throw invalid(
      'prompt.variables',
      'The prompt variables must be an object of names and values.',
    );
  }
  return { ...readPromptSelection(value, 'prompt.'), id, variables };
}
