import { GatewayError } from '../errors/gateway-error.ts';
import type { KeyAuthenticator } from '../pipeline/identity/key-authenticator.ts';
import type { DirectoryAdministration } from '../pipeline/identity/directory-administration.ts';
import type { KeyAdministration } from '../pipeline/identity/key-administration.ts';
import type { RoutingEnvironment } from '../routing/route-model-request.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { AuditPayloadAccess } from './audit-payload-access.ts';
import type { ResponseCache } from '../pipeline/cache/response-cache.ts';
import type { AuditLogStore, RateLimitStore, VirtualKeyStore } from '../storage/ports.ts';
import type { Gateway } from './gateway.ts';
import type { CredentialAdministration } from './credential-administration.ts';
import { handleModelRequest } from './handle-model-request.ts';
import { auditConsistencyProof, auditInclusionProof } from '../pipeline/audit/audit-proofs.ts';
import type { PolicyService } from '../pipeline/policy/policy-service.ts';
import type { PromptService } from '../pipeline/prompts/prompt-service.ts';
import type { ContextDocumentService } from '../pipeline/context/context-document-service.ts';
import { createCallerAuthenticator } from './authenticate-caller.ts';
import { reportRoutingSavingsFor, reportSpendFor } from '../pipeline/budgets/spend-reports.ts';
import { learnedRouterStatus } from './learned-router-status.ts';
import type { SpendEnvironment } from '../pipeline/budgets/admit-spend.ts';
import type { ConcurrencyLeases } from '../pipeline/limits/concurrency-leases.ts';
import { listModels } from './list-models.ts';
import { listDeploymentStatus } from './deployment-status.ts';
import { recommendRoute } from './recommend-route.ts';
import type { AuditInspection } from './audit-inspection.ts';
import type { ConsoleSessionAccess } from './console-session-access.ts';
import { reportBudgetsFor } from '../pipeline/budgets/budget-report.ts';
import type { BudgetRuleService } from '../pipeline/budgets/budget-rule-service.ts';

export interface GatewayDependencies {
  readonly authenticator: KeyAuthenticator;
  /** Key administration on behalf of callers (scoping and grant checks included). */
  readonly keyAdministration: KeyAdministration;
  readonly directory: DirectoryAdministration;
  readonly keyStore: VirtualKeyStore;
  /** The routing table in force now; each request reads it once and keeps it to the end. */
  readonly routingTable: () => RoutingTable;
  readonly routing: RoutingEnvironment;
  /** Where configured rate limits (`limits:`) are counted. */
  readonly rateLimits: RateLimitStore;
  /** Told why a JWT was refused (for the log; the caller only hears 401). */
  readonly onJwtRefused?: (reason: string) => void;
  /** The tamper-evident audit log, for proofs. */
  readonly auditLog: AuditLogStore;
  /** The response cache in force (undefined: none configured). */
  readonly responseCache?: () => ResponseCache | undefined;
  /** Kept payloads, when payload retention is on. */
  readonly auditPayloads?: AuditPayloadAccess | undefined;
  /** Policy documents and the policy in force. */
  readonly policies: PolicyService;
  /** Prompt templates, rendered into requests that name one. */
  readonly prompts: PromptService;
  /** Context documents, injected into the requests they are attached to. */
  readonly contextDocuments: ContextDocumentService;
  /** Where concurrency limits (`max_concurrent`) hold their leases. */
  readonly concurrency: ConcurrencyLeases;
  /** Where budgets are held and spend is written (the ledger). */
  readonly spend: SpendEnvironment;
  /** The budgets in force (configured plus API-made) and their administration. */
  readonly budgets: BudgetRuleService;
  /** Stored provider credentials, for the admin API. */
  readonly credentials: CredentialAdministration;
  /** Audit status and verification for the admin API. */
  readonly auditInspection: AuditInspection;
  /** Console sign-in sessions. */
  readonly sessions: ConsoleSessionAccess;
}

/** Assembles the gateway use cases from their parts. */
export function createGateway(dependencies: GatewayDependencies): Gateway {
  const {
    authenticator,
    keyAdministration,
    directory,
    keyStore,
    routingTable,
    routing,
    rateLimits,
  } = dependencies;
  /** Refuses model patterns that match no configured model, naming the entry. */
  const checkModels = (models: readonly string[] | null | undefined): void => {
    const catalog = routingTable().catalog;
    for (const [index, pattern] of (models ?? []).entries()) {
      if (!catalog.matchesAnything(pattern)) {
        throw new GatewayError('SB_ERR_REQUEST_INVALID', {
          param: `models[${index}]`,
          detail: `\`${pattern}\` matches no configured model; GET /v1/models lists them.`,
        });
      }
    }
  };
  // Made once: requests read the budgets in force through it without allocating.
  const budgetsInForce = () => dependencies.budgets.inForce();
  return {
    authenticate: createCallerAuthenticator(
      authenticator,
      () => routingTable().config.auth?.jwt,
      routing.clock,
      dependencies.onJwtRefused ?? (() => undefined),
    ),
    handleModelRequest: (context, envelope) =>
      handleModelRequest(context, envelope, routingTable(), routing, {
        rateLimits,
        concurrency: dependencies.concurrency,
        policy: () => dependencies.policies.current(),
        spend: dependencies.spend,
        budgets: budgetsInForce,
        cache: () => dependencies.responseCache?.(),
      }),
    recommendRoute: (context, envelope) =>
      recommendRoute(context, envelope, routingTable(), routing, dependencies.policies.current()),
    deployments: () => listDeploymentStatus(routingTable(), routing.health, routing.clock),
    listModels: (principal) => listModels(routingTable(), principal),
    keys: {
      create(caller, request) {
        checkModels(request.models);
        return keyAdministration.create(caller, request);
      },
      list: (caller, request) => keyAdministration.list(caller, request),
      get: (caller, id) => keyAdministration.get(caller, id),
      update(caller, id, request) {
        checkModels(request.models);
        return keyAdministration.update(caller, id, request);
      },
      revoke: (caller, id) => keyAdministration.revoke(caller, id),
    },
    directory,
    audit: {
      inclusionProof: (seq, treeSize) => auditInclusionProof(dependencies.auditLog, seq, treeSize),
      consistencyProof: (oldSize, newSize) =>
        auditConsistencyProof(dependencies.auditLog, oldSize, newSize),
      payloads: dependencies.auditPayloads,
      inspection: dependencies.auditInspection,
    },
    sessions: dependencies.sessions,
    reportBudgets: (caller) =>
      reportBudgetsFor(
        {
          store: dependencies.spend.store,
          async knownTags() {
            const keys = await keyStore.list();
            return [...new Set(keys.flatMap((key) => key.tags))].sort();
          },
        },
        caller,
        dependencies.budgets.inForce(),
        routing.clock.now(),
      ),
    budgets: dependencies.budgets,
    policies: dependencies.policies,
    prompts: dependencies.prompts,
    contextDocuments: dependencies.contextDocuments,
    async invalidateCache(filter) {
      const cache = dependencies.responseCache?.();
      return cache === undefined ? undefined : cache.invalidate(filter);
    },
    reportSpend: (caller, request) => reportSpendFor(dependencies.spend.store, caller, request),
    reportRoutingSavings: (caller, request) =>
      reportRoutingSavingsFor(dependencies.spend.store, caller, request),
    learnedRouters: () => learnedRouterStatus(dependencies.routingTable()),
    credentials: dependencies.credentials,
    async isReady() {
      try {
        await keyStore.changeMarker();
        return true;
      } catch {
        return false;
      }
    },
  };
}
