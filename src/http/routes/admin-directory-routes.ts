import { z } from 'zod';
import type { Route } from '../router.ts';
import { callerOf, notFound, readAdminBody, readAdminQuery } from './admin-json-body.ts';
import { identifierSchema, nameSchema } from './admin-key-schemas.ts';
import type { RouteHandler } from './route-handler.ts';

// Strict schemas: `id` (for users), `org` (for anyone but a platform admin, checked later),
// `created_at` and any unknown field are refused, never ignored.
const createOrganisationSchema = z.strictObject({ id: identifierSchema, name: nameSchema });
const renameSchema = z.strictObject({ name: nameSchema });
const createTeamSchema = z.strictObject({
  id: identifierSchema,
  name: nameSchema,
  org: identifierSchema.optional(),
});
const userRoleSchema = z.enum(['admin', 'team_admin', 'member', 'viewer']);
const teamsSchema = z
  .array(identifierSchema)
  .max(64)
  .refine((teams) => new Set(teams).size === teams.length, 'must not repeat a team');
const emailSchema = z.email().max(254);
const createUserSchema = z.strictObject({
  email: emailSchema,
  name: nameSchema,
  role: userRoleSchema.optional(),
  teams: teamsSchema.optional(),
  org: identifierSchema.optional(),
});
const updateUserSchema = z
  .strictObject({
    email: emailSchema.optional(),
    name: nameSchema.optional(),
    role: userRoleSchema.optional(),
    teams: teamsSchema.optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, 'must change at least one field');

const id = (params: Readonly<Record<string, string>>): string => params.id ?? '';

const createOrganisation: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, createOrganisationSchema);
  const view = await dependencies.gateway.directory.createOrganisation(callerOf(exchange), input);
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

const listOrganisations: RouteHandler = async (exchange, dependencies) => {
  readAdminQuery(exchange, []);
  const data = await dependencies.gateway.directory.listOrganisations(callerOf(exchange));
  exchange.sendJson(200, { object: 'list', data });
  return { status: 200, outcome: 'completed' };
};

const getOrganisation: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.directory.getOrganisation(
    callerOf(exchange),
    id(exchange.params),
  );
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const renameOrganisation: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, renameSchema);
  const view = await dependencies.gateway.directory.renameOrganisation(
    callerOf(exchange),
    id(exchange.params),
    input.name,
  );
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const createTeam: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, createTeamSchema);
  const view = await dependencies.gateway.directory.createTeam(callerOf(exchange), input);
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

const listTeams: RouteHandler = async (exchange, dependencies) => {
  const query = readAdminQuery(exchange, ['org']);
  const data = await dependencies.gateway.directory.listTeams(callerOf(exchange), query.org);
  exchange.sendJson(200, { object: 'list', data });
  return { status: 200, outcome: 'completed' };
};

const getTeam: RouteHandler = async (exchange, dependencies) => {
  const query = readAdminQuery(exchange, ['org']);
  const view = await dependencies.gateway.directory.getTeam(
    callerOf(exchange),
    id(exchange.params),
    query.org,
  );
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const renameTeam: RouteHandler = async (exchange, dependencies) => {
  const query = readAdminQuery(exchange, ['org']);
  const input = await readAdminBody(exchange, renameSchema);
  const view = await dependencies.gateway.directory.renameTeam(
    callerOf(exchange),
    id(exchange.params),
    input.name,
    query.org,
  );
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const createUser: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, createUserSchema);
  const view = await dependencies.gateway.directory.createUser(callerOf(exchange), input);
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

const listUsers: RouteHandler = async (exchange, dependencies) => {
  const query = readAdminQuery(exchange, ['org', 'team']);
  const data = await dependencies.gateway.directory.listUsers(callerOf(exchange), query);
  exchange.sendJson(200, { object: 'list', data });
  return { status: 200, outcome: 'completed' };
};

const getUser: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.directory.getUser(
    callerOf(exchange),
    id(exchange.params),
  );
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const updateUser: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, updateUserSchema);
  const updated = await dependencies.gateway.directory.updateUser(
    callerOf(exchange),
    id(exchange.params),
    input,
  );
  if (updated === undefined) {
    notFound();
  }
  exchange.sendJson(200, { ...updated.user, revoked_keys: updated.revokedKeys });
  return { status: 200, outcome: 'completed' };
};

/**
 * Organisations, teams and users under `/admin/orgs`, `/admin/teams` and `/admin/users`. Same
 * authentication as every admin route; what each caller may see and change is decided per
 * object (`pipeline/identity/authorisation.ts`), and what it may not see answers 404.
 */
export const adminDirectoryRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/orgs', access: 'tenant', handler: createOrganisation },
  { method: 'GET', path: '/admin/orgs', access: 'tenant', handler: listOrganisations },
  { method: 'GET', path: '/admin/orgs/:id', access: 'tenant', handler: getOrganisation },
  { method: 'PATCH', path: '/admin/orgs/:id', access: 'tenant', handler: renameOrganisation },
  { method: 'POST', path: '/admin/teams', access: 'tenant', handler: createTeam },
  { method: 'GET', path: '/admin/teams', access: 'tenant', handler: listTeams },
  { method: 'GET', path: '/admin/teams/:id', access: 'tenant', handler: getTeam },
  { method: 'PATCH', path: '/admin/teams/:id', access: 'tenant', handler: renameTeam },
  { method: 'POST', path: '/admin/users', access: 'tenant', handler: createUser },
  { method: 'GET', path: '/admin/users', access: 'tenant', handler: listUsers },
  { method: 'GET', path: '/admin/users/:id', access: 'tenant', handler: getUser },
  { method: 'PATCH', path: '/admin/users/:id', access: 'tenant', handler: updateUser },
];
