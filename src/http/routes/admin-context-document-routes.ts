import type { Route } from '../router.ts';
import { callerOf, notFound, readAdminJson, readAdminQuery } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';
import { readVersionNumber } from '../../lib/version-number.ts';

/** A version's body carries its content (up to 64 KiB), more than other admin objects. */
const maxDocumentBodyBytes = 256 * 1024;

const idOf = (params: Readonly<Record<string, string>>): string => params.id ?? '';

/** The path's version number (one spelling: no leading zero); 404 when it is not one. */
function versionOf(params: Readonly<Record<string, string>>): number {
  return readVersionNumber(params.version) ?? notFound('version');
}

const listDocuments: RouteHandler = async (exchange, dependencies) => {
  readAdminQuery(exchange, []);
  exchange.sendJson(200, {
    object: 'list',
    data: await dependencies.gateway.contextDocuments.list(),
  });
  return { status: 200, outcome: 'completed' };
};

const getDocument: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.contextDocuments.get(idOf(exchange.params));
  exchange.sendJson(200, view ?? notFound('id'));
  return { status: 200, outcome: 'completed' };
};

/** `POST /admin/context-documents/:id/versions`: a new draft version (approve it to serve it). */
const createVersion: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const body = await readAdminJson(exchange, maxDocumentBodyBytes);
  const view = await dependencies.gateway.contextDocuments.createVersion(
    id,
    body,
    callerOf(exchange).agent,
  );
  exchange.adminChange = { document: id, version: view.version, sha256: view.sha256 };
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

const getVersion: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.contextDocuments.version(
    idOf(exchange.params),
    versionOf(exchange.params),
  );
  exchange.sendJson(200, view ?? notFound('version'));
  return { status: 200, outcome: 'completed' };
};

const approveVersion: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const version = versionOf(exchange.params);
  const view = await dependencies.gateway.contextDocuments.approve(
    id,
    version,
    callerOf(exchange).agent,
  );
  exchange.adminChange = { document: id, version, action: 'approve', sha256: view.sha256 };
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const revokeVersion: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const version = versionOf(exchange.params);
  const body = await readAdminJson(exchange);
  const view = await dependencies.gateway.contextDocuments.revoke(
    id,
    version,
    body,
    callerOf(exchange).agent,
  );
  exchange.adminChange = { document: id, version, action: 'revoke', sha256: view.sha256 };
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const listAttachments: RouteHandler = async (exchange, dependencies) => {
  readAdminQuery(exchange, []);
  exchange.sendJson(200, {
    object: 'list',
    data: await dependencies.gateway.contextDocuments.attachments(),
  });
  return { status: 200, outcome: 'completed' };
};

const attach: RouteHandler = async (exchange, dependencies) => {
  const body = await readAdminJson(exchange);
  const view = await dependencies.gateway.contextDocuments.attach(body, callerOf(exchange).agent);
  exchange.adminChange = {
    attachment: view.id,
    document: view.document,
    scope: view.scope,
    target: view.target,
    version: view.version,
    on_stale: view.on_stale,
  };
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

const detach: RouteHandler = async (exchange, dependencies) => {
  const id = idOf(exchange.params);
  const removed = await dependencies.gateway.contextDocuments.detach(id, callerOf(exchange).agent);
  if (!removed) notFound('id');
  exchange.adminChange = { attachment: id, removed: true };
  exchange.send(204, '', {});
  return { status: 204, outcome: 'completed' };
};

/**
 * Context document administration (`/admin/context-documents`, `/admin/context-attachments`):
 * install-wide, so platform admins write and platform readers read. Versions are immutable
 * drafts until approved; approvals, revocations and attachments are audited as admin actions
 * naming the document, version and content hash.
 */
export const adminContextDocumentRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/context-documents', access: 'platform', handler: listDocuments },
  { method: 'GET', path: '/admin/context-documents/:id', access: 'platform', handler: getDocument },
  {
    method: 'POST',
    path: '/admin/context-documents/:id/versions',
    access: 'admin',
    handler: createVersion,
  },
  {
    method: 'GET',
    path: '/admin/context-documents/:id/versions/:version',
    access: 'platform',
    handler: getVersion,
  },
  {
    method: 'POST',
    path: '/admin/context-documents/:id/versions/:version/approve',
    access: 'admin',
    handler: approveVersion,
  },
  {
    method: 'POST',
    path: '/admin/context-documents/:id/versions/:version/revoke',
    access: 'admin',
    handler: revokeVersion,
  },
  {
    method: 'GET',
    path: '/admin/context-attachments',
    access: 'platform',
    handler: listAttachments,
  },
  { method: 'POST', path: '/admin/context-attachments', access: 'admin', handler: attach },
  {
    method: 'DELETE',
    path: '/admin/context-attachments/:id',
    access: 'admin',
    handler: detach,
  },
];
