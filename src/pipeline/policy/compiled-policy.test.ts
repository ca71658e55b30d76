import { describe, expect, it } from 'vitest';
import { compilePolicy, type PolicyCompilation } from './compiled-policy.ts';

function compiled(text: string): Extract<PolicyCompilation, { ok: true }>['policy'] {
  const compilation = compilePolicy(text);
  if (!compilation.ok) throw new Error(compilation.problems.join('\n'));
  return compilation.policy;
}

describe('output.json_schema in a policy', () => {
  it('turns structured-output validation on, falling back by default', () => {
    const policy = compiled(
      'name: shapes\nrules: []\noutput: { json_schema: { validate: true } }\n',
    );
    expect(policy.outputSchema).toEqual({ onInvalid: 'fallback' });
    // No data classes: no answer guard.
    expect(policy.output).toBeUndefined();
  });

  it('changes the policy version with the setting', () => {
    const base = 'name: shapes\nrules: []\noutput: { data_classes: [email] }\n';
    const versions = new Set(
      [
        base,
        base.replace('[email] }', '[email], json_schema: { validate: true } }'),
        base.replace('[email] }', '[email], json_schema: { validate: true, on_invalid: error } }'),
      ].map((text) => compiled(text).version),
    );
    expect(versions.size).toBe(3);
    expect(compiled(base).outputSchema).toBeUndefined();
  });

  it('refuses an output section that asks for nothing', () => {
    for (const output of [
      '{}',
      '{ json_schema: { validate: false } }',
      '{ hold_back_chars: 8, json_schema: {} }',
    ]) {
      const compilation = compilePolicy(`name: shapes\nrules: []\noutput: ${output}\n`);
      expect(compilation.ok, output).toBe(false);
    }
    expect(
      compilePolicy(
        'name: shapes\nrules: []\noutput: { json_schema: { validate: true, retry: 1 } }\n',
      ).ok,
    ).toBe(false);
  });
});
