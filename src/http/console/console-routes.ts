import type { OutgoingHttpHeaders } from 'node:http';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Route } from '../router.ts';
import type { RouteHandler } from '../routes/route-handler.ts';
import {
  defaultConsoleDirectory,
  loadConsoleFiles,
  type ConsoleFile,
  type ConsoleFiles,
} from './console-files.ts';

/**
 * The console's Content-Security-Policy: everything from the gateway itself, no inline script.
 * uPlot and React set styles through the CSSOM, which `style-src 'self'` allows, so no
 * 'unsafe-inline' is needed.
 */
export const consoleContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function headersFor(file: ConsoleFile): OutgoingHttpHeaders {
  return {
    'content-type': file.contentType,
    'cache-control': file.cacheControl,
    'content-security-policy': consoleContentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

function serve(file: ConsoleFile): RouteHandler {
  return (exchange) => {
    exchange.send(200, file.body, headersFor(file));
    return Promise.resolve({ status: 200, outcome: 'completed' });
  };
}

const notBuilt: RouteHandler = () => {
  throw new GatewayError('SB_ERR_ROUTE_NOT_FOUND', {
    detail: 'The admin console is not built: run `npm run build` (it writes dist/ui).',
  });
};

/**
 * The console's routes: one literal `GET` route per built file (`/ui/assets/index-abc.js`), and
 * `/ui` and `/ui/` for index.html. They are public (the files hold no data; the console signs in
 * against the admin API). Literal routes keep the one dispatcher and its exact path matching as
 * the only way in: a path that is not a built file, `/ui/../x` or `/ui/%2e%2e/` included, is not
 * a route and gets the normal not-found answer. Without a build, `/ui` says how to make one.
 */
export function consoleRoutes(files: ConsoleFiles | undefined): Route<RouteHandler>[] {
  const index = files?.get('/ui/index.html');
  if (files === undefined || index === undefined) {
    return [
      { method: 'GET', path: '/ui', access: 'public', handler: notBuilt },
      { method: 'GET', path: '/ui/', access: 'public', handler: notBuilt },
    ];
  }
  const routes: Route<RouteHandler>[] = [
    { method: 'GET', path: '/ui', access: 'public', handler: serve(index) },
    { method: 'GET', path: '/ui/', access: 'public', handler: serve(index) },
  ];
  for (const [path, file] of files) {
    routes.push({ method: 'GET', path, access: 'public', handler: serve(file) });
  }
  return routes;
}

/** Reads the console build (default dist/ui) and returns its routes; see `consoleRoutes`. */
export async function loadConsoleRoutes(
  directory: URL | string = defaultConsoleDirectory,
): Promise<Route<RouteHandler>[]> {
  return consoleRoutes(await loadConsoleFiles(directory));
}
