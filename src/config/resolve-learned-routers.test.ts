import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../routing/learned/calibration.ts';
import {
  routerArtifactKind,
  routerArtifactVersion,
  serialiseRouterArtifact,
  type RouterArtifact,
} from '../routing/learned/router-artifact.ts';
import { loadConfigFile } from './load-config.ts';

const directory = mkdtempSync(join(tmpdir(), 'signalbox-routers-'));

/** The smallest well-formed artifact: a logistic router over no features (a constant score). */
function artifact(models?: { strong: string; weak: string }): RouterArtifact {
  return {
    kind: routerArtifactKind,
    version: routerArtifactVersion,
    encoderId: 'toy-v1',
    label: 'strong-better',
    features: {
      encoderId: 'toy-v1',
      encoderDimensions: 2,
      encoderWeight: 0,
      useHand: false,
      handMeans: [],
      handScales: [],
      groups: [],
    },
    model: { type: 'logistic', weights: [], bias: 0.25 },
    calibration: calibrate([0, 0.5, 1]),
    trainedOn: { dataset: 'toy', rows: 3, notes: '' },
    ...(models === undefined ? {} : { models }),
  };
}

function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

write('pair.json', serialiseRouterArtifact(artifact({ strong: 'gpt-big', weak: 'tiny' })));
write('nameless.json', serialiseRouterArtifact(artifact()));
write('broken.json', '{"kind": "signalbox.learned-router", "version": 99}');

function load(routers: string, models = '') {
  const path = write(
    'signalbox.yaml',
    `providers:\n  - { id: mock, type: mock }\nrouters:\n${routers}\nmodels:\n${models || '  []'}\n`,
  );
  return loadConfigFile(path, {});
}

function problems(routers: string, models = ''): string[] {
  const result = load(routers, models);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const learnedGroup = (targets: string, router = 'pick') => `
  - alias: smart
    strategy: learned
    router: ${router}
    targets: ${targets}`;

describe('routers:', () => {
  it('loads an artifact relative to the file, versioned by its hash, strong model first', () => {
    const result = load(
      '  - { name: pick, artifact: pair.json, strong_share: 0.2, models: { gpt-big: big } }',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [router] = result.config.routers;
    expect(router?.artifactPath).toBe(join(directory, 'pair.json'));
    expect(router?.version).toMatch(/^[0-9a-f]{16}$/);
    expect(router?.models).toEqual(['gpt-big', 'tiny']);
    expect(router?.strongShare).toBe(0.2);
    expect([...(router?.modelNames ?? [])]).toEqual([['gpt-big', 'big']]);
  });

  it('names each router whose artifact is missing, malformed or nameless', () => {
    expect(
      problems(
        [
          '  - { name: gone, artifact: missing.json }',
          '  - { name: bad, artifact: broken.json }',
          '  - { name: old, artifact: nameless.json }',
          '  - { name: mapped, artifact: pair.json, models: { gpt-huge: x } }',
        ].join('\n'),
      ),
    ).toEqual([
      'routers[0].artifact: cannot be read (ENOENT)',
      expect.stringMatching(/^routers\[1\]\.artifact: router artifact: /) as string,
      'routers[2].artifact: names no models; train it again with `signalbox route train`',
      'routers[3].models.gpt-huge: is not a model of the artifact (gpt-big, tiny)',
    ]);
  });

  it('refuses both a share and a threshold, and a duplicate name', () => {
    expect(
      problems(
        [
          '  - { name: pick, artifact: pair.json, strong_share: 0.3, threshold: 0.1 }',
          '  - { name: pick, artifact: pair.json }',
        ].join('\n'),
      ),
    ).toEqual(['routers[0]: set strong_share or threshold, not both']);
    expect(
      problems(
        ['  - { name: pick, artifact: pair.json }', '  - { name: pick, artifact: pair.json }'].join(
          '\n',
        ),
      ),
    ).toEqual(['routers[1].name: "pick" is defined more than once']);
  });

  it('ties strategy learned to a defined router', () => {
    const router = '  - { name: pick, artifact: pair.json }';
    const targets = '[{ provider: mock, model: gpt-big }, { provider: mock, model: tiny }]';
    expect(problems(router, learnedGroup(targets))).toEqual([]);
    expect(problems(router, learnedGroup(targets, 'other'))).toEqual([
      'models.smart.router: "other" is not a router of `routers:`',
    ]);
    expect(
      problems(
        router,
        `  - { alias: plain, router: pick, targets: [{ provider: mock, model: a }] }`,
      ),
    ).toEqual(['models.plain.router: is only read by strategy learned']);
    expect(
      problems(
        router,
        `  - { alias: lost, strategy: learned, targets: [{ provider: mock, model: a }] }`,
      ),
    ).toEqual(['models.lost.router: is required by strategy learned: name a router of `routers:`']);
  });

  it('needs targets standing for two of the router models, by name or by mapping', () => {
    const router = '  - { name: pick, artifact: pair.json, models: { tiny: mock/small } }';
    expect(
      problems(
        router,
        learnedGroup('[{ provider: mock, model: gpt-big }, { provider: mock, model: other }]'),
      ),
    ).toEqual([
      "models.smart.targets: must stand for at least two of router pick's models (gpt-big, tiny): name targets after them (id or alias) or map them in routers[].models",
    ]);
    expect(
      problems(
        router,
        learnedGroup('[{ provider: mock, model: gpt-big }, { provider: mock, model: small }]'),
      ),
    ).toEqual([]);
  });
});
