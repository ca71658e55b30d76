import { GatewayError } from '../errors/gateway-error.ts';
import { isJsonObject } from '../lib/json.ts';

/**
 * Field names that, in some gateway or SDK, choose where a request goes or with which
 * credentials (LiteLLM `api_base`, Azure `azure_endpoint`, Portkey `custom_host`, ...). Compared
 * after lower-casing and dropping `_`, `-` and `.`, so `apiBase`, `API-BASE` and `api.base` match.
 */
const destinationFieldNames: ReadonlySet<string> = new Set([
  'apibase',
  'baseurl',
  'apiurl',
  'apiendpoint',
  'endpointurl',
  'azureendpoint',
  'azureadtoken',
  'azuredeployment',
  'customhost',
  'customllmprovider',
  'upstreamurl',
  'targeturl',
  'proxyurl',
  'apikey',
  'awsaccesskeyid',
  'awssecretaccesskey',
  'awssessiontoken',
  'vertexcredentials',
  'vertexproject',
]);

/**
 * Request headers that choose a destination in other gateways. Signalbox ignores them anyway;
 * rejecting them tells the client plainly that it cannot steer traffic.
 */
const destinationHeaderPattern =
  /^x-[a-z0-9-]*(custom-host|base-url|api-base|api-url|azure-endpoint|upstream-url|target-url|forward-to)$/;

/**
 * Paths of JSON Schema `properties` maps: their keys name fields the model will produce, not
 * settings, so a tool with a `base_url` parameter is legitimate.
 */
function isSchemaPropertiesMap(path: readonly (string | number)[]): boolean {
  const last = path[path.length - 1];
  if (last !== 'properties') {
    return false;
  }
  return path.includes('parameters') || path.includes('schema') || path.includes('input_schema');
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_.-]/g, '');
}

function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** Most nesting examined; deeper bodies are rejected rather than scanned without bound. */
const maxDepth = 64;

function findDestinationField(value: unknown, path: (string | number)[]): string | undefined {
  if (path.length > maxDepth) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: formatPath(path.slice(0, 3)),
      detail: `The body is nested more than ${maxDepth} levels deep.`,
    });
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      if (typeof item === 'object' && item !== null) {
        path.push(index);
        const found = findDestinationField(item, path);
        path.pop();
        if (found !== undefined) {
          return found;
        }
      }
    }
    return undefined;
  }
  if (!isJsonObject(value)) {
    return undefined;
  }
  const skipKeys = isSchemaPropertiesMap(path);
  for (const key of Object.keys(value)) {
    if (!skipKeys && destinationFieldNames.has(normalise(key))) {
      path.push(key);
      const found = formatPath(path);
      path.pop();
      return found;
    }
    const child = value[key];
    if (typeof child === 'object' && child !== null) {
      path.push(key);
      const found = findDestinationField(child, path);
      path.pop();
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}

/**
 * Rejects a request whose body (at any depth) or headers try to pick an upstream address or
 * credentials. Nothing is sent anywhere before this check. Throws `GatewayError` (400) naming the
 * field.
 */
export function rejectDestinationFields(body: unknown, headerNames: Iterable<string>): void {
  for (const name of headerNames) {
    if (destinationHeaderPattern.test(name.toLowerCase())) {
      throw new GatewayError('SB_ERR_REQUEST_DESTINATION_FIELD', { param: `header ${name}` });
    }
  }
  const found = findDestinationField(body, []);
  if (found !== undefined) {
    throw new GatewayError('SB_ERR_REQUEST_DESTINATION_FIELD', {
      param: found,
      detail: `Remove \`${found}\`.`,
    });
  }
}
