import { describe, expect, it } from 'vitest';
import { failure, greeting, setUp, variables, withVersions } from './prompt-service.fixture.ts';

describe('PromptService versions', () => {
  it('numbers new content and returns the newest version for the same content', async () => {
    const { service } = setUp();
    const first = await service.createVersion('support', greeting('Hello'), 'key_admin');
    expect(first).toEqual({
      created: true,
      version: {
        id: 'support',
        version: 1,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        note: 'says Hello',
        created_at: '2026-11-23T09:00:01.000Z',
        created_by: 'key_admin',
      },
    });
    // Only the note differs: the same template, so the same version.
    const same = await service.createVersion(
      'support',
      { ...(greeting('Hello') as object), note: 'other' },
      'key_b',
    );
    expect(same).toEqual({ created: false, version: first.version });
    const second = await service.createVersion('support', greeting('Hi'), 'key_admin');
    expect(second.version.version).toBe(2);
    expect(second.version.sha256).not.toBe(first.version.sha256);
  });

  it('refuses a bad id or template, listing every problem', async () => {
    const { service } = setUp();
    const badId = await failure(() => service.createVersion('Bad Id', greeting('x'), 'k'));
    expect([badId.code, badId.param]).toEqual(['SB_ERR_REQUEST_INVALID', 'id']);
    const badBody = await failure(() =>
      service.createVersion(
        'support',
        { messages: [{ role: 'user', content: '{{ a }} {{ b }}' }] },
        'k',
      ),
    );
    expect([badBody.code, badBody.param]).toEqual(['SB_ERR_REQUEST_INVALID', '(body)']);
    expect(badBody.publicMessage).toContain(
      'The prompt template is not valid: messages.0.content: the placeholder {{ a }} names no declared variable; messages.0.content: the placeholder {{ b }} names no declared variable.',
    );
    expect(await service.list()).toEqual([]);
  });

  it('shows versions newest first with their templates', async () => {
    const { service } = setUp();
    await withVersions(service, 2);
    const detail = await service.get('support');
    expect(detail?.versions.map((view) => view.version)).toEqual([2, 1]);
    expect(await service.version('support', 1)).toMatchObject({
      id: 'support',
      version: 1,
      note: 'says v1',
      messages: [
        { role: 'system', content: 'v1 from {{company}}.' },
        { role: 'user', content: 'Question: {{question}}' },
      ],
      variables: { company: { type: 'string', default: 'Acme' }, question: { type: 'string' } },
    });
    expect(await service.version('support', 3)).toBeUndefined();
    expect(await service.get('other')).toBeUndefined();
    expect(await service.get('NOT VALID')).toBeUndefined();
  });
});

describe('PromptService serving', () => {
  it('serves the production label by default, and latest as the newest version', async () => {
    const { service } = setUp();
    await withVersions(service, 2);
    const missing = await failure(() => service.resolve({ id: 'support', variables }, 'u'));
    expect([missing.code, missing.param]).toEqual(['SB_ERR_PROMPT_NOT_FOUND', 'prompt.label']);
    await service.moveLabel('support', 'production', { version: 1 }, 'key_admin');
    const served = service.resolve({ id: 'support', variables }, 'u');
    expect(served).toEqual({
      provenance: {
        id: 'support',
        version: 1,
        label: 'production',
        sha256: (await service.version('support', 1))?.sha256,
      },
      preamble: {
        system: ['v1 from Acme.'],
        messages: [{ role: 'user', content: 'Question: Why?' }],
      },
    });
    const latest = service.resolve({ id: 'support', label: 'latest', variables }, 'u');
    expect([latest.provenance.version, latest.provenance.label]).toEqual([2, 'latest']);
    expect(latest.preamble.system).toEqual(['v2 from Acme.']);
  });

  it('serves a pinned version whatever the labels say', async () => {
    const { service } = setUp();
    await withVersions(service, 3);
    await service.moveLabel('support', 'production', { version: 3 }, 'key_admin');
    for (const version of [2, '2']) {
      const served = service.resolve({ id: 'support', version, variables }, 'u');
      expect(served.provenance).toMatchObject({ version: 2, label: undefined });
      expect(served.preamble.system).toEqual(['v2 from Acme.']);
    }
    expect(service.resolve({ id: 'support', variables }, 'u').provenance.version).toBe(3);
  });

  it.each([
    [{ id: 'nobody', variables }, 'prompt.id'],
    [{ id: 'support', version: 9, variables }, 'prompt.version'],
    [{ id: 'support', label: 'beta', variables }, 'prompt.label'],
  ])('answers %j with SB_ERR_PROMPT_NOT_FOUND naming %s', async (reference, param) => {
    const { service } = setUp();
    await withVersions(service, 1);
    await service.moveLabel('support', 'production', { version: 1 }, 'key_admin');
    const error = await failure(() => service.resolve(reference, 'u'));
    expect([error.code, error.param, error.status]).toEqual([
      'SB_ERR_PROMPT_NOT_FOUND',
      param,
      404,
    ]);
  });

  it('refuses bad variables with the variable named', async () => {
    const { service } = setUp();
    await withVersions(service, 1);
    const unknown = await failure(() =>
      service.resolve({ id: 'support', label: 'latest', variables: { question: 'q', x: 1 } }, 'u'),
    );
    expect([unknown.code, unknown.param]).toEqual(['SB_ERR_REQUEST_INVALID', 'prompt.variables.x']);
    const missing = await failure(() => service.resolve({ id: 'support', label: 'latest' }, 'u'));
    expect(missing.param).toBe('prompt.variables.question');
  });

  it('inserts injection attempts literally', async () => {
    const { service } = setUp();
    await withVersions(service, 1);
    for (const attempt of [
      '{{company}}',
      "{{ constructor.constructor('x')() }}",
      '${process.exit()}',
      '{% if %}',
      '<%= 7*7 %>',
    ]) {
      const served = service.resolve(
        { id: 'support', label: 'latest', variables: { question: attempt, company: attempt } },
        'u',
      );
      expect(served.preamble.system).toEqual([`v1 from ${attempt}.`]);
      expect(served.preamble.messages).toEqual([{ role: 'user', content: `Question: ${attempt}` }]);
    }
  });

  it('splits a label between versions, sticky per stickiness value', async () => {
    const { service } = setUp();
    await withVersions(service, 2);
    await service.moveLabel(
      'support',
      'production',
      {
        targets: [
          { version: 1, weight: 50 },
          { version: 2, weight: 50 },
        ],
      },
      'key_admin',
    );
    const served = new Set<number>();
    for (let index = 0; index < 50; index += 1) {
      const stickiness = `user-${String(index)}`;
      const version = service.resolve({ id: 'support', variables }, stickiness).provenance.version;
      expect(service.resolve({ id: 'support', variables }, stickiness).provenance.version).toBe(
        version,
      );
      served.add(version);
    }
    expect([...served].sort()).toEqual([1, 2]);
  });

  it('fails a stored version it cannot read as an internal error, not as a missing one', async () => {
    const { service, store } = setUp();
    await store.addVersion({
      promptId: 'broken',
      template: '{"messages": "not a list"}',
      sha256: 'a'.repeat(64),
      note: '',
      createdAt: 1,
      createdBy: 'key_admin',
    });
    await service.refresh();
    const error = await failure(() => service.resolve({ id: 'broken', version: 1 }, 'u'));
    expect(error.code).toBe('SB_ERR_INTERNAL');
  });
});
