/** Shapes of the admin API answers the console reads (docs/api.md; snake_case as on the wire). */

export interface SessionView {
  readonly csrf_token: string;
  readonly expires_at: string;
  readonly caller: {
    readonly agent: string;
    readonly org: string | null;
    readonly role: string;
    readonly platform: boolean;
    /** May change install-wide state (`admin` routes: prompts, context documents, policy…). */
    readonly platform_admin: boolean;
  };
}

export interface ListOf<T> {
  readonly data: readonly T[];
}

export interface RequestRow {
  readonly request_id: string;
  readonly at: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly outcome: string;
  readonly key_id: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user_id: string | null;
  readonly requested_model: string | null;
  readonly provider: string | null;
  readonly deployment: string | null;
  readonly upstream_model: string | null;
  readonly stream: boolean;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly cost_usd: number | null;
  readonly duration_ms: number | null;
  readonly upstream_ms: number | null;
  readonly error_code: string | null;
  readonly route_reason: string | null;
  readonly cache: string | null;
}

export interface RequestPage {
  readonly data: readonly RequestRow[];
  readonly next_cursor: string | null;
}

export interface TraceCandidate {
  readonly deployment: string;
  readonly eligible: boolean;
  readonly filtered_by: string | null;
  readonly demoted_by: string | null;
  readonly score: number | null;
}

export interface TraceGroup {
  readonly alias: string;
  readonly strategy: string;
  readonly via: string;
  readonly variant: string | null;
  readonly rules: readonly {
    readonly name: string;
    readonly matched: boolean;
    readonly error?: string;
  }[];
  readonly candidates: readonly TraceCandidate[];
  readonly order: readonly string[];
  readonly learned?: {
    readonly router: string;
    readonly version: string;
    readonly choice: string | null;
    readonly score: number | null;
    readonly threshold: number | null;
    readonly difficulty: number | null;
  };
  readonly session?: { readonly warm: boolean; readonly kept: boolean; readonly reason: string };
  readonly semantic?: {
    readonly route: string | null;
    readonly nearest: string | null;
    readonly similarity: number;
    readonly threshold: number | null;
  };
}

export interface DecisionTrace {
  readonly model: string;
  readonly reason: string;
  readonly plan_micros?: number;
  readonly estimated_input_tokens?: number;
  readonly groups: readonly TraceGroup[];
  readonly cascade?: {
    readonly group: string;
    readonly escalated: boolean;
    readonly tiers: readonly {
      readonly deployment: string;
      readonly accepted: boolean;
      readonly final: boolean;
      readonly reasons: readonly string[];
    }[];
  };
}

/** One upstream attempt, as `GET /admin/requests/:id` sends it. */
export interface Attempt {
  readonly deployment?: string;
  readonly provider?: string;
  readonly retry?: number;
  readonly outcome?: string;
  readonly status?: number | null;
  readonly error_class?: string | null;
  readonly error_code?: string | null;
  readonly duration_ms?: number;
}

export interface RequestDetail extends RequestRow {
  /** The decision trace in the wire form; lib/normalise-trace.ts checks it field by field. */
  readonly decision: unknown;
  readonly attempts: readonly Attempt[] | null;
  readonly policy: unknown;
  readonly usage: unknown;
  readonly finish_reasons: readonly string[] | null;
  readonly payload_seq: number | null;
}

export interface StatsPoint {
  readonly at: string;
  readonly requests: number;
  readonly errors: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
}

export interface RequestStats {
  readonly totals: Omit<StatsPoint, 'at'>;
  readonly series: readonly StatsPoint[];
  readonly by_model: readonly {
    readonly model: string | null;
    readonly requests: number;
    readonly cost_usd: number;
  }[];
}

export interface SavingsRow {
  readonly model?: string;
  readonly requests: number;
  readonly cost_usd: number;
  readonly baseline_usd: number;
  readonly saved_usd: number;
  readonly saved_share: number;
}

export interface KeyView {
  readonly id: string;
  readonly display: string;
  readonly name: string;
  readonly role: string;
  readonly models: readonly string[] | null;
  readonly team: string | null;
  readonly org: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
}

export interface CreatedKey extends KeyView {
  readonly key: string;
}

export interface TeamView {
  readonly id: string;
  readonly name: string;
  readonly org: string;
  readonly created_at?: string;
}

export interface BudgetLine {
  readonly value: string;
  readonly spent_usd: number;
  readonly reserved_usd: number;
  readonly utilisation: number;
  readonly period_start: string;
}

export type BudgetScope = 'key' | 'user' | 'team' | 'org' | 'tag' | 'model';
export type BudgetPeriod = 'day' | 'week' | 'month' | 'total';
export type BudgetMode = 'hard' | 'soft';

/** A budget in force (GET /admin/budgets): configured (read-only) or made through the API. */
export interface BudgetView {
  /** `bud_…` for API budgets; absent for configured ones. */
  readonly id?: string;
  readonly source: 'config' | 'api';
  readonly scope: string;
  readonly match: unknown;
  readonly usd: number;
  readonly period: string;
  readonly mode: string;
  readonly created_at?: string;
  readonly created_by?: string;
  readonly updated_at?: string;
  readonly updated_by?: string;
  readonly lines: readonly BudgetLine[];
}

