import type { DecisionTrace, TraceCandidate, TraceGroup } from '../api/api-types.ts';

type Loose = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : fallback;
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/**
 * A decision trace in the shape the console renders, from the API's wire form (snake_case, as
 * `POST /v1/route` and `GET /admin/requests/:id` send it), checked field by field: missing or
 * mistyped fields become their "none" value, anything that is not an object gives null.
 */
export function normaliseTrace(raw: unknown): DecisionTrace | null {
  if (!isObject(raw)) return null;
  const groups = list(raw.groups).filter(isObject).map(normaliseGroup);
  const planMicros = numberOrNull(raw.plan_micros);
  const estimated = numberOrNull(raw.estimated_input_tokens);
  return {
    model: text(raw.model),
    reason: text(raw.reason, 'unknown'),
    ...(planMicros === null ? {} : { plan_micros: planMicros }),
    ...(estimated === null ? {} : { estimated_input_tokens: estimated }),
    groups,
  };
}

function normaliseGroup(group: Loose): TraceGroup {
  const learned = isObject(group.learned) ? group.learned : undefined;
  return {
    alias: text(group.alias),
    strategy: text(group.strategy),
    via: text(group.via),
    variant: textOrNull(group.variant),
    rules: list(group.rules)
      .filter(isObject)
      .map((rule) => ({
        name: text(rule.name),
        matched: rule.matched === true,
        ...(typeof rule.error === 'string' ? { error: rule.error } : {}),
      })),
    candidates: list(group.candidates).filter(isObject).map(normaliseCandidate),
    order: list(group.order).filter((entry): entry is string => typeof entry === 'string'),
    ...(learned === undefined
      ? {}
      : {
          learned: {
            router: text(learned.router),
            version: text(learned.version),
            choice: textOrNull(learned.choice),
            score: numberOrNull(learned.score),
            threshold: numberOrNull(learned.threshold),
            difficulty: numberOrNull(learned.difficulty),
          },
        }),
  };
}

function normaliseCandidate(candidate: Loose): TraceCandidate {
  const filteredBy = textOrNull(candidate.filtered_by);
  return {
    deployment: text(candidate.deployment),
    eligible: typeof candidate.eligible === 'boolean' ? candidate.eligible : filteredBy === null,
    filtered_by: filteredBy,
    demoted_by: textOrNull(candidate.demoted_by),
    score: numberOrNull(candidate.score),
  };
}
