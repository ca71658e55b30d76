import { z } from 'zod';

/** Signalbox roles a token can map to (mirrors `signalboxRoleNames` of the pipeline). */
export const authRoleNames = ['admin', 'team_admin', 'member', 'viewer', 'service'] as const;

/** Asymmetric JWS algorithms a token may be signed with. */
export const jwtAlgorithmNames = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export const defaultJwtAlgorithms = ['RS256', 'ES256', 'EdDSA'] as const;

const role = z.enum(authRoleNames, { error: `must be one of ${authRoleNames.join(', ')}` });

const algorithm = z.string().superRefine((value, context) => {
  if (value.toLowerCase() === 'none') {
    context.addIssue({
      code: 'custom',
      message: '"none" means unsigned tokens, which are never accepted',
    });
  } else if (/^HS\d+$/i.test(value)) {
    context.addIssue({
      code: 'custom',
      message: `${value} is a shared-secret algorithm and is never accepted; use an asymmetric one (${defaultJwtAlgorithms.join(', ')})`,
    });
  } else if (!(jwtAlgorithmNames as readonly string[]).includes(value)) {
    context.addIssue({
      code: 'custom',
      message: `must be one of ${jwtAlgorithmNames.join(', ')}`,
    });
  }
});

/**
 * A claim path: a claim name, or names joined by dots for nested claims (`realm_access.roles`).
 * No spaces or control characters, no empty segment.
 */
const claimPath = z
  .string()
  .max(256)
  .regex(
    /^[^\s.]+(\.[^\s.]+)*$/,
    'must be a claim name or a dotted path such as realm_access.roles (no spaces, no empty segments)',
  );

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

const jwksUrl = z.string().superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be an absolute https URL' });
    return;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    context.addIssue({
      code: 'custom',
      message: 'must use https (plain http is allowed only for loopback hosts, in tests)',
    });
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    context.addIssue({ code: 'custom', message: 'must be an https URL' });
  }
  if (url.username !== '' || url.password !== '') {
    context.addIssue({ code: 'custom', message: 'must not contain credentials' });
  }
  if (url.hash !== '') {
    context.addIssue({ code: 'custom', message: 'must not contain a fragment' });
  }
});

const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .min(1)
  .max(2048);

const claimsSchema = z
  .strictObject({
    user: claimPath
      .optional()
      .describe('The natural person (or workload) behind the token. Default sub.'),
    email: claimPath.optional().describe('E-mail address, e.g. email.'),
    team: claimPath
      .optional()
      .describe('Team: a string claim, or an array claim whose first string is used.'),
    org: claimPath.optional().describe('Organisation, like team.'),
    role: claimPath
      .optional()
      .describe('Role: a string or array claim; the first value that maps to a role is used.'),
    agent: claimPath
      .optional()
      .describe('The calling application or agent, e.g. azp or client_id.'),
  })
  .describe('Where identity fields are read from the token claims.');

export const jwtAuthSchema = z
  .strictObject({
    issuer: text.describe('Required "iss" value: the identity provider issuer, exactly.'),
    audience: z
      .union([text, z.array(text).min(1, 'must name at least one audience')], {
        error: (issue) =>
          issue.input === undefined
            ? 'is required'
            : 'must be an audience or a non-empty list of audiences',
      })
      .describe('Accepted "aud" values; a token must name at least one.'),
    jwks_url: jwksUrl.optional().describe("The identity provider's JSON Web Key Set URL (https)."),
    jwks_file: z
      .string()
      .min(1)
      .optional()
      .describe('A JSON Web Key Set file, relative to this file; read when the config is loaded.'),
    algorithms: z
      .array(algorithm)
      .min(1, 'must name at least one algorithm')
      .optional()
      .describe(`Accepted signature algorithms. Default ${defaultJwtAlgorithms.join(', ')}.`),
    clock_tolerance_s: z
      .int()
      .min(0)
      .max(300)
      .optional()
      .describe('Clock skew allowed when checking exp and nbf, in seconds. Default 30.'),
    claims: claimsSchema.optional(),
    roles: z
      .record(z.string().min(1).max(256), role)
      .optional()
      .describe(
        'Identity provider role values to Signalbox roles. Default: values named like a Signalbox role map to it.',
      ),
    default_role: role
      .optional()
      .describe('Role of a token whose role claim maps to nothing. Default member.'),
    require_role: z
      .boolean()
      .optional()
      .describe('Refuse tokens whose role claim maps to no role. Default false.'),
  })
  .superRefine((jwt, context) => {
    if ((jwt.jwks_url === undefined) === (jwt.jwks_file === undefined)) {
      context.addIssue({
        code: 'custom',
        path: jwt.jwks_url === undefined ? [] : ['jwks_file'],
        message:
          jwt.jwks_url === undefined
            ? 'set jwks_url or jwks_file, where the identity provider keys come from'
            : 'set only one of jwks_url and jwks_file',
      });
    }
    if (jwt.claims?.role === undefined && jwt.roles !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['roles'],
        message: 'needs claims.role, the claim the roles are read from',
      });
    }
    if (jwt.claims?.role === undefined && jwt.require_role === true) {
      context.addIssue({
        code: 'custom',
        path: ['require_role'],
        message: 'needs claims.role, the claim the role is read from',
      });
    }
    if (jwt.require_role === true && jwt.default_role !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['default_role'],
        message: 'is never used with require_role: true; remove one of them',
      });
    }
  })
  .describe('Callers may authenticate with a JWT from the operator identity provider.');

export const authSchema = z
  .strictObject({ jwt: jwtAuthSchema.optional() })
  .describe('How callers authenticate besides virtual keys; see docs/authentication.md.');

export type AuthEntry = z.infer<typeof authSchema>;
export type JwtAuthEntry = z.infer<typeof jwtAuthSchema>;
