import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import type { ContextDocumentStore } from '../../storage/context-document-store.ts';
import { SqlContextDocumentStore } from '../../storage/sql/sql-context-document-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import { ContextBlockedError } from './context-blocked-error.ts';
import { ContextDocumentService, emptyContextResolution } from './context-document-service.ts';

const day = 86_400_000;
const start = Date.parse('2026-03-01T12:00:00Z');
const facts = { alias: 'support-bot', team: 'support', route: '/v1/chat/completions' } as const;

function clockAt(at: number): Clock & { advance(ms: number): void } {
  let now = at;
  return { now: () => now, monotonic: () => now, advance: (ms) => void (now += ms) };
}

function openStore(stateDir: string): SqlContextDocumentStore {
  return new SqlContextDocumentStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
}

function fresh(): {
  service: ContextDocumentService;
  clock: ReturnType<typeof clockAt>;
  stateDir: string;
} {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-context-service-')), 'state');
  const clock = clockAt(start);
  let next = 0;
  const service = new ContextDocumentService(openStore(stateDir), clock, () => {
    next += 1;
    return `ctxatt_test${String(next)}`;
  });
  return { service, clock, stateDir };
}

function body(content: string, expiresAt: string | null = null): Record<string, unknown> {
  return { title: 'Refund policy', owner: 'support-ops', content, expires_at: expiresAt };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A document with version 1 approved, attached to `facts.alias` with `on_stale`. */
async function approvedAndAttached(
  service: ContextDocumentService,
  onStale: 'warn' | 'block' | 'caveat',
  expiresAt: string | null = null,
): Promise<void> {
  await service.createVersion('refund-policy', body('Refunds within 30 days.', expiresAt), 'key_a');
  await service.approve('refund-policy', 1, 'key_b');
  await service.attach(
    { document: 'refund-policy', scope: 'alias', target: 'support-bot', on_stale: onStale },
    'key_a',
  );
}

function blockedBy(run: () => unknown): ContextBlockedError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContextBlockedError) return error;
    throw error;
  }
  throw new Error('the request was not blocked');
}

