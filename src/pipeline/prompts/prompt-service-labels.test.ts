import { describe, expect, it } from 'vitest';
import type { PromptStore } from '../../storage/prompt-store.ts';
import { PromptService } from './prompt-service.ts';
import {
  FakeClock,
  failure,
  greeting,
  setUp,
  variables,
  withVersions,
} from './prompt-service.fixture.ts';

describe('PromptService labels', () => {
  it('moves labels, lists them and their history newest first', async () => {
    const { service } = setUp();
    await withVersions(service, 3);
    const production = await service.moveLabel('support', 'production', { version: 1 }, 'key_a');
    expect(production).toEqual({
      label: 'production',
      targets: [{ version: 1, weight: 1 }],
      moved_at: expect.stringMatching(/^2026-11-23T09:00:\d\d\.000Z$/) as string,
      moved_by: 'key_a',
    });
    await service.moveLabel('support', 'staging', { version: 3 }, 'key_a');
    await service.moveLabel(
      'support',
      'production',
      {
        targets: [
          { version: 1, weight: 90 },
          { version: 2, weight: 10 },
        ],
      },
      'key_b',
    );
    const detail = await service.get('support');
    expect(detail?.labels.map((view) => [view.label, view.targets])).toEqual([
      [
        'production',
        [
          { version: 1, weight: 90 },
          { version: 2, weight: 10 },
        ],
      ],
      ['staging', [{ version: 3, weight: 1 }]],
    ]);
    expect(detail?.history.map((move) => [move.label, move.moved_by])).toEqual([
      ['production', 'key_b'],
      ['staging', 'key_a'],
      ['production', 'key_a'],
    ]);
    const seqs = detail?.history.map((move) => move.seq) ?? [];
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const [summary] = await service.list();
    expect(summary).toMatchObject({ id: 'support', latest_version: 3 });
    expect(summary?.labels.map((view) => view.label)).toEqual(['production', 'staging']);
    expect(summary?.updated_at).toBe(detail?.history[0]?.moved_at);
  });

  it('records nothing when a label is moved where it already points', async () => {
    const { service } = setUp();
    await withVersions(service, 2);
    const first = await service.moveLabel('support', 'production', { version: 1 }, 'key_a');
    const again = await service.moveLabel('support', 'production', { version: 1 }, 'key_b');
    expect(again).toEqual(first);
    expect((await service.get('support'))?.history).toHaveLength(1);
  });

  it('refuses unknown prompts and versions, the latest label and bad bodies', async () => {
    const { service } = setUp();
    await withVersions(service, 1);
    const cases: [() => Promise<unknown>, string, string][] = [
      [
        () => service.moveLabel('nobody', 'production', { version: 1 }, 'k'),
        'SB_ERR_NOT_FOUND',
        'id',
      ],
      [
        () => service.moveLabel('support', 'production', { version: 2 }, 'k'),
        'SB_ERR_NOT_FOUND',
        'version',
      ],
      [
        () =>
          service.moveLabel(
            'support',
            'production',
            {
              targets: [
                { version: 1, weight: 1 },
                { version: 5, weight: 1 },
              ],
            },
            'k',
          ),
        'SB_ERR_NOT_FOUND',
        'version',
      ],
      [
        () => service.moveLabel('support', 'latest', { version: 1 }, 'k'),
        'SB_ERR_REQUEST_INVALID',
        'label',
      ],
      [
        () => service.moveLabel('support', 'Prod', { version: 1 }, 'k'),
        'SB_ERR_REQUEST_INVALID',
        'label',
      ],
      [
        () => service.moveLabel('support', 'production', {}, 'k'),
        'SB_ERR_REQUEST_INVALID',
        'targets',
      ],
      [
        () => service.moveLabel('support', 'production', { version: 1, targets: [] }, 'k'),
        'SB_ERR_REQUEST_INVALID',
        'version',
      ],
      [
        () =>
          service.moveLabel(
            'support',
            'production',
            {
              targets: [
                { version: 1, weight: 1 },
                { version: 1, weight: 2 },
              ],
            },
            'k',
          ),
        'SB_ERR_REQUEST_INVALID',
        'targets',
      ],
      [
        () =>
          service.moveLabel('support', 'production', { targets: [{ version: 1, weight: 0 }] }, 'k'),
        'SB_ERR_REQUEST_INVALID',
        'targets[0].weight',
      ],
      [
        () =>
          service.moveLabel(
            'support',
            'production',
            {
              targets: Array.from({ length: 11 }, (_, index) => ({
                version: index + 1,
                weight: 1,
              })),
            },
            'k',
          ),
        'SB_ERR_REQUEST_INVALID',
        'targets',
      ],
      [() => service.rollbackLabel('support', 'latest', 'k'), 'SB_ERR_REQUEST_INVALID', 'label'],
      [() => service.removeLabel('nobody', 'production', 'k'), 'SB_ERR_NOT_FOUND', 'id'],
    ];
    for (const [call, code, param] of cases) {
      const error = await failure(call);
      expect([error.code, error.param]).toEqual([code, param]);
    }
    expect((await service.get('support'))?.history).toEqual([]);
  });

  it('rolls back to where the label pointed before its latest move; twice undoes the rollback', async () => {
    const { service } = setUp();
    await withVersions(service, 3);
    const never = await failure(() => service.rollbackLabel('support', 'production', 'k'));
    expect([never.code, never.param]).toEqual(['SB_ERR_REQUEST_INVALID', 'label']);
    await service.moveLabel('support', 'production', { version: 1 }, 'k');
    const once = await failure(() => service.rollbackLabel('support', 'production', 'k'));
    expect(once.publicMessage).toContain('has no earlier position to roll back to');
    await service.moveLabel('support', 'production', { version: 2 }, 'k');
    await service.moveLabel('support', 'production', { version: 3 }, 'k');
    const served = (): number =>
      service.resolve({ id: 'support', variables }, 'u').provenance.version;
    expect(served()).toBe(3);
    const back = await service.rollbackLabel('support', 'production', 'key_ops');
    expect([back.targets, back.moved_by]).toEqual([[{ version: 2, weight: 1 }], 'key_ops']);
    expect(served()).toBe(2);
    // The rollback is itself the latest move, so a second one returns to version 3, not 1.
    const again = await service.rollbackLabel('support', 'production', 'key_ops');
    expect(again.targets).toEqual([{ version: 3, weight: 1 }]);
    expect(served()).toBe(3);
    expect((await service.get('support'))?.history.map((move) => move.targets[0]?.version)).toEqual(
      [3, 2, 3, 2, 1],
    );
  });

  it('removes a label, and a rollback brings it back', async () => {
    const { service } = setUp();
    await withVersions(service, 1);
    expect(await service.removeLabel('support', 'production', 'k')).toBe(false);
    await service.moveLabel('support', 'production', { version: 1 }, 'k');
    expect(await service.removeLabel('support', 'production', 'k')).toBe(true);
    expect(await service.removeLabel('support', 'production', 'k')).toBe(false);
    const gone = await failure(() => service.resolve({ id: 'support', variables }, 'u'));
    expect(gone.param).toBe('prompt.label');
    const detail = await service.get('support');
    expect(detail?.labels).toEqual([]);
    expect(detail?.history[0]?.targets).toEqual([]);
    expect((await service.list())[0]?.labels).toEqual([]);
    const back = await service.rollbackLabel('support', 'production', 'k');
    expect(back.targets).toEqual([{ version: 1, weight: 1 }]);
    expect(service.resolve({ id: 'support', variables }, 'u').provenance.version).toBe(1);
  });
});

