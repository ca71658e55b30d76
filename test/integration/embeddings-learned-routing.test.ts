import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeCommand } from '../../src/cli/route-command.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// A router on an embeddings model the gateway serves (the mock's `embed`, whose vectors depend
// only on the text): trained through one running gateway's /v1/embeddings, then served by a
// second gateway that asks its own copy of the model for each request's vector.
const embedder = `
providers:
  - { id: vectors, type: mock }
models:
  - alias: embedder
    targets: [{ provider: vectors, model: embed }]
`;
const prompts = Array.from({ length: 40 }, (_, i) => ({
  prompt: `question number ${i} about ${i % 2 === 0 ? 'hard proofs' : 'small talk'}`,
  hard: i % 2 === 0,
}));

const directory = mkdtempSync(join(tmpdir(), 'signalbox-embeddings-router-'));
const artifact = join(directory, 'router.json');
let trainer: TestGateway;
let harness: TestGateway;
const previousKey = process.env.SIGNALBOX_API_KEY;

beforeAll(async () => {
  trainer = await startTestGateway({ config: embedder });
  const data = join(directory, 'train.jsonl');
  writeFileSync(
    data,
    `${prompts.map(({ prompt, hard }) => JSON.stringify({ prompt, scores: { big: 1, small: hard ? 0 : 1 } })).join('\n')}\n`,
  );
  process.env.SIGNALBOX_API_KEY = testAdminKey;
  const { io, error } = captureIo();
  const status = await routeCommand(
    [
      'train',
      ...['--data', data, '--out', artifact, '--strong', 'big', '--weak', 'small'],
      ...['--folds', '2', '--learners', 'linear'],
      ...['--encoder', 'embeddings:embedder', '--gateway', trainer.url],
    ],
    io,
  );
  expect(error).toEqual([]);
  expect(status).toBe(0);
  harness = await startTestGateway({
    config: `${embedder}
  - alias: smart
    strategy: learned
    router: embedded
    targets:
      - { provider: vectors, model: echo, id: small }
      - { provider: vectors, model: fast, id: big }
routers:
  - name: embedded
    artifact: ${artifact}
    encoder: { type: embeddings, model: embedder }
`,
  });
}, 60_000);

afterAll(async () => {
  if (previousKey === undefined) delete process.env.SIGNALBOX_API_KEY;
  else process.env.SIGNALBOX_API_KEY = previousKey;
  await harness.close();
  await trainer.close();
});

describe('learned routing on an embeddings model the gateway serves', () => {
  it('embeds each request through the gateway before planning and routes as trained', async () => {
    let agreed = 0;
    for (const { prompt, hard } of prompts.slice(0, 10)) {
      const response = await fetch(`${harness.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: prompt }] }),
      });
      expect(response.status).toBe(200);
      const id = response.headers.get('x-signalbox-request-id');
      const record = await harness.waitForRecord((entry) => entry.requestId === id);
      const learned = record.decision?.groups[0]?.learned;
      expect(learned?.router).toBe('embedded');
      expect(learned?.choice).toBe(record.deployment);
      if (learned?.choice === (hard ? 'big' : 'small')) agreed += 1;
    }
    // The router has seen these prompts: it routes (nearly) all of them as their labels say.
    expect(agreed).toBeGreaterThanOrEqual(9);
    // Its embeddings calls are charged to their own service identity in the spend ledger.
    let keys: string[] = [];
    for (let tries = 0; tries < 50 && !keys.includes('learned-routing'); tries += 1) {
      const spend = (await (await harness.admin('GET', '/admin/spend?group_by=key')).json()) as {
        data: { key: string | null }[];
      };
      keys = spend.data.map((row) => row.key ?? '');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(keys).toContain('learned-routing');
  });
});
