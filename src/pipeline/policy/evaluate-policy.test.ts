import { describe, expect, it } from 'vitest';
import { compilePolicy, type CompiledPolicy } from './compiled-policy.ts';
import {
  deploymentAllowed,
  evaluatePolicy,
  type PolicyContent,
  type PolicyIdentity,
} from './evaluate-policy.ts';

function policy(text: string): CompiledPolicy {
  const compiled = compilePolicy(text);
  if (!compiled.ok) throw new Error(compiled.problems.join('\n'));
  return compiled.policy;
}

const member: PolicyIdentity = {
  role: 'member',
  org: 'acme',
  team: 'research',
  user: 'ada',
  keyTags: ['batch'],
};

function found(...classes: string[]): PolicyContent {
  return { dataClasses: new Set(classes), injectionScore: 0.1, detectorFailed: false };
}

const standard = policy(`
name: acme
rules:
  - name: no-secrets
    when: { data_classes: [secret] }
    action: deny
    reason: Requests must not contain credentials.
  - name: pii-zdr-only
    when: { data_classes: [email, phone] }
    action: restrict
    restrict: { deployment_tags: [zdr] }
  - name: contractors-redact-cards
    when: { identity: { teams: [contractors] }, data_classes: [payment_card] }
    action: redact
    redact: { classes: [payment_card] }
  - name: cards-never-to-beta
    when: { data_classes: [payment_card], target: { providers: [beta] } }
    action: deny
    reason: unused for target rules
  - name: watch-injection
    when: { injection_score_at_least: 0.8 }
    action: flag
`);

describe('evaluatePolicy', () => {
  it('permits a request no rule is about, naming the policy version', () => {
    const decision = evaluatePolicy(standard, member, found());
    expect(decision).toMatchObject({
      outcome: 'permit',
      matchedRules: [],
      policyName: 'acme',
      policyVersion: standard.version,
    });
    expect(decision.policyVersion).toMatch(/^[0-9a-f]{64}$/);
  });

  it('denies with the public reason, overriding every other effect', () => {
    const decision = evaluatePolicy(standard, member, found('secret', 'email'));
    expect(decision).toMatchObject({
      outcome: 'deny',
      reason: 'Requests must not contain credentials.',
      matchedRules: ['no-secrets', 'pii-zdr-only'],
    });
    expect(decision.redactions.size).toBe(0);
  });

  it('restricts routing to the allowed deployments, fallbacks included', () => {
    const decision = evaluatePolicy(standard, member, found('email'));
    expect(decision.outcome).toBe('permit');
    expect(deploymentAllowed(decision, { providerId: 'a', region: undefined, tags: ['zdr'] })).toBe(
      true,
    );
    expect(deploymentAllowed(decision, { providerId: 'b', region: undefined, tags: [] })).toBe(
      false,
    );
  });

  it('keeps a request away from the targets a deny names, and only those', () => {
    const decision = evaluatePolicy(standard, member, found('payment_card'));
    expect(decision.outcome).toBe('permit');
    expect(deploymentAllowed(decision, { providerId: 'beta', region: undefined, tags: [] })).toBe(
      false,
    );
    expect(deploymentAllowed(decision, { providerId: 'alpha', region: undefined, tags: [] })).toBe(
      true,
    );
  });

  it('redacts for the identities a rule names only', () => {
    const contractor = { ...member, team: 'contractors' };
    expect([...evaluatePolicy(standard, contractor, found('payment_card')).redactions]).toEqual([
      ['payment_card', 'mask'],
    ]);
    expect(evaluatePolicy(standard, member, found('payment_card')).redactions.size).toBe(0);
  });

  it('flags a high injection score and records it', () => {
    const decision = evaluatePolicy(standard, member, {
      ...found(),
      injectionScore: 0.93,
    });
    expect(decision).toMatchObject({ outcome: 'permit', flags: ['watch-injection'] });
  });

  it('fails closed when detectors fail, unless a rule says to ignore it', () => {
    const failed: PolicyContent = {
      dataClasses: new Set(),
      injectionScore: undefined,
      detectorFailed: true,
    };
    expect(evaluatePolicy(standard, member, failed)).toMatchObject({ outcome: 'deny' });
    const lenient = policy(`
name: lenient
rules:
  - name: pii-zdr-only
    when: { data_classes: [email] }
    action: restrict
    restrict: { deployment_tags: [zdr] }
    on_detector_error: ignore
`);
    expect(evaluatePolicy(lenient, member, failed)).toMatchObject({ outcome: 'permit' });
    const documentWide = policy(`
name: document-wide
detectors: { on_error: ignore }
rules:
  - name: pii-zdr-only
    when: { data_classes: [email] }
    action: restrict
    restrict: { deployment_tags: [zdr] }
`);
    expect(evaluatePolicy(documentWide, member, failed).outcome).toBe('permit');
  });

  it('applies the default when nothing matched: deny-by-default with permits', () => {
    const allowList = policy(`
name: allow-list
default: deny
default_reason: Only the research team may use this gateway.
rules:
  - name: research
    when: { identity: { teams: [research] } }
    action: permit
`);
    expect(evaluatePolicy(allowList, member, found()).outcome).toBe('permit');
    expect(evaluatePolicy(allowList, { ...member, team: 'sales' }, found())).toMatchObject({
      outcome: 'deny',
      reason: 'Only the research team may use this gateway.',
    });
  });

  it('matches roles, users, orgs and key tags, every given field at once', () => {
    const scoped = policy(`
name: scoped
rules:
  - name: batch-members-of-acme
    when: { identity: { roles: [member], orgs: [acme], key_tags: [batch], users: [ada] } }
    action: deny
    reason: no
`);
    expect(evaluatePolicy(scoped, member, found()).outcome).toBe('deny');
    expect(evaluatePolicy(scoped, { ...member, keyTags: [] }, found()).outcome).toBe('permit');
    expect(evaluatePolicy(scoped, { ...member, role: 'service' }, found()).outcome).toBe('permit');
  });
});

