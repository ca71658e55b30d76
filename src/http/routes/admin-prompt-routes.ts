import { z } from 'zod';
import type { Route } from '../router.ts';
import {
  callerOf,
  firstIssue,
  notFound,
  readAdminJson,
  readAdminQuery,
} from './admin-json-body.ts';
import { instantSchema, rangeOf, requestLogOf } from './admin-request-log-routes.ts';
import type { RouteHandler } from './route-handler.ts';
import { readVersionNumber } from '../../lib/version-number.ts';

/** A template version's body may be larger than other admin objects (templates up to 64 KiB). */
const maxPromptBodyBytes = 256 * 1024;

const idOf = (params: Readonly<Record<string, string>>): string => params.id ?? '';
const labelOf = (params: Readonly<Record<string, string>>): string => params.label ?? '';

/** The path's version number (one spelling: no leading zero); 404 when it is not one. */
function versionOf(params: Readonly<Record<string, string>>): number {
  return readVersionNumber(params.version) ?? notFound('version');
}

const listPrompts: RouteHandler = async (exchange, dependencies) => {
  readAdminQuery(exchange, []);
  exchange.sendJson(200, { object: 'list', data: await dependencies.gateway.prompts.list() });
  return { status: 200, outcome: 'completed' };
};

const getPrompt: RouteHandler = async (exchange, dependencies) => {
  const prompt = await dependencies.gateway.prompts.get(idOf(exchange.params));
  exchange.sendJson(200, prompt ?? notFound('id'));
  return { status: 200, outcome: 'completed' };
};

/** `POST /admin/prompts/:id/versions`: 201 with a new version, 200 when the newest is the same. */
const createVersion: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const body = await readAdminJson(exchange, maxPromptBodyBytes);
  const result = await dependencies.gateway.prompts.createVersion(
    id,
    body,
    callerOf(exchange).agent,
  );
  exchange.adminChange = { prompt: id, version: result.version.version, created: result.created };
  const status = result.created ? 201 : 200;
  exchange.sendJson(status, { ...result.version, created: result.created });
  return { status, outcome: 'completed' };
};

const getVersion: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.prompts.version(
    idOf(exchange.params),
    versionOf(exchange.params),
  );
  exchange.sendJson(200, view ?? notFound('version'));
  return { status: 200, outcome: 'completed' };
};

/** `PUT /admin/prompts/:id/labels/:label`: `{version}` or a split `{targets: [{version, weight}]}`. */
const moveLabel: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const label = labelOf(exchange.params);
  const body = await readAdminJson(exchange);
  const before = await dependencies.gateway.prompts.get(id);
  const view = await dependencies.gateway.prompts.moveLabel(
    id,
    label,
    body,
    callerOf(exchange).agent,
  );
  exchange.adminChange = {
    prompt: id,
    label,
    from: before?.labels.find((entry) => entry.label === label)?.targets ?? [],
    to: view.targets,
  };
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

/** `POST /admin/prompts/:id/labels/:label/rollback`: back to where the label pointed before. */
const rollbackLabel: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const label = labelOf(exchange.params);
  const before = await dependencies.gateway.prompts.get(id);
  const view = await dependencies.gateway.prompts.rollbackLabel(
    id,
    label,
    callerOf(exchange).agent,
  );
  exchange.adminChange = {
    prompt: id,
    label,
    rollback: true,
    from: before?.labels.find((entry) => entry.label === label)?.targets ?? [],
    to: view.targets,
  };
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const removeLabel: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const label = labelOf(exchange.params);
  const removed = await dependencies.gateway.prompts.removeLabel(
    id,
    label,
    callerOf(exchange).agent,
  );
  if (!removed) notFound('label');
  exchange.adminChange = { prompt: id, label, removed: true };
  exchange.send(204, '', {});
  return { status: 204, outcome: 'completed' };
};

/** `POST /admin/prompts/:id/render`: what a request naming the prompt would be given. */
const renderPrompt: RouteHandler = async (exchange, dependencies) => {
  const body = await readAdminJson(exchange, maxPromptBodyBytes);
  const rendered = await dependencies.gateway.prompts.render(idOf(exchange.params), body);
  exchange.sendJson(200, {
    prompt: {
      id: rendered.provenance.id,
      version: rendered.provenance.version,
      label: rendered.provenance.label ?? null,
      sha256: rendered.provenance.sha256,
    },
    system: rendered.preamble.system,
    messages: rendered.preamble.messages,
  });
  return { status: 200, outcome: 'completed' };
};

const statsQuerySchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
});

/** How far back prompt statistics look when the query does not say. */
const defaultStatsWindowMs = 7 * 86_400_000;

/** `GET /admin/prompts/:id/stats`: each version's requests, errors, latency, tokens and cost. */
const promptStats: RouteHandler = async (exchange, dependencies) => {
  const requestLog = requestLogOf(dependencies);
  const query = statsQuerySchema.safeParse(readAdminQuery(exchange, ['from', 'to']));
  if (!query.success) throw firstIssue(query.error);
  const nowMs = exchange.clock.now();
  const { fromMs = nowMs - defaultStatsWindowMs, toMs = nowMs + 1 } = rangeOf(
    query.data,
    nowMs,
    nowMs - defaultStatsWindowMs,
  );
  const id = idOf(exchange.params);
  if ((await dependencies.gateway.prompts.get(id)) === undefined) notFound('id');
  const versions = await requestLog.promptStats(callerOf(exchange), id, fromMs, toMs);
  exchange.sendJson(200, {
    id,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    versions,
  });
  return { status: 200, outcome: 'completed' };
};

/**
 * Prompt template administration (`/admin/prompts`): install-wide, so platform admins write and
 * platform readers read. Versions are immutable; labels move (and roll back) by appending to
 * their history. Every write is audited as an admin action naming what it changed.
 */
export const adminPromptRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/prompts', access: 'platform', handler: listPrompts },
  { method: 'GET', path: '/admin/prompts/:id', access: 'platform', handler: getPrompt },
  { method: 'POST', path: '/admin/prompts/:id/versions', access: 'admin', handler: createVersion },
  {
    method: 'GET',
    path: '/admin/prompts/:id/versions/:version',
    access: 'platform',
    handler: getVersion,
  },
  { method: 'PUT', path: '/admin/prompts/:id/labels/:label', access: 'admin', handler: moveLabel },
  {
    method: 'POST',
    path: '/admin/prompts/:id/labels/:label/rollback',
    access: 'admin',
    handler: rollbackLabel,
  },
  {
    method: 'DELETE',
    path: '/admin/prompts/:id/labels/:label',
    access: 'admin',
    handler: removeLabel,
  },
  { method: 'POST', path: '/admin/prompts/:id/render', access: 'platform', handler: renderPrompt },
  { method: 'GET', path: '/admin/prompts/:id/stats', access: 'platform', handler: promptStats },
];
