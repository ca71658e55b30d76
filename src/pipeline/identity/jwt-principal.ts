import { defaultOrganisationId } from '../../storage/ports.ts';
import type { JwtIdentity } from './jwt-identity.ts';
import type { Principal } from './principal.ts';

/**
 * The principal of a caller with a verified JWT. The natural person is the token's user; the
 * calling agent is its `agent` claim (the application), else the subject. Its key id, which
 * budgets, limits and the ledger count by, is `jwt:<subject>`. A token grants every model and
 * route its role allows; narrower grants need virtual keys. Pure.
 */
export function principalFromJwt(identity: JwtIdentity): Principal {
  return Object.freeze({
    role: identity.role,
    org: identity.org ?? defaultOrganisationId,
    userId: identity.user,
    agent: identity.agent ?? `jwt:${identity.subject}`,
    keyId: `jwt:${identity.subject}`,
    keyName: identity.email ?? identity.user,
    team: identity.team,
    tags: Object.freeze([]),
    allowedModels: null,
    allowedRoutes: null,
    maxOutputTokens: null,
    expiresAt: identity.expiresAt,
  });
}
