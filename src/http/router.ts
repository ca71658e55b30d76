import type { IngressCodec } from '../dialects/dialect-codec.ts';
import type { ModelRouteName } from '../gateway/gateway.ts';

/**
 * Who may call a route: anyone (`public`); model-calling roles (`model`, also subject to the
 * key's allowed routes); every admin-API role, with per-object checks in the handler (`tenant`);
 * platform admins only (`admin`: install-wide objects such as provider credentials); or those
 * who may read install-wide state (`platform`). The rules: `pipeline/identity/authorisation.ts`.
 */
export type RouteAccess = 'public' | 'model' | 'tenant' | 'admin' | 'platform';

export interface Route<Handler> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Literal segments and `:name` parameters, such as `/admin/keys/:id`. */
  readonly path: string;
  readonly access: RouteAccess;
  /** For `model` routes: the name a key's `allowed_routes` lists to allow it. */
  readonly modelRoute?: ModelRouteName;
  /** The dialect whose error shape the route answers in (OpenAI's when unset). */
  readonly errorCodec?: IngressCodec | undefined;
  readonly handler: Handler;
}

export type RouteMatch<Handler> =
  | {
      readonly kind: 'found';
      readonly route: Route<Handler>;
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

interface CompiledRoute<Handler> {
  readonly route: Route<Handler>;
  readonly segments: readonly string[];
}

const parameterPattern = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Matches request paths against a fixed route table. Paths are compared exactly as received
 * (no percent-decoding, no dot-segment resolution), so what is authorised is what is routed.
 * Parameters accept only `[A-Za-z0-9_-]`.
 */
export class Router<Handler> {
  readonly #literal = new Map<string, Route<Handler>[]>();
  readonly #parameterised: CompiledRoute<Handler>[] = [];

  constructor(routes: readonly Route<Handler>[]) {
    for (const route of routes) {
      if (route.path.includes(':')) {
        this.#parameterised.push({ route, segments: route.path.split('/') });
      } else {
        const existing = this.#literal.get(route.path) ?? [];
        existing.push(route);
        this.#literal.set(route.path, existing);
      }
    }
  }

  match(method: string, path: string): RouteMatch<Handler> {
    const literal = this.#literal.get(path);
    if (literal !== undefined) {
      const route = literal.find((candidate) => candidate.method === method);
      return route === undefined
        ? { kind: 'wrong-method', allowed: literal.map((candidate) => candidate.method) }
        : { kind: 'found', route, params: {} };
    }
    const segments = path.split('/');
    const allowed: string[] = [];
    for (const compiled of this.#parameterised) {
      const params = matchSegments(compiled.segments, segments);
      if (params === undefined) {
        continue;
      }
      if (compiled.route.method === method) {
        return { kind: 'found', route: compiled.route, params };
      }
      allowed.push(compiled.route.method);
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'not-found' };
  }
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const expected = pattern[index] ?? '';
    const actual = segments[index] ?? '';
    if (expected.startsWith(':')) {
      if (!parameterPattern.test(actual)) {
        return undefined;
      }
      params[expected.slice(1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