describe('PromptService memory', () => {
  it("sees another replica's writes only after refresh() finds a higher revision", async () => {
    const { service, replica } = setUp();
    const other = replica();
    await other.refresh();
    await withVersions(service, 1);
    await service.moveLabel('support', 'production', { version: 1 }, 'k');
    // The writer reloaded at once; the other replica still serves what it had.
    expect(service.resolve({ id: 'support', variables }, 'u').provenance.version).toBe(1);
    expect((await failure(() => other.resolve({ id: 'support', variables }, 'u'))).param).toBe(
      'prompt.id',
    );
    await other.refresh();
    expect(other.resolve({ id: 'support', variables }, 'u').provenance.version).toBe(1);
    await service.createVersion('support', greeting('v2'), 'k');
    await service.moveLabel('support', 'production', { version: 2 }, 'k');
    expect(other.resolve({ id: 'support', variables }, 'u').provenance.version).toBe(1);
    await other.refresh();
    expect(other.resolve({ id: 'support', variables }, 'u').provenance.version).toBe(2);
  });

  it('reloads the snapshot only when the revision changed, and keeps it when storage fails', async () => {
    const { store } = setUp();
    let snapshots = 0;
    let failing = false;
    const counting: PromptStore = {
      addVersion: (version) => store.addVersion(version),
      findVersion: (id, version) => store.findVersion(id, version),
      listVersions: (id) => store.listVersions(id),
      moveLabel: (move) => store.moveLabel(move),
      labelHistory: (id, label) => store.labelHistory(id, label),
      snapshot: () => {
        snapshots += 1;
        return store.snapshot();
      },
      revision: () => (failing ? Promise.reject(new Error('database down')) : store.revision()),
    };
    const service = new PromptService(counting, new FakeClock());
    await service.refresh();
    await service.refresh();
    expect(snapshots).toBe(1);
    await withVersions(service, 1);
    expect(snapshots).toBe(2);
    await service.refresh();
    expect(snapshots).toBe(2);
    failing = true;
    await expect(service.refresh()).rejects.toThrow('database down');
    expect(
      service.resolve({ id: 'support', label: 'latest', variables }, 'u').provenance.version,
    ).toBe(1);
  });
});

describe('PromptService render', () => {
  it('previews a version with variables, naming fields without the prompt prefix', async () => {
    const { service } = setUp();
    await withVersions(service, 2);
    await service.moveLabel('support', 'production', { version: 1 }, 'k');
    const rendered = await service.render('support', {
      variables: { question: 'q', company: 'Z' },
    });
    expect(rendered.provenance).toMatchObject({ id: 'support', version: 1, label: 'production' });
    expect(rendered.preamble.system).toEqual(['v1 from Z.']);
    const pinned = await service.render('support', { version: 2, variables, stickiness: 'user-1' });
    expect(pinned.provenance.version).toBe(2);
    const cases: [unknown, string, string][] = [
      [{ variables: { question: 'q', nope: 1 } }, 'SB_ERR_REQUEST_INVALID', 'variables.nope'],
      [{ label: 'beta', variables }, 'SB_ERR_PROMPT_NOT_FOUND', 'label'],
      [{ version: 7, variables }, 'SB_ERR_PROMPT_NOT_FOUND', 'version'],
      [{ variables, stickiness: 3 }, 'SB_ERR_REQUEST_INVALID', 'stickiness'],
      [{ variables, extra: true }, 'SB_ERR_REQUEST_INVALID', 'extra'],
      [[], 'SB_ERR_REQUEST_INVALID', '(body)'],
    ];
    for (const [body, code, param] of cases) {
      const error = await failure(() => service.render('support', body));
      expect([error.code, error.param]).toEqual([code, param]);
    }
    const unknown = await failure(() => service.render('nobody', { variables }));
    expect([unknown.code, unknown.param]).toEqual(['SB_ERR_PROMPT_NOT_FOUND', 'id']);
  });
});