/** POST /admin/budgets body (the fields of a `budgets:` entry). */
export interface BudgetCreateRequest {
  readonly scope: BudgetScope;
  readonly match?: string;
  readonly usd: number;
  readonly period: BudgetPeriod;
  readonly mode: BudgetMode;
}

/** What POST, PATCH and DELETE /admin/budgets answer: the API budget after the change. */
export interface StoredBudget {
  readonly id: string;
  readonly source: 'api';
  readonly scope: BudgetScope;
  readonly match: string | null;
  readonly usd: number;
  readonly period: BudgetPeriod;
  readonly mode: BudgetMode;
  readonly created_at: string;
  readonly created_by: string;
  readonly updated_at: string;
  readonly updated_by: string;
  readonly revoked_at: string | null;
  readonly revoked_by: string | null;
}

export interface DeploymentView {
  readonly deployment: string;
  readonly provider: string;
  readonly upstream_model: string;
  readonly region: string | null;
  readonly groups: readonly string[];
  readonly circuit: string;
  readonly circuit_until: string | null;
  readonly cooling_down_until: string | null;
  readonly latency_ewma_ms: number | null;
  readonly in_flight: number;
  readonly requests_last_minute: number;
  readonly error_rate: number;
  readonly consecutive_failures: number;
}

export interface PolicyVersion {
  readonly version: string;
  readonly name: string;
  readonly created_at: string;
  readonly created_by: string;
}

export interface ActivePolicy extends PolicyVersion {
  readonly text: string;
  readonly activated_at: string;
  readonly activated_by: string;
}

export interface PolicyVersions {
  readonly data: readonly PolicyVersion[];
  readonly activations: readonly {
    readonly version: string;
    readonly activated_at: string;
    readonly activated_by: string;
  }[];
}

export interface AuditStatus {
  readonly records: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly checkpoint: Readonly<Record<string, unknown>> | null;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly records_checked: number;
  readonly first_bad_seq: number | null;
  readonly detail: string;
}

export interface LearnedRouter {
  readonly name: string;
  readonly version: string;
  readonly models: readonly string[];
  readonly target_strong_share: number | null;
  readonly decisions: number;
  readonly realised_shares: Readonly<Record<string, number>>;
}

export interface RouterCalibrationPoint {
  readonly threshold: number;
  readonly strong_share: number;
}

/** A strong/weak router's operating point: strong-call share, mean quality, gap recovered. */
export interface RouterSharePoint {
  readonly strong_share: number;
  readonly quality: number;
  readonly pgr: number;
}

export interface RouterCurveFigures {
  readonly apgr: number;
  /** Strong-call shares (0..1) needed to recover 50% / 80% of the gap. */
  readonly cpt50: number;
  readonly cpt80: number;
}

export interface PairRouterValidation extends RouterCurveFigures {
  readonly kind: 'pair';
  readonly method: string;
  readonly folds: number;
  readonly rows: number;
  readonly weak_quality: number;
  readonly strong_quality: number;
  readonly points: readonly RouterSharePoint[];
  readonly random: RouterCurveFigures & {
    readonly runs: number;
    readonly points: readonly RouterSharePoint[];
  };
}

export interface RouterCostPoint {
  readonly quality: number;
  readonly mean_cost: number;
}

export interface MultiModelRouterValidation {
  readonly kind: 'multi_model';
  readonly method: string;
  readonly folds: number;
  readonly rows: number;
  readonly points: readonly (RouterCostPoint & { readonly tradeoff: number })[];
  readonly singles: readonly (RouterCostPoint & { readonly model: string })[];
  readonly best_single: string;
  readonly oracle: RouterCostPoint;
  readonly zero_router: readonly RouterCostPoint[];
  readonly average_quality: number;
  readonly cost_saving_at_95: number | null;
  readonly quality_at_best_single_cost: number | null;
}

export interface RouterCurve {
  readonly name: string;
  readonly kind: 'pair' | 'multi_model';
  readonly models: readonly string[];
  readonly strong_model: string | null;
  readonly threshold: number | null;
  readonly target_strong_share: number | null;
  /** N-model routers: the trade-off λ in force. */
  readonly tradeoff: number | null;
  readonly sample_count: number | null;
  readonly points: readonly RouterCalibrationPoint[];
  /** Strong/weak routers: strong share by threshold; null for N-model routers. */
  readonly calibration: readonly RouterCalibrationPoint[] | null;
  /** The held-out quality curve the artifact stores; null when it predates such curves. */
  readonly validation: PairRouterValidation | MultiModelRouterValidation | null;
}

export interface RouteDecision {
  readonly model: string;
  readonly deployment: string;
  readonly provider: string;
  readonly upstream_model: string;
  readonly reason: string;
  readonly alternatives: readonly { readonly deployment: string; readonly provider: string }[];
  readonly decision: DecisionTrace;
}

