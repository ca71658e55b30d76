import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeCommand } from '../../src/cli/route-command.ts';
import { writeFixtureModelDirectory } from '../fixtures/onnx/build-fixture-model.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// A router on a local ONNX sentence encoder (the test fixture model, whose vocabulary has a
// finance topic and a pets topic): the strong model wins exactly on the finance prompts.
const finance = ['quantum finance bonds yield', 'bonds yield alpha', 'finance beta bonds'];
const pets = ['the cat sat on the mat', 'a dog sat on a rug', 'the cats sat'];

const directory = mkdtempSync(join(tmpdir(), 'signalbox-onnx-router-'));
const modelDirectory = join(directory, 'model');
const artifact = join(directory, 'router.json');
let harness: TestGateway;

beforeAll(async () => {
  await writeFixtureModelDirectory(modelDirectory, { dimensions: 16 });
  const lines = Array.from({ length: 120 }, (_, i) => {
    const hard = i % 2 === 0;
    const base = (hard ? finance : pets)[i % 3] ?? '';
    const prompt = `${base} ${['alpha', 'beta', 'gamma', 'delta'][i % 4] ?? ''}`;
    return JSON.stringify({ prompt, scores: { big: 1, small: hard ? 0 : 1 } });
  });
  const data = join(directory, 'train.jsonl');
  writeFileSync(data, `${lines.join('\n')}\n`);
  const { io, out, error } = captureIo();
  const status = await routeCommand(
    [
      'train',
      ...['--data', data, '--out', artifact, '--strong', 'big', '--weak', 'small'],
      ...['--folds', '3', '--learners', 'linear', '--encoder', `onnx:${modelDirectory}`],
    ],
    io,
  );
  expect(error).toEqual([]);
  expect(status).toBe(0);
  expect(out[0]).toContain('"chosen":"logistic');
  harness = await startTestGateway({
    config: `
providers:
  - { id: strong, type: mock }
  - { id: weak, type: mock }
routers:
  - name: onnx
    artifact: ${artifact}
    encoder: { type: onnx, directory: ${modelDirectory} }
models:
  - alias: smart
    strategy: learned
    router: onnx
    targets:
      - { provider: weak, model: echo, id: small }
      - { provider: strong, model: echo, id: big }
`,
  });
}, 60_000);

afterAll(async () => {
  await harness.close();
});

async function routed(content: string) {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content }] }),
  });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-signalbox-request-id');
  const record = await harness.waitForRecord((entry) => entry.requestId === id);
  return { deployment: record.deployment, learned: record.decision?.groups[0]?.learned };
}

describe('learned routing on a local ONNX encoder', () => {
  it('encodes the request with the model before planning and routes by its vector', async () => {
    const hard = await routed('yield bonds quantum gamma');
    expect(hard.deployment).toBe('big');
    expect(hard.learned?.choice).toBe('big');
    const easy = await routed('a cat on the rug delta');
    expect(easy.deployment).toBe('small');
    expect(easy.learned?.choice).toBe('small');
  });

  it('scores with the same encoder from the command line, and refuses another', async () => {
    const input = join(directory, 'input.jsonl');
    writeFileSync(input, `${JSON.stringify({ prompt: 'finance bonds yield' })}\n`);
    const { io, out } = captureIo();
    expect(
      await routeCommand(
        ['score', '--router', artifact, '--input', input, '--encoder', `onnx:${modelDirectory}`],
        io,
      ),
    ).toBe(0);
    expect(out[0]).toContain('"choice":"big"');
    expect(() =>
      routeCommand(['score', '--router', artifact, '--input', input], captureIo().io),
    ).toThrow(/trained with encoder onnx:/);
  });
});
