import type { ConversionReport, LitellmPath } from './conversion-report.ts';

/**
 * A LiteLLM `api_base` as a Signalbox `base_url`: an absolute http(s) URL without credentials,
 * query or fragment (Signalbox refuses those; a key in a URL would be a secret in the file), and
 * without a trailing slash. Notes what was removed; undefined when the value is not a URL.
 */
export function toBaseUrl(
  raw: string,
  path: LitellmPath,
  report: ConversionReport,
): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    report.note(path, 'not carried: not an absolute URL');
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    report.note(path, 'not carried: Signalbox reaches providers over http or https only');
    return undefined;
  }
  const removed: string[] = [];
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
    removed.push('the credentials in it (set api_key instead)');
  }
  if (url.search !== '' || url.hash !== '') {
    url.search = '';
    url.hash = '';
    removed.push('its query string (a Signalbox base URL has none)');
  }
  if (removed.length > 0) {
    report.note(path, `carried without ${removed.join(' and ')}`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A base URL reduced for comparison: no trailing slash and no trailing `/v1`. */
function comparable(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '').toLowerCase();
}

/** Whether a base URL is the provider type's own public address (so `base_url` can be left out). */
export function isDefaultBaseUrl(url: string, defaultBaseUrl: string | undefined): boolean {
  return defaultBaseUrl !== undefined && comparable(url) === comparable(defaultBaseUrl);
}

/**
 * Moves a path LiteLLM appends by itself into the base URL: LiteLLM calls Anthropic at
 * `<api_base>/v1/messages` and Ollama at its root, where Signalbox appends `/messages` and
 * `/chat/completions` to `base_url`. A URL already ending in the suffix (or in the full endpoint)
 * keeps just the suffix.
 */
export function withPathSuffix(url: string, suffix: string): string {
  const trimmed = url
    .replace(/\/+$/, '')
    .replace(/\/(messages|chat\/completions|api\/chat|api\/generate)$/, '')
    .replace(/\/+$/, '');
  return trimmed.endsWith(suffix) ? trimmed : `${trimmed}${suffix}`;
}

const genericHostLabels = new Set(['api', 'www', 'gateway', 'inference', 'llm']);

/**
 * A short readable name for a host, for provider ids: `my-resource` for
 * `my-resource.openai.azure.com`, `together` for `api.together.xyz`, `10-0-0-5` for an address.
 */
export function hostQualifier(url: string | undefined): string | undefined {
  if (url === undefined) {
    return undefined;
  }
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (/^[\d.]+$/.test(hostname) || hostname.startsWith('[')) {
    return hostname.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  }
  const labels = hostname.split('.');
  return labels.find((label) => !genericHostLabels.has(label)) ?? labels[0];
}
