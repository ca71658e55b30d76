import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRoutes } from '../../src/http/create-http-server.ts';
import { loadConsoleRoutes } from '../../src/http/console/console-routes.ts';
import { buildConsole } from '../helpers/build-console.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { Router, type Route, type RouteAccess } from '../../src/http/router.ts';
import type { RouteHandler } from '../../src/http/routes/route-handler.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 A3, B4, B5 and OWASP API5/API9: every route the server answers is in one table,
// each with a declared access level, and each goes through the one dispatcher's authentication.
// Adding a route without adding it here fails this file, so a new route's access is reviewed.

/** The whole route inventory: `METHOD path` → access. Keep in step with docs/api.md. */
const expectedAccess: Readonly<Record<string, RouteAccess>> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'platform',
  'POST /v1/chat/completions': 'model',
  'POST /v1/embeddings': 'model',
  'POST /v1/responses': 'model',
  'GET /v1/models': 'model',
  'POST /v1/messages': 'model',
  'POST /v1/messages/count_tokens': 'model',
  'POST /admin/keys': 'tenant',
  'GET /admin/keys': 'tenant',
  'GET /admin/keys/:id': 'tenant',
  'PATCH /admin/keys/:id': 'tenant',
  'DELETE /admin/keys/:id': 'tenant',
  'POST /admin/orgs': 'tenant',
  'GET /admin/orgs': 'tenant',
  'GET /admin/orgs/:id': 'tenant',
  'PATCH /admin/orgs/:id': 'tenant',
  'POST /admin/teams': 'tenant',
  'GET /admin/teams': 'tenant',
  'GET /admin/teams/:id': 'tenant',
  'PATCH /admin/teams/:id': 'tenant',
  'POST /admin/users': 'tenant',
  'GET /admin/users': 'tenant',
  'GET /admin/users/:id': 'tenant',
  'PATCH /admin/users/:id': 'tenant',
  'POST /admin/credentials': 'admin',
  'GET /admin/credentials': 'admin',
  'POST /admin/credentials/rotate': 'admin',
  'PUT /admin/credentials/:name': 'admin',
  'DELETE /admin/credentials/:name': 'admin',
  'GET /admin/spend': 'tenant',
  'GET /admin/budgets': 'tenant',
  'POST /admin/budgets': 'admin',
  'PATCH /admin/budgets/:id': 'admin',
  'DELETE /admin/budgets/:id': 'admin',
  'GET /admin/requests': 'tenant',
  'GET /admin/requests/stats': 'tenant',
  'GET /admin/requests/:id': 'tenant',
  'GET /admin/routing/savings': 'tenant',
  'GET /admin/routing/routers': 'platform',
  'GET /admin/routing/routers/:name/curve': 'platform',
  'GET /admin/policy': 'platform',
  'PUT /admin/policy': 'admin',
  'GET /admin/policy/versions': 'platform',
  'GET /admin/policy/diff': 'platform',
  'GET /admin/policy/versions/:version': 'platform',
  'POST /admin/policy/versions/:version/activate': 'admin',
  'GET /admin/prompts': 'platform',
  'GET /admin/prompts/:id': 'platform',
  'POST /admin/prompts/:id/versions': 'admin',
  'GET /admin/prompts/:id/versions/:version': 'platform',
  'PUT /admin/prompts/:id/labels/:label': 'admin',
  'POST /admin/prompts/:id/labels/:label/rollback': 'admin',
  'DELETE /admin/prompts/:id/labels/:label': 'admin',
  'POST /admin/prompts/:id/render': 'platform',
  'GET /admin/prompts/:id/stats': 'platform',
  'GET /admin/context-documents': 'platform',
  'GET /admin/context-documents/:id': 'platform',
  'POST /admin/context-documents/:id/versions': 'admin',
  'GET /admin/context-documents/:id/versions/:version': 'platform',
  'POST /admin/context-documents/:id/versions/:version/approve': 'admin',
  'POST /admin/context-documents/:id/versions/:version/revoke': 'admin',
  'GET /admin/context-attachments': 'platform',
  'POST /admin/context-attachments': 'admin',
  'DELETE /admin/context-attachments/:id': 'admin',
  'GET /admin/audit/proof': 'platform',
  'GET /admin/audit/status': 'platform',
  'POST /admin/audit/verify': 'platform',
  'GET /admin/audit/payloads/:seq': 'admin',
  'DELETE /admin/audit/payload-keys/:org': 'admin',
  'POST /admin/cache/invalidate': 'tenant',
  'POST /admin/session': 'public',
  'GET /admin/session': 'public',
  'DELETE /admin/session': 'public',
  'POST /v1/route': 'model',
  'POST /v1/route/messages': 'model',
  'POST /v1/route/responses': 'model',
  'GET /admin/deployments': 'platform',
};

/**
 * What each public route answers a caller with no credentials at all: nothing but liveness,
 * readiness and the session routes (which read the key from the body or the cookie).
 */
const anonymousAnswers: Readonly<Record<string, number>> = {
  'GET /health/live': 200,
  'GET /health/ready': 200,
  'POST /admin/session': 400,
  'GET /admin/session': 401,
  'DELETE /admin/session': 401,
};

const label = (route: Route<RouteHandler>): string => `${route.method} ${route.path}`;

