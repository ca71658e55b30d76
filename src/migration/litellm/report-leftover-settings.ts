import { isJsonObject } from '../../lib/json.ts';
import type { ConversionReport, LitellmPath } from './conversion-report.ts';

const noCallbacks =
  'not carried: Signalbox has no logging integrations; it writes one JSON line per request (log.requests)';
const noRedis =
  'not carried: Signalbox has no Redis setting; each replica keeps its own routing state';
const noBudgets = 'not carried: Signalbox has no budgets in its configuration file';

/**
 * Why a LiteLLM setting has no place in the Signalbox file, by path pattern (list indexes as
 * `[]`). The longest pattern that is a prefix of a setting's path gives the reason.
 */
const reasons: ReadonlyMap<string, string> = new Map([
  [
    'model_list.[].litellm_params',
    "not carried: a LiteLLM call parameter with no Signalbox provider setting (request parameters are the client's to send)",
  ],
  ['model_list.[].model_info', 'not carried: Signalbox model facts have no such field'],
  ['model_list.[]', 'not carried: not a setting of a Signalbox model group target'],
  ['general_settings', 'not carried: a LiteLLM proxy-server setting with no Signalbox equivalent'],
  [
    'general_settings.master_key',
    'not carried: Signalbox creates its own admin key on first start (or takes SIGNALBOX_ADMIN_KEY); create virtual keys with `signalbox keys create`',
  ],
  [
    'general_settings.database_url',
    "not carried: Signalbox keeps its state in SQLite under state_dir; LiteLLM's database (keys, teams, spend) is not migrated",
  ],
  [
    'general_settings.store_model_in_db',
    'not carried: Signalbox takes models from its configuration file only',
  ],
  ['general_settings.alerting', 'not carried: Signalbox has no alerting integrations'],
  [
    'general_settings.max_parallel_requests',
    'not carried: Signalbox has no per-deployment concurrency limit; rpm/tpm and the usage-aware strategy spread load',
  ],
  [
    'general_settings.global_max_parallel_requests',
    'not carried: Signalbox has no global concurrency limit',
  ],
  [
    'environment_variables',
    'not carried: Signalbox sets no environment variables from its file; export this one where the gateway runs (values are never copied)',
  ],
  ['litellm_settings', 'not carried: a LiteLLM module setting with no Signalbox equivalent'],
  ['litellm_settings.callbacks', noCallbacks],
  ['litellm_settings.success_callback', noCallbacks],
  ['litellm_settings.failure_callback', noCallbacks],
  ['litellm_settings.service_callbacks', noCallbacks],
  ['litellm_settings.cache', 'not carried: Signalbox has no response cache'],
  ['litellm_settings.cache_params', 'not carried: Signalbox has no response cache'],
  ['litellm_settings.set_verbose', 'not carried: for verbose logs set log.level: debug'],
  ['litellm_settings.json_logs', 'not needed: Signalbox always logs JSON lines'],
  ['litellm_settings.max_budget', noBudgets],
  ['litellm_settings.budget_duration', noBudgets],
  [
    'litellm_settings.guardrails',
    'not carried: Signalbox has no guardrail settings in its configuration file',
  ],
  ['router_settings', 'not carried: a LiteLLM router setting with no Signalbox equivalent'],
  ['router_settings.redis_host', noRedis],
  ['router_settings.redis_port', noRedis],
  ['router_settings.redis_password', noRedis],
  ['router_settings.redis_url', noRedis],
  ['router_settings.redis_db', noRedis],
  [
    'router_settings.retry_policy',
    'not carried: Signalbox retries every retryable failure alike (routing.retries.max_retries)',
  ],
  [
    'router_settings.allowed_fails_policy',
    "not carried: Signalbox's breaker counts every failure alike",
  ],
  ['router_settings.routing_strategy_args', 'not carried: Signalbox strategies take no arguments'],
  [
    'router_settings.enable_pre_call_checks',
    "not needed: Signalbox always checks that a request fits a deployment's context window before sending it",
  ],
  [
    'router_settings.max_fallbacks',
    'not carried: Signalbox tries every fallback a group lists (at most 16)',
  ],
  ['router_settings.provider_budget_config', noBudgets],
  ['credential_list', 'not carried: no deployment uses this credential'],
  [
    'credential_list.[].credential_values',
    'not carried: no setting of the deployments using this credential takes it',
  ],
  ['guardrails', 'not carried: Signalbox has no guardrail settings in its configuration file'],
  ['include', 'not carried: merge the included files into this one, then convert again'],
]);

const genericReason = 'not carried: Signalbox has no equivalent setting';

function patternOf(path: LitellmPath): string {
  return path.map((segment) => (typeof segment === 'number' ? '[]' : segment)).join('.');
}

function reasonFor(path: LitellmPath): string {
  for (let length = path.length; length > 0; length -= 1) {
    const reason = reasons.get(patternOf(path.slice(0, length)));
    if (reason !== undefined) {
      return reason;
    }
  }
  return genericReason;
}

/** Sections and entries whose settings are reported one by one rather than as a whole. */
function reportsEachChild(path: LitellmPath): boolean {
  return path.length < 2 || (path[0] === 'model_list' && path.length <= 3);
}

/**
 * Reports every setting of the LiteLLM file the conversion neither carried nor noted, with the
 * reason it has no place in Signalbox. Values are never printed, since many are secrets.
 */
export function reportLeftoverSettings(root: unknown, report: ConversionReport): void {
  visit(root, [], report);
}

function visit(node: unknown, path: LitellmPath, report: ConversionReport): void {
  if (node === null || node === undefined || (path.length > 0 && report.isSettled(path))) {
    return;
  }
  const container = Array.isArray(node) || isJsonObject(node);
  if (
    path.length > 0 &&
    (!container || (!reportsEachChild(path) && !report.hasSettledBelow(path)))
  ) {
    report.note(path, reasonFor(path));
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((child: unknown, index) => {
      visit(child, [...path, index], report);
    });
  } else if (isJsonObject(node)) {
    for (const [key, child] of Object.entries(node)) {
      visit(child, [...path, key], report);
    }
  }
}