export type PromptMessageRole = 'system' | 'user' | 'assistant';

export interface PromptMessage {
  readonly role: PromptMessageRole;
  readonly content: string;
}

/** One declared variable of a prompt template (docs/prompts.md). */
export interface PromptVariable {
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'enum';
  readonly values?: readonly string[];
  readonly required?: boolean;
  readonly default?: string | number | boolean;
  readonly max_length?: number;
  readonly description?: string;
}

export interface PromptVersionView {
  readonly id: string;
  readonly version: number;
  readonly sha256: string;
  readonly note: string;
  readonly created_at: string;
  readonly created_by: string;
}

/** GET /admin/prompts/:id/versions/:version: a version with its template. */
export interface PromptVersionDetailView extends PromptVersionView {
  readonly messages: readonly PromptMessage[];
  readonly variables: Readonly<Record<string, PromptVariable>>;
}

/** POST /admin/prompts/:id/versions body. */
export interface PromptVersionRequest {
  readonly messages: readonly PromptMessage[];
  readonly variables: unknown;
  readonly note?: string;
}

/** What POST /admin/prompts/:id/versions answers: false `created` for a repeat of the newest. */
export interface CreatedPromptVersion extends PromptVersionView {
  readonly created: boolean;
}

export interface PromptLabelTarget {
  readonly version: number;
  readonly weight: number;
}

/** Where a label points (no targets: removed); several targets split traffic by weight. */
export interface PromptLabelView {
  readonly label: string;
  readonly targets: readonly PromptLabelTarget[];
  readonly moved_at: string;
  readonly moved_by: string;
}

/** PUT /admin/prompts/:id/labels/:label body: one version, or weighted targets. */
export type PromptLabelRequest =
  { readonly version: number } | { readonly targets: readonly PromptLabelTarget[] };

export interface PromptSummaryView {
  readonly id: string;
  readonly latest_version: number;
  readonly labels: readonly PromptLabelView[];
  readonly updated_at: string;
}

export interface PromptDetailView {
  readonly id: string;
  /** Newest first. */
  readonly versions: readonly PromptVersionView[];
  readonly labels: readonly PromptLabelView[];
  /** Label moves, newest first (at most 100). */
  readonly history: readonly (PromptLabelView & { readonly seq: number })[];
}

/** One version's traffic in GET /admin/prompts/:id/stats (from the request log). */
export interface PromptVersionStats {
  readonly version: number;
  readonly requests: number;
  readonly errors: number;
  readonly error_rate: number | null;
  readonly mean_duration_ms: number | null;
  readonly p50_ms?: number | null;
  readonly p99_ms?: number | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
  readonly mean_cost_usd: number | null;
}

export interface PromptStats {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly versions: readonly PromptVersionStats[];
}

export type ContextDocumentStatus = 'approved' | 'expired' | 'revoked' | 'draft';
export type ContextAttachmentScope = 'alias' | 'team' | 'route';
export type ContextOnStale = 'warn' | 'block' | 'caveat';

export interface ContextVersionView {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly owner: string;
  readonly sha256: string;
  readonly expires_at: string | null;
  readonly created_at: string;
  readonly created_by: string;
  readonly status: ContextDocumentStatus;
  readonly approved_at: string | null;
  readonly approved_by: string | null;
  readonly revoked_at: string | null;
  readonly revoked_by: string | null;
  readonly revoke_reason: string | null;
}

/** GET /admin/context-documents/:id/versions/:version: a version with its text. */
export interface ContextVersionDetailView extends ContextVersionView {
  readonly content: string;
}

/** POST /admin/context-documents/:id/versions body; the version starts as a draft. */
export interface ContextVersionRequest {
  readonly title: string;
  readonly owner: string;
  readonly content: string;
  readonly expires_at: string | null;
}

export interface ContextDocumentSummaryView {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly latest_version: number;
  /** The newest approved version (what an unpinned attachment serves); null: none approved. */
  readonly served_version: number | null;
  readonly served_status: ContextDocumentStatus | null;
  readonly updated_at: string;
}

export interface ContextAttachmentView {
  readonly id: string;
  readonly document: string;
  readonly scope: ContextAttachmentScope;
  readonly target: string;
  /** A pinned version; null follows the newest approved version. */
  readonly version: number | null;
  readonly on_stale: ContextOnStale;
  readonly created_at: string;
  readonly created_by: string;
  readonly served_version: number | null;
  readonly served_status: ContextDocumentStatus | null;
}

export interface ContextDocumentDetailView {
  readonly id: string;
  /** Newest first. */
  readonly versions: readonly ContextVersionView[];
  readonly attachments: readonly ContextAttachmentView[];
}

/** POST /admin/context-attachments body. */
export interface ContextAttachRequest {
  readonly document: string;
  readonly scope: ContextAttachmentScope;
  readonly target: string;
  readonly version?: number;
  readonly on_stale: ContextOnStale;
}
