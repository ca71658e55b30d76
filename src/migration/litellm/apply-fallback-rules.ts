import type { ModelGroupEntry } from '../../config/model-group-schema.ts';
import { defaultFallbackClasses } from '../../routing/error-class.ts';
import { quote, type ConversionReport } from './conversion-report.ts';
import type { FallbackRule, FallbackRules } from './read-router-settings.ts';

const maximumFallbacks = 16;

/**
 * Gives each model group the fallbacks LiteLLM's three lists name for it. Signalbox has one list
 * per group, tried for every failure class in `fallback_on`: the general fallbacks come first, then
 * those for context-window and content-policy failures; content-policy fallbacks add
 * `content-policy` to the group's `fallback_on` (which Signalbox leaves out by default). Notes
 * where the merged list behaves differently, and rules naming groups that do not exist.
 */
export function applyFallbackRules(
  groups: ModelGroupEntry[],
  rules: FallbackRules,
  report: ConversionReport,
): void {
  const aliases = new Set(groups.map((group) => group.alias));
  const namesOf = new Map<FallbackRule, string[]>();
  const catchAll = [
    ...rules.general.filter((rule) => rule.from === '*'),
    ...(rules.defaults === undefined ? [] : [rules.defaults]),
  ];
  for (const rule of [
    ...rules.general,
    ...rules.contextWindow,
    ...rules.contentPolicy,
    ...catchAll,
  ]) {
    if (namesOf.has(rule)) {
      continue;
    }
    if (rule.from !== '*' && !aliases.has(rule.from)) {
      report.note(
        rule.path,
        `not carried: ${quote(rule.from)} is not a model group of the converted configuration`,
      );
    }
    const missing = rule.to.filter((name) => !aliases.has(name));
    if (missing.length > 0) {
      report.note(
        rule.path,
        `not carried: ${missing.map(quote).join(', ')} ${missing.length === 1 ? 'is not a model group' : 'are not model groups'} of the converted configuration`,
      );
    }
    namesOf.set(
      rule,
      rule.to.filter((name) => aliases.has(name)),
    );
  }
  for (const group of groups) {
    const namesFor = (list: readonly FallbackRule[]): string[] =>
      list.flatMap((rule) => namesOf.get(rule) ?? []).filter((name) => name !== group.alias);
    const own = (list: readonly FallbackRule[]) => list.filter((rule) => rule.from === group.alias);
    const general = namesFor(own(rules.general).length > 0 ? own(rules.general) : catchAll);
    const contextWindow = own(rules.contextWindow);
    const contentPolicy = own(rules.contentPolicy);
    const contextNames = namesFor(contextWindow);
    const contentNames = namesFor(contentPolicy);
    const merged = [...new Set([...general, ...contextNames, ...contentNames])];
    if (merged.length === 0) {
      continue;
    }
    const kept = merged.slice(0, maximumFallbacks);
    if (kept.length < merged.length) {
      report.note(
        ['router_settings', 'fallbacks'],
        `approximated: ${quote(group.alias)} keeps its first ${String(maximumFallbacks)} fallbacks, the most Signalbox allows`,
      );
    }
    group.fallbacks = kept;
    explain(group.alias, general, contextWindow, contextNames, 'context-window', report);
    explain(group.alias, general, contentPolicy, contentNames, 'content-policy', report);
    if (contentNames.length > 0) {
      group.fallback_on = [
        ...defaultFallbackClasses,
        'content-policy',
      ] as ModelGroupEntry['fallback_on'];
    }
  }
}

/** Notes how a special-purpose list behaves once merged into the group's one list. */
function explain(
  alias: string,
  general: readonly string[],
  rules: readonly FallbackRule[],
  names: readonly string[],
  kind: 'context-window' | 'content-policy',
  report: ConversionReport,
): void {
  const rule = rules[0];
  if (rule === undefined || names.length === 0) {
    return;
  }
  const sameAsGeneral =
    names.length === general.length && names.every((name) => general.includes(name));
  const reasons: string[] = [];
  if (general.length > 0 && !sameAsGeneral) {
    const failure =
      kind === 'context-window' ? 'a context-length failure' : 'a content-policy refusal';
    reasons.push(`${failure} tries the general fallbacks (${general.join(', ')}) first`);
  }
  if (names.some((name) => !general.includes(name))) {
    reasons.push('other failures (rate limits, errors, timeouts) fall back to these too');
  }
  if (kind === 'content-policy') {
    reasons.push('a content-policy refusal also moves on to the next deployment of the group');
  }
  if (reasons.length === 0) {
    return;
  }
  const where = `models.${alias}.fallbacks${kind === 'content-policy' ? ' (and content-policy added to its fallback_on)' : ''}`;
  report.note(
    rule.path,
    `approximated: merged into ${where}; Signalbox has one fallback list per group, so ${reasons.join(', and ')}`,
  );
}