describe('compilePolicy', () => {
  it('names the version by meaning: comments and layout do not change it', () => {
    const a = policy('name: p\nrules: []\n');
    const b = policy('# a comment\nrules: []\nname: p\n');
    const c = policy('name: p\nrules: []\ndefault: deny\n');
    expect(a.version).toBe(b.version);
    expect(a.version).not.toBe(c.version);
  });

  it('refuses invalid documents with every problem named', () => {
    const result = compilePolicy(`
name: Bad Name
rules:
  - { name: r, action: redact }
  - { name: r, action: deny, reason: x, when: { target: { providers: [a] } } }
  - { name: t, action: permit, when: { target: { providers: [a] } } }
  - { name: u, action: explode }
`);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.join('\n');
    expect(problems).toContain('name:');
    expect(problems).toContain('rules.0.redact: is required with redact');
    expect(problems).toContain('rules.2.when.target: only goes with deny');
    expect(problems).toContain('rules.3.action');
  });

  it('refuses two rules with one name', () => {
    const result = compilePolicy(`
name: twice
rules:
  - { name: r, action: permit }
  - { name: r, action: flag }
`);
    expect(result.ok ? [] : result.problems).toEqual(['rules.1.name: another rule has this name']);
  });

  it('refuses operator patterns that could not be matched in linear time', () => {
    const result = compilePolicy(`
name: patterns
detectors:
  patterns: [{ class: codes, pattern: '(a+)+$' }]
rules: []
`);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems.join('\n')).toContain(
      'detectors: pattern for class "codes" refused',
    );
    const safe = compilePolicy(`
name: patterns
detectors:
  patterns: [{ class: codes, pattern: 'PRJ-[0-9]{6}' }]
  words: [{ class: codename, words: [bluebird] }]
rules:
  - { name: r, when: { data_classes: [codes, codename] }, action: deny, reason: no }
`);
    expect(safe.ok).toBe(true);
  });

  it('refuses YAML errors and duplicate keys', () => {
    expect(compilePolicy('name: a\nname: b\nrules: []').ok).toBe(false);
    expect(compilePolicy('rules: [').ok).toBe(false);
  });

  it('lists what the detectors must look for', () => {
    expect([...standard.scannedClasses].sort()).toEqual([
      'email',
      'payment_card',
      'phone',
      'secret',
    ]);
    expect(standard.usesInjectionScore).toBe(true);
  });
});
