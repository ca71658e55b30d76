import type { AuditPayloadAccess } from './audit-payload-access.ts';
import type { AuditInspection } from './audit-inspection.ts';
import type { ConsoleSessionAccess } from './console-session-access.ts';
import type { BudgetView } from '../pipeline/budgets/budget-report.ts';
import type { BudgetRuleService } from '../pipeline/budgets/budget-rule-service.ts';
import type { AuditConsistencyProof, AuditInclusionProof } from '../pipeline/audit/audit-proofs.ts';
import type { PolicyService } from '../pipeline/policy/policy-service.ts';
import type { PromptService } from '../pipeline/prompts/prompt-service.ts';
import type { ContextDocumentService } from '../pipeline/context/context-document-service.ts';
import type {
  RoutingSavingsView,
  SpendReportRequest,
  SpendReportView,
} from '../pipeline/budgets/spend-reports.ts';
import type { LearnedRouterStatus } from './learned-router-status.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { Principal } from '../pipeline/identity/principal.ts';
import type { KeyView } from '../pipeline/identity/virtual-key-service.ts';
import type { DirectoryAdministration } from '../pipeline/identity/directory-administration.ts';
import type {
  CreateKeyRequest,
  ListKeysRequest,
  UpdateKeyRequest,
} from '../pipeline/identity/key-administration.ts';
import type { ListedModel } from '../routing/model-catalog.ts';
import type { RoutedResponse as RoutedProviderResponse } from '../routing/route-model-request.ts';
import type { RequestContext } from './request-context.ts';
import type { CredentialAdministration } from './credential-administration.ts';
import type { RouteRecommendation } from './recommend-route.ts';
import type { DeploymentStatus } from './deployment-status.ts';

export type { RouteRecommendation } from './recommend-route.ts';
export type { DeploymentStatus } from './deployment-status.ts';
export type { AuditInspection, AuditStatusView, AuditVerifyView } from './audit-inspection.ts';
export type { ConsoleSessionAccess } from './console-session-access.ts';
export type { BudgetView } from '../pipeline/budgets/budget-report.ts';
export type { BudgetInput, StoredBudgetView } from '../pipeline/budgets/budget-rule-service.ts';

export type { Principal } from '../pipeline/identity/principal.ts';
export { maxPolicyBytes } from '../pipeline/policy/policy-service.ts';
export { decisionReason } from '../routing/decision-trace.ts';
export type {
  RoutingSavingsView,
  SpendReportRequest,
  SpendReportView,
} from '../pipeline/budgets/spend-reports.ts';
export type { LearnedRouterStatus } from './learned-router-status.ts';
export type { KeyView } from '../pipeline/identity/virtual-key-service.ts';
export type { ListedModel } from '../routing/model-catalog.ts';
/** A served model request: the routed answer plus the `x-ratelimit-*` headers to send with it. */
export type RoutedResponse = RoutedProviderResponse & {
  readonly rateLimitHeaders: Readonly<Record<string, string>>;
};
export type { DecisionTrace, TraceAttempt } from '../routing/decision-trace.ts';
export type { Deployment } from '../routing/deployment.ts';
export { PlanFailedError } from '../routing/execute-plan.ts';
export {
  findTagProblem,
  teamPattern,
  teamRule,
  type TagProblem,
} from '../pipeline/identity/key-labels.ts';

export type {
  CreateKeyRequest,
  ListKeysRequest,
  UpdateKeyRequest,
} from '../pipeline/identity/key-administration.ts';
export type {
  CreateUserRequest,
  OrganisationView,
  TeamView,
  UpdateUserRequest,
  UserView,
} from '../pipeline/identity/directory-administration.ts';
export {
  canReadPlatform,
  checkAdminRoute,
  checkModelRoute,
  isPlatformAdmin,
  keyRoles,
  modelRouteNames,
  resolveActingOrg,
  type ModelRouteName,
} from '../pipeline/identity/authorisation.ts';
export { checkOutputTokenCap } from '../pipeline/identity/output-token-cap.ts';
export { endUserHeader, readEndUser } from '../pipeline/identity/end-user.ts';
export { ContextBlockedError } from '../pipeline/context/context-blocked-error.ts';

/** Names the stale context documents a request was served with anyway (`on_stale: warn`). */
export const contextWarningHeader = 'x-signalbox-context-warning';
export { findMetadataProblem } from '../pipeline/identity/key-metadata.ts';
export type { EndUser } from '../pipeline/identity/principal.ts';

