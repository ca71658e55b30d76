import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 B5 and B7: no secret may be empty or guessable. An empty, blank or short admin
// key stops the gateway from starting (it never runs with a key anyone could send), and an empty
// encryption key leaves the features that need one refusing, never working with an empty key.

const config = 'providers:\n  - { id: mock, type: mock }\n';
const started: TestGateway[] = [];

afterAll(async () => {
  await Promise.all(started.map((harness) => harness.close()));
});

describe('B7: empty secrets fail closed', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['short', 'short'],
  ])('refuses to start with a %s SIGNALBOX_ADMIN_KEY', async (_label, value) => {
    await expect(
      startTestGateway({ config, environment: { SIGNALBOX_ADMIN_KEY: value } }),
    ).rejects.toThrow(/SIGNALBOX_ADMIN_KEY/);
  });

  it('with an empty SIGNALBOX_ENCRYPTION_KEY stores no credential, and empty bearers are 401', async () => {
    const harness = await startTestGateway({
      config,
      environment: { SIGNALBOX_ENCRYPTION_KEY: '' },
    });
    started.push(harness);
    const stored = await harness.admin('POST', '/admin/credentials', {
      name: 'upstream-key',
      value: 'sk-would-be-stored-under-an-empty-key',
    });
    // As if no key were set: 503 SB_ERR_CREDENTIAL_KEY_MISSING, nothing stored.
    expect(stored.status).toBe(503);
    expect(await stored.text()).toContain('SB_ERR_CREDENTIAL_KEY_MISSING');
    const listed = await harness.admin('GET', '/admin/credentials');
    expect(await listed.text()).not.toContain('upstream-key');
    for (const authorization of ['Bearer ', 'Bearer  ', 'Bearer ""']) {
      const response = await fetch(`${harness.url}/admin/keys`, { headers: { authorization } });
      expect(response.status, JSON.stringify(authorization)).toBe(401);
    }
  });
});
