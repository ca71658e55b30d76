import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fuzzParameters, readFuzzCorpus } from '../../../test/helpers/fuzz-settings.ts';
import { compilePolicy } from './compiled-policy.ts';
import { evaluatePolicy, type PolicyContent, type PolicyIdentity } from './evaluate-policy.ts';

// Policies arrive through the admin API: any text compiles or comes back as problems, and a
// compiled policy decides any request without throwing, deterministically, with deny winning.

const prototypes = [Object.prototype, Array.prototype, Map.prototype, Set.prototype];
const snapshot = (): string[][] =>
  prototypes.map((proto) => Object.getOwnPropertyNames(proto).sort());
const before = snapshot();

const classes = ['email', 'secret', 'payment_card', 'codename', 'project_code', 'Bad-Class', ''];
const labels = ['a', 'b', 'contractors', 'zdr', 'eu', '__proto__', ''];
const subset = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });
const target = fc.record(
  { providers: subset(labels), regions: subset(labels), deployment_tags: subset(labels) },
  { requiredKeys: [] },
);
const when = fc.record(
  {
    identity: fc.record(
      {
        roles: subset(['admin', 'team_admin', 'member', 'viewer', 'service', 'root']),
        teams: subset(labels),
        users: subset(labels),
        orgs: subset(labels),
        key_tags: subset(labels),
      },
      { requiredKeys: [] },
    ),
    data_classes: subset(classes),
    injection_score_at_least: fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(-1, 2),
    ),
    target,
  },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    name: fc.constantFrom('r1', 'r2', 'r3', 'deny-all', '', 'Bad Name'),
    when,
    action: fc.constantFrom('permit', 'deny', 'redact', 'restrict', 'flag', 'explode'),
    reason: fc.constantFrom('no', ''),
    redact: fc.record(
      { classes: subset(classes), style: fc.constantFrom('mask', 'remove', 'burn') },
      { requiredKeys: ['classes'] },
    ),
    restrict: target,
    on_detector_error: fc.constantFrom('deny', 'ignore', 'maybe'),
  },
  { requiredKeys: ['name', 'action'] },
);
const policyDocument = fc.record(
  {
    name: fc.constantFrom('acme', 'p', '', 'UPPER'),
    detectors: fc.record(
      {
        time_budget_ms: fc.constantFrom(1, 50, 0, 6000),
        on_error: fc.constantFrom('deny', 'ignore'),
        patterns: fc.array(
          fc.record({
            class: fc.constantFrom(...classes),
            pattern: fc.constantFrom('PRJ-[0-9]{6}', '(a+)+$', '[', '\\d+', ''),
          }),
          { maxLength: 2 },
        ),
        words: fc.array(
          fc.record({
            class: fc.constantFrom(...classes),
            words: subset(['bluebird', 'nightjar', '', 'x']),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    rules: fc.array(rule, { maxLength: 5 }),
    default: fc.constantFrom('permit', 'deny', 'maybe'),
    default_reason: fc.constantFrom('closed', ''),
    output: fc.record(
      { data_classes: subset(classes), action: fc.constantFrom('mask', 'block') },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name', 'rules'] },
);

/** Documents built to be valid (action and fields agree, names unique), so most compile. */
const validClasses = ['email', 'secret', 'payment_card', 'codename', 'project_code'];
const validLabels = ['a', 'b', 'contractors', 'zdr', 'eu'];
const validTarget = fc.record(
  {
    providers: subset(validLabels),
    regions: subset(validLabels),
    deployment_tags: subset(validLabels),
  },
  { requiredKeys: ['providers'] },
);
const validWhen = fc.record(
  {
    identity: fc.record(
      {
        roles: subset(['admin', 'member', 'service']),
        teams: subset(validLabels),
        key_tags: subset(validLabels),
      },
      { requiredKeys: [] },
    ),
    data_classes: subset(validClasses),
    injection_score_at_least: fc.double({ min: 0, max: 1, noNaN: true }),
  },
  { requiredKeys: [] },
);
const validRule = fc.oneof(
  fc.record({ when: validWhen, action: fc.constant('permit') }),
  fc.record({ when: validWhen, action: fc.constant('flag') }),
  fc.record({
    when: fc
      .tuple(validWhen, fc.option(validTarget, { nil: undefined }))
      .map(([w, t]) => (t === undefined ? w : { ...w, target: t })),
    action: fc.constant('deny'),
    reason: fc.constant('no'),
  }),
  fc.record({
    when: validWhen,
    action: fc.constant('redact'),
    redact: fc.record({ classes: subset(validClasses), style: fc.constantFrom('mask', 'remove') }),
  }),
  fc.record({ when: validWhen, action: fc.constant('restrict'), restrict: validTarget }),
);
const validDocument = fc.record({
  name: fc.constant('acme'),
  detectors: fc.record({
    on_error: fc.constantFrom('deny', 'ignore'),
    patterns: fc.constant([{ class: 'project_code', pattern: 'PRJ-[0-9]{6}' }]),
    words: fc.constant([{ class: 'codename', words: ['bluebird'] }]),
  }),
  rules: fc
    .array(validRule, { maxLength: 5 })
    .map((rules) => rules.map((entry, index) => ({ name: `r${String(index)}`, ...entry }))),
  default: fc.constantFrom('permit', 'deny'),
  default_reason: fc.constant('closed'),
});
const anyDocument = fc.oneof(validDocument, validDocument, policyDocument);

const identity: fc.Arbitrary<PolicyIdentity> = fc.record({
  role: fc.constantFrom('admin', 'member', 'service', 'x'),
  org: fc.constantFrom(...labels),
  team: fc.option(fc.constantFrom(...labels), { nil: undefined }),
  user: fc.option(fc.constantFrom(...labels), { nil: undefined }),
  keyTags: fc.subarray(labels),
});
const content: fc.Arbitrary<PolicyContent> = fc.record({
  dataClasses: fc.subarray(classes).map((found) => new Set(found)),
  injectionScore: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  detectorFailed: fc.boolean(),
});

function compileAndDecide(text: string, who: PolicyIdentity, what: PolicyContent): void {
  const compiled = compilePolicy(text);
  if (!compiled.ok) {
    expect(compiled.problems.length).toBeGreaterThan(0);
    for (const problem of compiled.problems) expect(typeof problem).toBe('string');
  } else {
    const decision = evaluatePolicy(compiled.policy, who, what);
    expect(['permit', 'deny']).toContain(decision.outcome);
    if (decision.outcome === 'deny') expect(typeof decision.reason).toBe('string');
    const names = compiled.policy.document.rules.map((entry) => entry.name);
    for (const name of decision.matchedRules) expect(names).toContain(name);
    expect(evaluatePolicy(compiled.policy, who, what)).toEqual(decision);
    // An unconditional deny overrides every other rule and the default.
    const withDeny = compilePolicy(
      stringify({
        ...compiled.policy.document,
        rules: [
          ...compiled.policy.document.rules,
          { name: 'deny-everything', action: 'deny', reason: 'closed' },
        ],
      }),
    );
    if (withDeny.ok && compiled.policy.document.rules.length < 1000) {
      expect(evaluatePolicy(withDeny.policy, who, what).outcome).toBe('deny');
    }
  }
  expect(snapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('compilePolicy and evaluatePolicy (properties)', () => {
  it.each(readFuzzCorpus('policy'))(
    'corpus $name: compiles or gives problems; decides cleanly',
    ({ text }) => {
      fc.assert(
        fc.property(identity, content, (who, what) => compileAndDecide(text, who, what)),
        fuzzParameters(20),
      );
    },
  );

  // Found by load-config.property.test.ts (same YAML call): toJS threw on an alias bomb.
  it('reports an alias bomb as a problem instead of throwing', () => {
    const bomb = readFuzzCorpus('policy').find((entry) => entry.name === 'yaml-alias-bomb.txt');
    const compiled = compilePolicy(bomb?.text ?? '');
    expect(compiled.ok).toBe(false);
    if (!compiled.ok)
      expect(compiled.problems).toEqual([expect.stringMatching(/^\(yaml\) .*alias/)]);
  });

  it('never throws on arbitrary policy documents, and decides every request', () => {
    fc.assert(
      fc.property(anyDocument, fc.boolean(), identity, content, (document, asJson, who, what) =>
        compileAndDecide(asJson ? JSON.stringify(document) : stringify(document), who, what),
      ),
      fuzzParameters(200),
    );
  });

  it('accepts a fair share of generated documents (so the property reaches evaluation)', () => {
    const accepted = fc
      .sample(validDocument, { seed: 1, numRuns: 50 })
      .filter((document) => compilePolicy(stringify(document)).ok).length;
    expect(accepted).toBeGreaterThan(25);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), identity, content, compileAndDecide),
      fuzzParameters(200),
    );
  });
});