/** A concrete path for a route pattern, checked to reach that very route. */
function concretePath(route: Route<RouteHandler>, router: Router<RouteHandler>): string {
  const path = route.path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? (segment === ':seq' ? '1' : 'abc') : segment))
    .join('/');
  const match = router.match(route.method, path);
  if (match.kind !== 'found' || match.route !== route) {
    throw new Error(`${label(route)}: ${path} does not reach the route`);
  }
  return path;
}

let harness: TestGateway;
let consoleRoutes: Route<RouteHandler>[];
let modelKey: string;

// The console is built here: the suite runs before `npm run build` in CI.
const consoleDirectory = joinPath(mkdtempSync(joinPath(tmpdir(), 'signalbox-console-')), 'ui');

beforeAll(async () => {
  await buildConsole(consoleDirectory);
  harness = await startTestGateway({
    consoleDirectory,
    config: `
providers:
  - { id: mock, type: mock }
`,
  });
  modelKey = await harness.createKey({ name: 'model-only' });
  consoleRoutes = await loadConsoleRoutes(consoleDirectory);
}, 120_000);

afterAll(async () => {
  await harness.close();
});

async function status(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(harness.url + path, { method, headers });
  await response.arrayBuffer();
  return response.status;
}

describe('the route table', () => {
  it('is exactly the reviewed inventory, each route with its access level', () => {
    const actual = Object.fromEntries(gatewayRoutes.map((route) => [label(route), route.access]));
    expect(gatewayRoutes.length, 'a route is registered twice').toBe(Object.keys(actual).length);
    expect(actual).toEqual(expectedAccess);
    for (const route of gatewayRoutes) {
      if (route.access === 'model') {
        expect(route.modelRoute, `${label(route)} has no model route name`).toBeDefined();
      }
    }
  });

  it('holds every route any route module exports, so none is served beside the dispatcher', async () => {
    const directory = new URL('../../src/http/routes/', import.meta.url);
    const modules = readdirSync(directory).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
    );
    let exported = 0;
    for (const name of modules) {
      const module = (await import(new URL(name, directory).href)) as Record<string, unknown>;
      for (const [exportName, value] of Object.entries(module)) {
        if (!Array.isArray(value) || !value.some((entry) => isRoute(entry))) continue;
        for (const route of value as Route<RouteHandler>[]) {
          exported += 1;
          expect(gatewayRoutes, `${name} ${exportName}: ${label(route)}`).toContain(route);
        }
      }
    }
    expect(exported).toBe(gatewayRoutes.length);
  });

  it('serves the console build only as public GET routes under /ui', () => {
    expect(consoleRoutes.length).toBeGreaterThanOrEqual(2);
    for (const route of consoleRoutes) {
      expect(route.method).toBe('GET');
      expect(route.access).toBe('public');
      expect(route.path === '/ui' || route.path.startsWith('/ui/'), route.path).toBe(true);
      expect(route.path).not.toMatch(/\.\.|%|\/\/|:/);
    }
  });
});

describe('every route through the one dispatcher', () => {
  it('refuses every non-public route without credentials (401), whatever it is', async () => {
    const router = new Router(gatewayRoutes);
    const refused: string[] = [];
    for (const route of gatewayRoutes.filter((candidate) => candidate.access !== 'public')) {
      const path = concretePath(route, router);
      expect(await status(route.method, path), label(route)).toBe(401);
      expect(
        await status(route.method, path, { authorization: `Bearer sb-wrong-${'x'.repeat(40)}` }),
        label(route),
      ).toBe(401);
      refused.push(label(route));
    }
    expect(refused.length).toBe(gatewayRoutes.length - Object.keys(anonymousAnswers).length);
  });

  it('serves exactly the expected public set to anonymous callers', async () => {
    const publicRoutes = gatewayRoutes.filter((route) => route.access === 'public');
    expect(publicRoutes.map(label).sort()).toEqual(Object.keys(anonymousAnswers).sort());
    for (const route of publicRoutes) {
      expect(await status(route.method, route.path), label(route)).toBe(
        anonymousAnswers[label(route)],
      );
    }
    for (const route of consoleRoutes) {
      expect(await status('GET', route.path), route.path).toBe(200);
    }
  });

  it('keeps a model-only key out of every admin route (403) and lets it reach model routes', async () => {
    const router = new Router(gatewayRoutes);
    const headers = { authorization: `Bearer ${modelKey}` };
    for (const route of gatewayRoutes) {
      const path = concretePath(route, router);
      const answer = await status(route.method, path, headers);
      if (route.access === 'model') {
        expect([401, 403], label(route)).not.toContain(answer);
      } else if (route.access !== 'public') {
        expect(answer, label(route)).toBe(403);
      }
    }
  });

  it('lets the admin key past authentication on every route (so the 401s above are auth)', async () => {
    const router = new Router(gatewayRoutes);
    const headers = { authorization: `Bearer ${testAdminKey}` };
    for (const route of gatewayRoutes.filter((candidate) => candidate.access !== 'public')) {
      const answer = await status(route.method, concretePath(route, router), headers);
      expect([401, 403], label(route)).not.toContain(answer);
    }
  });
});

function isRoute(value: unknown): value is Route<RouteHandler> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'method' in value &&
    'path' in value &&
    'access' in value &&
    'handler' in value
  );
}