describe('ContextDocumentService', () => {
  it('never injects a draft, and injects a version once approved', async () => {
    const { service, clock } = fresh();
    const created = await service.createVersion(
      'refund-policy',
      body('Refunds within 30 days.'),
      'key_a',
    );
    expect(created).toMatchObject({ id: 'refund-policy', version: 1, status: 'draft' });
    expect(created.sha256).toBe(sha256('Refunds within 30 days.'));
    await expect(
      service.attach({ document: 'refund-policy', scope: 'alias', target: 'support-bot' }, 'key_a'),
    ).rejects.toMatchObject({ code: 'SB_ERR_REQUEST_INVALID', param: 'document' });
    expect(service.resolve(facts)).toBe(emptyContextResolution);

    clock.advance(day);
    const approved = await service.approve('refund-policy', 1, 'key_b');
    expect(approved).toMatchObject({ status: 'approved', approved_by: 'key_b' });
    expect(approved.approved_at).toBe('2026-03-02T12:00:00.000Z');
    const attachment = await service.attach(
      { document: 'refund-policy', scope: 'alias', target: 'support-bot' },
      'key_a',
    );
    expect(attachment).toMatchObject({ id: 'ctxatt_test1', on_stale: 'caveat', version: null });
    const resolution = service.resolve(facts);
    expect(resolution.preamble).toEqual({
      system: [
        `Reference document "Refund policy" (refund-policy, version 1, owner support-ops, approved 2026-03-02, sha256 ${sha256('Refunds within 30 days.').slice(0, 12)}):\nRefunds within 30 days.`,
      ],
      messages: [],
    });
    expect(resolution.provenance).toEqual([
      {
        id: 'refund-policy',
        version: 1,
        sha256: sha256('Refunds within 30 days.'),
        status: 'approved',
        handling: 'served',
        attachment: 'ctxatt_test1',
      },
    ]);
    expect(resolution.warnings).toEqual([]);

    // A newer draft does not displace the approved version.
    await service.createVersion('refund-policy', body('Refunds within 14 days.'), 'key_a');
    expect(service.resolve(facts).provenance[0]?.version).toBe(1);
    expect(service.resolve(facts).preamble.system[0]).not.toContain('14 days');
  });

  it('follows the newest approved version unless pinned', async () => {
    const { service } = fresh();
    await approvedAndAttached(service, 'caveat');
    await service.attach(
      { document: 'refund-policy', scope: 'team', target: 'billing', version: 1 },
      'key_a',
    );
    await service.createVersion('refund-policy', body('Refunds within 14 days.'), 'key_a');
    await service.approve('refund-policy', 2, 'key_b');
    const following = service.resolve(facts);
    expect(following.provenance.map((entry) => entry.version)).toEqual([2]);
    expect(following.preamble.system[0]).toContain('Refunds within 14 days.');
    const pinned = service.resolve({ alias: 'other', team: 'billing', route: '/v1/messages' });
    expect(pinned.provenance).toMatchObject([{ version: 1, attachment: 'ctxatt_test2' }]);
    expect(pinned.preamble.system[0]).toContain('Refunds within 30 days.');
  });

  it('serves an expired version with a warning under warn', async () => {
    const { service, clock } = fresh();
    await approvedAndAttached(service, 'warn', '2026-03-05T00:00:00Z');
    const fresher = service.resolve(facts);
    expect(fresher.provenance[0]?.handling).toBe('served');
    clock.advance(5 * day);
    const stale = service.resolve(facts);
    expect(stale.provenance).toMatchObject([{ status: 'expired', handling: 'warned' }]);
    expect(stale.warnings).toEqual(['Context document `refund-policy` version 1 has expired.']);
    expect(stale.preamble.system).toEqual(fresher.preamble.system);
  });

  it('puts a caveat line first under caveat, for expiry and for revocation', async () => {
    const { service, clock } = fresh();
    await approvedAndAttached(service, 'caveat', '2026-03-05T00:00:00Z');
    const text = service.resolve(facts).preamble.system[0];
    clock.advance(5 * day);
    const expired = service.resolve(facts);
    expect(expired.provenance).toMatchObject([{ status: 'expired', handling: 'caveated' }]);
    expect(expired.warnings).toEqual([]);
    expect(expired.preamble.system).toEqual([
      `Caution: this reference document expired on 2026-03-05 and may be out of date.\n${String(text)}`,
    ]);
    const revoked = await service.revoke('refund-policy', 1, { reason: 'wrong window' }, 'key_c');
    expect(revoked).toMatchObject({ status: 'revoked', revoke_reason: 'wrong window' });
    expect(service.resolve(facts).preamble.system).toEqual([
      `Caution: this reference document was revoked on 2026-03-06 and may be wrong.\n${String(text)}`,
    ]);
  });

  it('blocks a revoked version under block, with the provenance of the refused request', async () => {
    const { service } = fresh();
    await service.createVersion('shipping', body('Ships in 2 days.'), 'key_a');
    await service.approve('shipping', 1, 'key_b');
    await service.attach(
      { document: 'shipping', scope: 'route', target: '/v1/chat/completions', on_stale: 'warn' },
      'key_a',
    );
    await approvedAndAttached(service, 'block');
    expect(service.resolve(facts).provenance.map((entry) => entry.id)).toEqual([
      'shipping',
      'refund-policy',
    ]);
    await service.revoke('refund-policy', 1, undefined, 'key_c');
    const error = blockedBy(() => service.resolve(facts));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe('SB_ERR_CONTEXT_STALE');
    expect(error.status).toBe(403);
    expect(error.publicMessage).toContain(
      'Context document `refund-policy` version 1 was revoked.',
    );
    expect(error.provenance).toEqual([
      {
        id: 'shipping',
        version: 1,
        sha256: sha256('Ships in 2 days.'),
        status: 'approved',
        handling: 'served',
        attachment: 'ctxatt_test1',
      },
      {
        id: 'refund-policy',
        version: 1,
        sha256: sha256('Refunds within 30 days.'),
        status: 'revoked',
        handling: 'blocked',
        attachment: 'ctxatt_test2',
      },
    ]);
    // Other requests are unaffected.
    expect(service.resolve({ ...facts, alias: 'other' }).provenance).toHaveLength(1);
  });

  it('blocks an expired version under block, and warns about a revoked one under warn', async () => {
    const { service, clock } = fresh();
    await approvedAndAttached(service, 'block', '2026-03-02T00:00:00Z');
    clock.advance(day);
    const error = blockedBy(() => service.resolve(facts));
    expect(error.provenance).toMatchObject([{ status: 'expired', handling: 'blocked' }]);
    expect(error.publicMessage).toContain('version 1 has expired.');

    const other = fresh().service;
    await approvedAndAttached(other, 'warn');
    await other.revoke('refund-policy', 1, {}, 'key_c');
    const warned = other.resolve(facts);
    expect(warned.provenance).toMatchObject([{ status: 'revoked', handling: 'warned' }]);
    expect(warned.warnings).toEqual(['Context document `refund-policy` version 1 was revoked.']);
  });

  it('matches alias, team and route scopes in creation order, each document once', async () => {
    const { service } = fresh();
    for (const id of ['alpha', 'beta', 'gamma']) {
      await service.createVersion(id, body(`about ${id}`), 'key_a');
      await service.approve(id, 1, 'key_b');
    }
    await service.attach({ document: 'gamma', scope: 'route', target: '/v1/messages' }, 'key_a');
    await service.attach({ document: 'alpha', scope: 'team', target: 'support' }, 'key_a');
    await service.attach({ document: 'beta', scope: 'alias', target: 'support-bot' }, 'key_a');
    await service.attach({ document: 'alpha', scope: 'alias', target: 'support-bot' }, 'key_a');
    const ids = (input: { alias: string; team: string | undefined; route: string }): string[] =>
      service.resolve(input).provenance.map((entry) => `${entry.id}@${entry.attachment}`);
    expect(ids({ alias: 'support-bot', team: 'support', route: '/v1/messages' })).toEqual([
      'gamma@ctxatt_test1',
      'alpha@ctxatt_test2',
      'beta@ctxatt_test3',
    ]);
    expect(ids({ alias: 'support-bot', team: undefined, route: '/v1/responses' })).toEqual([
      'beta@ctxatt_test3',
      'alpha@ctxatt_test4',
    ]);
    expect(ids({ alias: 'other', team: 'support', route: '/v1/responses' })).toEqual([
      'alpha@ctxatt_test2',
    ]);
    expect(service.resolve({ alias: 'other', team: 'sales', route: '/v1/responses' })).toBe(
      emptyContextResolution,
    );
    expect(service.resolve(facts).preamble.system).toHaveLength(2);
    expect(await service.detach('ctxatt_test3', 'key_a')).toBe(true);
    expect(await service.detach('ctxatt_test3', 'key_a')).toBe(false);
    expect(ids({ alias: 'support-bot', team: undefined, route: '/v1/responses' })).toEqual([
      'alpha@ctxatt_test4',
    ]);
  });

  it('refuses attachments without an approved version, to other routes, or to unknown objects', async () => {
    const { service } = fresh();
    await service.createVersion('refund-policy', body('v1'), 'key_a');
    await service.approve('refund-policy', 1, 'key_b');
    await service.createVersion('refund-policy', body('v2'), 'key_a');
    const refused = async (input: Record<string, unknown>, code: string, param: string) => {
      await expect(service.attach(input, 'key_a')).rejects.toMatchObject({ code, param });
    };
    const base = { document: 'refund-policy', scope: 'alias', target: 'support-bot' };
    await refused({ ...base, version: 2 }, 'SB_ERR_REQUEST_INVALID', 'version');
    await refused({ ...base, version: 3 }, 'SB_ERR_NOT_FOUND', 'version');
    await refused({ ...base, document: 'missing' }, 'SB_ERR_NOT_FOUND', 'document');
    await refused(
      { ...base, scope: 'route', target: '/v1/embeddings' },
      'SB_ERR_REQUEST_INVALID',
      'target',
    );
    await refused({ ...base, target: '' }, 'SB_ERR_REQUEST_INVALID', 'target');
    await refused({ ...base, on_stale: 'ignore' }, 'SB_ERR_REQUEST_INVALID', 'on_stale');
    await refused({ ...base, extra: true }, 'SB_ERR_REQUEST_INVALID', '(body)');
    await service.revoke('refund-policy', 1, {}, 'key_c');
    await refused(base, 'SB_ERR_REQUEST_INVALID', 'document');
    await refused({ ...base, version: 1 }, 'SB_ERR_REQUEST_INVALID', 'version');
    expect(await service.attachments()).toEqual([]);
  });

  it('refuses to approve a revoked or expired version, and repeats approvals and revocations as no-ops', async () => {
    const { service, clock } = fresh();
    await service.createVersion('refund-policy', body('v1', '2026-03-03T00:00:00Z'), 'key_a');
    await service.createVersion('refund-policy', body('v2'), 'key_a');
    await service.createVersion('refund-policy', body('v3'), 'key_a');
    const first = await service.approve('refund-policy', 3, 'key_b');
    clock.advance(day);
    expect(await service.approve('refund-policy', 3, 'key_c')).toEqual(first);
    await service.revoke('refund-policy', 2, { reason: 'wrong' }, 'key_c');
    const revoked = await service.revoke('refund-policy', 2, { reason: 'again' }, 'key_d');
    expect(revoked).toMatchObject({
      status: 'revoked',
      revoked_by: 'key_c',
      revoke_reason: 'wrong',
    });
    await expect(service.approve('refund-policy', 2, 'key_b')).rejects.toMatchObject({
      code: 'SB_ERR_REQUEST_INVALID',
      param: 'version',
    });
    clock.advance(day);
    await expect(service.approve('refund-policy', 1, 'key_b')).rejects.toMatchObject({
      code: 'SB_ERR_REQUEST_INVALID',
      param: 'version',
    });
    await expect(service.approve('refund-policy', 9, 'key_b')).rejects.toMatchObject({
      code: 'SB_ERR_NOT_FOUND',
      param: 'version',
    });
    await expect(service.approve('missing', 1, 'key_b')).rejects.toMatchObject({
      code: 'SB_ERR_NOT_FOUND',
      param: 'id',
    });
    await expect(
      service.revoke('refund-policy', 1, { reason: 'x'.repeat(501) }, 'k'),
    ).rejects.toMatchObject({
      code: 'SB_ERR_REQUEST_INVALID',
      param: 'reason',
    });
    const detail = await service.get('refund-policy');
    expect(
      detail?.versions.map((version) => `${String(version.version)}:${version.status}`),
    ).toEqual(['3:approved', '2:revoked', '1:expired']);
  });

  it('validates version bodies and ids, listing every problem', async () => {
    const { service } = fresh();
    await expect(service.createVersion('Bad Id', body('x'), 'key_a')).rejects.toMatchObject({
      code: 'SB_ERR_REQUEST_INVALID',
      param: 'id',
    });
    const error = await service
      .createVersion('refund-policy', { title: '', owner: 'a\nb', content: '', colour: 1 }, 'key_a')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    const message = (error as GatewayError).publicMessage;
    for (const field of ['`title`', '`owner`', '`content`', 'colour']) {
      expect(message).toContain(field);
    }
    await expect(
      service.createVersion('refund-policy', body('x'.repeat(64 * 1024 + 1)), 'key_a'),
    ).rejects.toMatchObject({ param: 'content' });
    await expect(
      service.createVersion('refund-policy', body('x', '2027-01-01'), 'key_a'),
    ).rejects.toMatchObject({ param: 'expires_at' });
    expect(await service.list()).toEqual([]);
    const withOffset = await service.createVersion(
      'refund-policy',
      {
        title: 'T',
        owner: 'O',
        content: 'é'.repeat(32 * 1024),
        expires_at: '2027-01-01T02:00:00+02:00',
      },
      'key_a',
    );
    expect(withOffset.expires_at).toBe('2027-01-01T00:00:00.000Z');
  });

  it('shows documents, versions and attachments in admin views', async () => {
    const { service, clock } = fresh();
    await approvedAndAttached(service, 'warn');
    clock.advance(day);
    await service.createVersion('refund-policy', { ...body('v2'), title: 'Refunds' }, 'key_z');
    expect(await service.list()).toEqual([
      {
        id: 'refund-policy',
        title: 'Refunds',
        owner: 'support-ops',
        latest_version: 2,
        served_version: 1,
        served_status: 'approved',
        updated_at: '2026-03-02T12:00:00.000Z',
      },
    ]);
    const detail = await service.get('refund-policy');
    expect(detail?.versions.map((version) => version.version)).toEqual([2, 1]);
    expect(detail?.versions[0]).toEqual({
      id: 'refund-policy',
      version: 2,
      title: 'Refunds',
      owner: 'support-ops',
      sha256: sha256('v2'),
      expires_at: null,
      created_at: '2026-03-02T12:00:00.000Z',
      created_by: 'key_z',
      status: 'draft',
      approved_at: null,
      approved_by: null,
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    });
    expect(detail?.attachments).toEqual([
      {
        id: 'ctxatt_test1',
        document: 'refund-policy',
        scope: 'alias',
        target: 'support-bot',
        version: null,
        on_stale: 'warn',
        created_at: '2026-03-01T12:00:00.000Z',
        created_by: 'key_a',
        served_version: 1,
        served_status: 'approved',
      },
    ]);
    expect(await service.attachments()).toEqual(detail?.attachments);
    expect((await service.version('refund-policy', 1))?.content).toBe('Refunds within 30 days.');
    expect(await service.version('refund-policy', 3)).toBeUndefined();
    expect(await service.get('missing')).toBeUndefined();
  });

  it('reloads on refresh only when the store revision changed', async () => {
    const { service, stateDir, clock } = fresh();
    let snapshots = 0;
    const inner = openStore(stateDir);
    const counting: ContextDocumentStore = {
      addVersion: (version) => inner.addVersion(version),
      findVersion: (id, version) => inner.findVersion(id, version),
      listVersions: (id) => inner.listVersions(id),
      addEvent: (event) => inner.addEvent(event),
      listEvents: (id) => inner.listEvents(id),
      addAttachment: (attachment) => inner.addAttachment(attachment),
      removeAttachment: (id, at, by) => inner.removeAttachment(id, at, by),
      listAttachments: (includeRemoved) => inner.listAttachments(includeRemoved),
      snapshot: () => {
        snapshots += 1;
        return inner.snapshot();
      },
      revision: () => inner.revision(),
    };
    const replica = new ContextDocumentService(counting, clock);
    await replica.refresh();
    expect(snapshots).toBe(1);
    await replica.refresh();
    expect(snapshots).toBe(1);
    await approvedAndAttached(service, 'caveat');
    expect(replica.resolve(facts)).toBe(emptyContextResolution);
    await replica.refresh();
    expect(snapshots).toBe(2);
    expect(replica.resolve(facts).provenance).toHaveLength(1);
    await replica.refresh();
    expect(snapshots).toBe(2);
    await service.detach('ctxatt_test1', 'key_a');
    await replica.refresh();
    expect(snapshots).toBe(3);
    expect(replica.resolve(facts)).toBe(emptyContextResolution);
  });

  it('gives attachments time-ordered ctxatt_ ids by default', async () => {
    const { stateDir, clock } = fresh();
    const service = new ContextDocumentService(openStore(stateDir), clock);
    await approvedAndAttached(service, 'caveat');
    const [attachment] = await service.attachments();
    expect(attachment?.id).toMatch(/^ctxatt_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  });
});
