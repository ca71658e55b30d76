import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestGateway,
  testAdminKey,
  type TestGateway,
} from '../../test/helpers/test-gateway.ts';

// Regression: on a provider with allow_any_model the client picks the model name, and it went
// into the x-signalbox-attempt-errors header as it was. A character outside Latin-1 made Node's
// writeHead throw, so the request was never answered (found while fuzzing provider URLs).
describe('a client-chosen model name in response headers', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      config:
        'server:\n  shutdown_grace_ms: 100\nproviders:\n  - id: m\n    type: mock\n    allow_any_model: true\n',
    });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it.each(['m/中文', 'm/\ud800', 'm/emoji-\ud83d\ude00'])(
    '%j still gets an answer',
    async (model) => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        signal: AbortSignal.timeout(5000),
      });
      expect(response.status).toBe(502);
      const attempts = response.headers.get('x-signalbox-attempt-errors') ?? '';
      expect(attempts).toMatch(/^m\/\S+ /);
      expect(attempts).toMatch(/^[\x20-\x7e]*$/);
      if (model.isWellFormed())
        expect(decodeURIComponent(attempts.split(' ')[0] ?? '')).toBe(model);
    },
  );
});