/**
 * Key administration for admin routes, always on behalf of the calling principal: scoped to what
 * it may see (undefined means "not found") and refused (GatewayError 403) beyond its rights.
 */
export interface KeyAdministration {
  create(
    caller: Principal,
    request: CreateKeyRequest,
  ): Promise<{ readonly key: string; readonly view: KeyView }>;
  list(caller: Principal, request: ListKeysRequest): Promise<KeyView[]>;
  get(caller: Principal, id: string): Promise<KeyView | undefined>;
  update(caller: Principal, id: string, request: UpdateKeyRequest): Promise<KeyView | undefined>;
  /** Resolves the revoked key, or undefined when the caller sees no such key. */
  revoke(caller: Principal, id: string): Promise<KeyView | undefined>;
}

/**
 * Everything the HTTP layer may ask of the gateway. The HTTP layer decodes and encodes; every
 * decision (who may call, where a request goes) is made behind this interface.
 */
export interface Gateway {
  /** Synchronous when the key is cached, a promise when it must be looked up. */
  authenticate(keyText: string): Principal | undefined | Promise<Principal | undefined>;
  handleModelRequest(
    context: RequestContext,
    envelope: ModelRequestEnvelope,
  ): Promise<RoutedResponse>;
  /** The routing decision for a request, without calling any model (POST /v1/route). */
  recommendRoute(
    context: RequestContext,
    envelope: ModelRequestEnvelope,
  ): Promise<RouteRecommendation>;
  /** Every deployment with its health and load (GET /admin/deployments). */
  deployments(): readonly DeploymentStatus[];
  listModels(principal: Principal): readonly ListedModel[];
  readonly keys: KeyAdministration;
  /** Organisations, teams and users, with the same scoping and checks as keys. */
  readonly directory: DirectoryAdministration;
  /** Stored provider credentials (`/admin/credentials`). */
  readonly credentials: CredentialAdministration;
  /** Proofs from the tamper-evident audit log (`GET /admin/audit/proof`). */
  readonly audit: {
    inclusionProof(seq: number, treeSize?: number): Promise<AuditInclusionProof>;
    consistencyProof(oldSize: number, newSize?: number): Promise<AuditConsistencyProof>;
    /** Kept payloads (`/admin/audit/payloads`); undefined when `audit.payloads` is off. */
    readonly payloads: AuditPayloadAccess | undefined;
    /** The log's state and a full verification (`/admin/audit/status`, `/admin/audit/verify`). */
    readonly inspection: AuditInspection;
  };
  /** Console sign-in sessions (`/admin/session`, and the session cookie on every route). */
  readonly sessions: ConsoleSessionAccess;
  /** Budgets in force and their counters now (`GET /admin/budgets`), scoped like spend. */
  reportBudgets(caller: Principal): Promise<readonly BudgetView[]>;
  /** Budgets made through the admin API (`POST/PATCH/DELETE /admin/budgets`). */
  readonly budgets: BudgetRuleService;
  /**
   * Deletes cached answers of an organisation, an alias, or both; resolves how many, or
   * undefined when no response cache is configured.
   */
  invalidateCache(filter: {
    readonly org?: string;
    readonly alias?: string;
  }): Promise<number | undefined>;
  /** Policy documents, versions and the one in force (`/admin/policy`). */
  readonly policies: PolicyService;
  /** Prompt templates, their versions and labels (`/admin/prompts`, `prompt` in requests). */
  readonly prompts: PromptService;
  /** Governed context documents and where they are attached (`/admin/context-documents`). */
  readonly contextDocuments: ContextDocumentService;
  /** Spend from the ledger (`GET /admin/spend`), scoped to what the caller may see. */
  reportSpend(caller: Principal, request: SpendReportRequest): Promise<SpendReportView>;
  /** What routing saved against each alias's strongest deployment, scoped like spend. */
  reportRoutingSavings(caller: Principal, request: SpendReportRequest): Promise<RoutingSavingsView>;
  /** The learned routers of the running configuration and what they chose since it loaded. */
  learnedRouters(): readonly LearnedRouterStatus[];
  /** Whether the gateway can serve: configuration loaded and storage answering. */
  isReady(): Promise<boolean>;
}
