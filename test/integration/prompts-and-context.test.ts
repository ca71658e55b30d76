import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParseJson } from '../../src/lib/json.ts';
import type { AuditLogRecord } from '../../src/storage/ports.ts';
import { SqliteAuditLogStore } from '../../src/storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { completion } from '../helpers/scripted-upstream.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

/** What the provider was sent: each request's messages, as role and text. */
interface SeenRequest {
  readonly messages: readonly { readonly role: string; readonly content: string }[];
}

/** An OpenAI-compatible upstream that records every body it is sent and answers "ok". */
function startRecordingUpstream(): Promise<{ url: string; seen: SeenRequest[]; server: Server }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const parsed = safeParseJson(Buffer.concat(chunks).toString('utf8'));
      const body = (parsed.ok ? parsed.value : {}) as {
        messages?: { role: string; content: unknown }[];
      };
      seen.push({
        messages: (body.messages ?? []).map((message) => ({
          role: message.role,
          content:
            typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
        })),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion('ok', '{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}'));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${String(port)}/v1`, seen, server });
    });
  });
}

let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let harness: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  const target = `{ provider: recorder, model: echo }`;
  harness = await startTestGateway({
    config: `
providers:
  - { id: recorder, type: openai-compatible, base_url: "${upstream.url}", models: [echo] }
models:
  - { alias: chat, targets: [${target}] }
  - { alias: chat-warn, targets: [${target}] }
  - { alias: chat-caveat, targets: [${target}] }
  - { alias: chat-block, targets: [${target}] }
`,
  });
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => upstream.server.close(resolve));
});

async function expectStatus(response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Sends one OpenAI chat request and returns what the provider was sent for it. */
async function chat(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ response: Response; seen: SeenRequest | undefined }> {
  const before = upstream.seen.length;
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${testAdminKey}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ model: 'chat', ...body }),
  });
  await response.clone().text();
  return { response, seen: upstream.seen[before] };
}

function systemOf(seen: SeenRequest | undefined): string[] {
  return (seen?.messages ?? []).filter((m) => m.role === 'system').map((m) => m.content);
}

async function auditRecords(): Promise<AuditLogRecord[]> {
  const store = new SqliteAuditLogStore(openSqliteDatabase(harness.stateDir));
  return store.read(0, 100_000);
}

/** The audit payload of the request record with this request id (waits for its group commit). */
async function auditedRequest(requestId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    for (const record of await auditRecords()) {
      if (record.kind !== 'request') continue;
      const payload = JSON.parse(record.payload) as Record<string, unknown>;
      if (payload.request_id === requestId) return payload;
    }
    if (Date.now() > deadline) throw new Error(`no audit record for ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const template = (system: string) => ({
  messages: [
    { role: 'system', content: system },
    { role: 'user', content: 'Question from {{ customer }}: {{question}}' },
  ],
  variables: {
    customer: { type: 'string', default: 'a customer' },
    question: { type: 'string', max_length: 2000 },
  },
});

describe('prompt templates in requests', () => {
  it('pins versions, follows labels, moves and rolls labels back, and records provenance', async () => {
    const v1 = (await expectStatus(
      await harness.admin('POST', '/admin/prompts/support/versions', {
        ...template('You answer support questions. (v1)'),
        note: 'first',
      }),
      201,
    )) as { version: number; sha256: string };
    const v2 = (await expectStatus(
      await harness.admin('POST', '/admin/prompts/support/versions', {
        ...template('You answer support questions briefly. (v2)'),
      }),
      201,
    )) as { version: number; sha256: string };
    expect([v1.version, v2.version]).toEqual([1, 2]);
    // The same content again is the same version, not a third.
    const again = (await expectStatus(
      await harness.admin(
        'POST',
        '/admin/prompts/support/versions',
        template('You answer support questions briefly. (v2)'),
      ),
      200,
    )) as { version: number; created: boolean };
    expect(again).toMatchObject({ version: 2, created: false });

    // No production label yet: naming the prompt without a version is a 404 on prompt.label.
    const missing = await chat({ prompt: { id: 'support', variables: { question: 'hi' } } });
    const missingBody = (await expectStatus(missing.response, 404)) as {
      error: { code: string; param: string };
    };
    expect(missingBody.error).toMatchObject({
      code: 'SB_ERR_PROMPT_NOT_FOUND',
      param: 'prompt.label',
    });
    expect(missing.seen).toBeUndefined();

    await expectStatus(
      await harness.admin('PUT', '/admin/prompts/support/labels/production', { version: 1 }),
      200,
    );
    const byLabel = await chat({ prompt: { id: 'support', variables: { question: 'refund?' } } });
    await expectStatus(byLabel.response, 200);
    expect(systemOf(byLabel.seen)).toEqual(['You answer support questions. (v1)']);
    expect(byLabel.seen?.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Question from a customer: refund?',
    });

    // A pinned version is served whatever the label says.
    const pinned = await chat({
      prompt: { id: 'support', version: 2, variables: { question: 'q', customer: 'Ann' } },
    });
    await expectStatus(pinned.response, 200);
    expect(systemOf(pinned.seen)).toEqual(['You answer support questions briefly. (v2)']);
    expect(pinned.seen?.messages.at(-1)?.content).toBe('Question from Ann: q');

    // Move production to 2, then roll it back to 1.
    await expectStatus(
      await harness.admin('PUT', '/admin/prompts/support/labels/production', { version: 2 }),
      200,
    );
    const moved = await chat({ prompt: { id: 'support', variables: { question: 'q' } } });
    expect(systemOf(moved.seen)).toEqual(['You answer support questions briefly. (v2)']);
    const rolledBack = (await expectStatus(
      await harness.admin('POST', '/admin/prompts/support/labels/production/rollback'),
      200,
    )) as { targets: { version: number }[] };
    expect(rolledBack.targets.map((target) => target.version)).toEqual([1]);
    const afterRollback = await chat({ prompt: { id: 'support', variables: { question: 'q' } } });
    expect(systemOf(afterRollback.seen)).toEqual(['You answer support questions. (v1)']);

    // The audit record of the request names the template version and its hash.
    const requestId = afterRollback.response.headers.get('x-signalbox-request-id') ?? '';
    expect(await auditedRequest(requestId)).toMatchObject({
      prompt: { id: 'support', version: 1, label: 'production', sha256: v1.sha256 },
    });
    const pinnedId = pinned.response.headers.get('x-signalbox-request-id') ?? '';
    expect(await auditedRequest(pinnedId)).toMatchObject({
      prompt: { id: 'support', version: 2, label: null, sha256: v2.sha256 },
    });

    // Every label change is an audited admin action naming what moved where.
    const changes = (await auditRecords())
      .filter((record) => record.kind === 'admin.action')
      .map((record) => JSON.parse(record.payload) as { change?: Record<string, unknown> })
      .flatMap((payload) => (payload.change?.label === 'production' ? [payload.change] : []));
    expect(changes.map((change) => change.to)).toEqual([
      [{ version: 1, weight: 1 }],
      [{ version: 2, weight: 1 }],
      [{ version: 1, weight: 1 }],
    ]);
    expect(changes[2]).toMatchObject({ rollback: true, from: [{ version: 2, weight: 1 }] });
  });

  it('splits a label between versions like a canary, sticky per end user, with stats per version', async () => {
    await expectStatus(
      await harness.admin('POST', '/admin/prompts/canary/versions', template('Canary A')),
      201,
    );
    await expectStatus(
      await harness.admin('POST', '/admin/prompts/canary/versions', template('Canary B')),
      201,
    );
    await expectStatus(
      await harness.admin('PUT', '/admin/prompts/canary/labels/production', {
        targets: [
          { version: 1, weight: 50 },
          { version: 2, weight: 50 },
        ],
      }),
      200,
    );
    const served = new Map<string, string>();
    for (let user = 0; user < 40; user += 1) {
      const sent = await chat(
        { prompt: { id: 'canary', variables: { question: 'q' } } },
        { 'x-signalbox-end-user': `user-${String(user)}` },
      );
      await expectStatus(sent.response, 200);
      served.set(`user-${String(user)}`, systemOf(sent.seen)[0] ?? '');
    }
    const counts = [...served.values()].reduce(
      (tally, text) => tally.set(text, (tally.get(text) ?? 0) + 1),
      new Map<string, number>(),
    );
    expect([...counts.keys()].sort()).toEqual(['Canary A', 'Canary B']);
    // 40 draws at 50/50: each side gets at least 8 unless the hash is badly skewed.
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(8);
    // The same end user stays on the same version.
    for (const user of ['user-3', 'user-17', 'user-31']) {
      const again = await chat(
        { prompt: { id: 'canary', variables: { question: 'again' } } },
        { 'x-signalbox-end-user': user },
      );
      expect(systemOf(again.seen)[0]).toBe(served.get(user));
    }

    // The request log compares the versions side by side.
    const deadline = Date.now() + 5000;
    let stats: { versions: { version: number; requests: number; errors: number }[] };
    do {
      stats = (await expectStatus(
        await harness.admin('GET', '/admin/prompts/canary/stats'),
        200,
      )) as typeof stats;
      if (stats.versions.reduce((sum, entry) => sum + entry.requests, 0) === 43) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (Date.now() < deadline);
    const expected = [...served.values()].filter((text) => text === 'Canary A').length;
    const versionOne = stats.versions.find((entry) => entry.version === 1);
    const versionTwo = stats.versions.find((entry) => entry.version === 2);
    expect((versionOne?.requests ?? 0) + (versionTwo?.requests ?? 0)).toBe(43);
    expect(versionOne?.requests).toBeGreaterThanOrEqual(expected);
    expect(versionOne?.errors).toBe(0);
  });

  it('renders injection attempts in variables as literal text', async () => {
    await expectStatus(
      await harness.admin('POST', '/admin/prompts/literal/versions', template('Be careful.')),
      201,
    );
    const attempts = [
      '{{customer}}',
      '{{ constructor.constructor("return process")() }}',
      '${process.exit(1)}',
      '{% for x in range(9) %}boom{% endfor %}',
      '<%= 7 * 7 %>',
      '#{7*7} {{7*7}} [[${7*7}]]',
    ];
    for (const attempt of attempts) {
      const sent = await chat({
        prompt: { id: 'literal', version: 1, variables: { question: attempt, customer: 'Eve' } },
      });
      await expectStatus(sent.response, 200);
      expect(sent.seen?.messages.at(-1)?.content).toBe(`Question from Eve: ${attempt}`);
    }
  });

  it('refuses bad references and variables with the field at fault, sending nothing upstream', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ id: 'nope' }, 404, 'prompt.id'],
      [{ id: 'literal', version: 9 }, 404, 'prompt.version'],
      [{ id: 'literal', version: '01' }, 400, 'prompt.version'],
      [{ id: 'literal', label: 'staging' }, 404, 'prompt.label'],
      [
        { id: 'literal', version: 1, variables: { question: 'q', extra: 1 } },
        400,
        'prompt.variables.extra',
      ],
      [{ id: 'literal', version: 1, variables: {} }, 400, 'prompt.variables.question'],
      [
        { id: 'literal', version: 1, variables: { question: 42 } },
        400,
        'prompt.variables.question',
      ],
    ];
    for (const [reference, status, param] of cases) {
      const sent = await chat({ prompt: reference });
      const body = (await expectStatus(sent.response, status)) as { error: { param: string } };
      expect(body.error.param).toBe(param);
      expect(sent.seen).toBeUndefined();
      // The refusal is on the record with the model the request named.
      const audited = await auditedRequest(
        sent.response.headers.get('x-signalbox-request-id') ?? '',
      );
      expect(audited).toMatchObject({ status, requested_model: 'chat' });
    }
  });

  it('renders the same prompt on the Anthropic and Responses ingresses', async () => {
    const before = upstream.seen.length;
    const anthropic = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': testAdminKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'chat',
        max_tokens: 20,
        prompt: { id: 'support', version: 2, variables: { question: 'from anthropic' } },
      }),
    });
    await expectStatus(anthropic, 200);
    const responses = await fetch(`${harness.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'chat',
        prompt: { id: 'support', version: '2', variables: { question: 'from responses' } },
      }),
    });
    await expectStatus(responses, 200);
    const [viaAnthropic, viaResponses] = upstream.seen.slice(before);
    for (const [seen, question] of [
      [viaAnthropic, 'from anthropic'],
      [viaResponses, 'from responses'],
    ] as const) {
      expect(systemOf(seen)).toEqual(['You answer support questions briefly. (v2)']);
      expect(seen?.messages.at(-1)).toEqual({
        role: 'user',
        content: `Question from a customer: ${question}`,
      });
    }
  });
});

describe('governed context documents', () => {
  async function documentVersion(id: string, content: string, expiresAt: string | null) {
    const created = (await expectStatus(
      await harness.admin('POST', `/admin/context-documents/${id}/versions`, {
        title: `The ${id}`,
        owner: 'support-ops',
        content,
        expires_at: expiresAt,
      }),
      201,
    )) as { version: number; sha256: string };
    return created;
  }

  it('injects approved documents into the requests they are attached to, never drafts', async () => {
    const draft = await documentVersion('refunds', 'Refunds within 30 days.', null);
    const attachBeforeApproval = await harness.admin('POST', '/admin/context-attachments', {
      document: 'refunds',
      scope: 'alias',
      target: 'chat',
    });
    await expectStatus(attachBeforeApproval, 400);
    await expectStatus(
      await harness.admin(
        'POST',
        `/admin/context-documents/refunds/versions/${String(draft.version)}/approve`,
      ),
      200,
    );
    await expectStatus(
      await harness.admin('POST', '/admin/context-attachments', {
        document: 'refunds',
        scope: 'alias',
        target: 'chat',
      }),
      201,
    );
    // A newer draft is not served until it is approved.
    await documentVersion('refunds', 'Refunds within 14 days.', null);
    const sent = await chat({ messages: [{ role: 'user', content: 'refund?' }] });
    await expectStatus(sent.response, 200);
    const system = systemOf(sent.seen);
    expect(system).toHaveLength(1);
    expect(system[0]).toContain('Refunds within 30 days.');
    expect(system[0]).not.toContain('14 days');
    const requestId = sent.response.headers.get('x-signalbox-request-id') ?? '';
    expect(await auditedRequest(requestId)).toMatchObject({
      context: [
        { id: 'refunds', version: 1, sha256: draft.sha256, status: 'approved', handling: 'served' },
      ],
    });
    // Other aliases carry nothing.
    const other = await chat({ model: 'chat-warn', messages: [{ role: 'user', content: 'x' }] });
    expect(systemOf(other.seen)).toEqual([]);
  });

  it('handles an expired document per its attachment: warn, caveat or block', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await documentVersion('prices', 'Plan A costs 10 EUR.', expiresAt);
    await expectStatus(
      await harness.admin(
        'POST',
        `/admin/context-documents/prices/versions/${String(created.version)}/approve`,
      ),
      200,
    );
    for (const [alias, onStale] of [
      ['chat-warn', 'warn'],
      ['chat-caveat', 'caveat'],
      ['chat-block', 'block'],
    ]) {
      await expectStatus(
        await harness.admin('POST', '/admin/context-attachments', {
          document: 'prices',
          scope: 'alias',
          target: alias,
          on_stale: onStale,
        }),
        201,
      );
    }
    // Current: every alias is served the document as is.
    const fresh = await chat({ model: 'chat-block', messages: [{ role: 'user', content: 'x' }] });
    await expectStatus(fresh.response, 200);
    expect(systemOf(fresh.seen)[0]).toContain('Plan A costs 10 EUR.');

    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Date.parse(expiresAt) - Date.now() + 100)),
    );

    const warned = await chat({ model: 'chat-warn', messages: [{ role: 'user', content: 'x' }] });
    await expectStatus(warned.response, 200);
    expect(warned.response.headers.get('x-signalbox-context-warning')).toContain('prices');
    expect(systemOf(warned.seen)[0]).toContain('Plan A costs 10 EUR.');
    expect(systemOf(warned.seen)[0]).not.toContain('Caution');
    expect(harness.logLines.some((line) => line.includes('stale context documents'))).toBe(true);

    const caveated = await chat({
      model: 'chat-caveat',
      messages: [{ role: 'user', content: 'x' }],
    });
    await expectStatus(caveated.response, 200);
    expect(systemOf(caveated.seen)[0]).toMatch(/^Caution: this reference document expired on /);
    expect(systemOf(caveated.seen)[0]).toContain('Plan A costs 10 EUR.');

    const blocked = await chat({ model: 'chat-block', messages: [{ role: 'user', content: 'x' }] });
    const body = (await expectStatus(blocked.response, 403)) as { error: { code: string } };
    expect(body.error.code).toBe('SB_ERR_CONTEXT_STALE');
    expect(blocked.seen).toBeUndefined();

    const handling = async (response: Response) =>
      (
        (await auditedRequest(response.headers.get('x-signalbox-request-id') ?? '')).context as {
          status: string;
          handling: string;
        }[]
      )[0];
    expect(await handling(warned.response)).toMatchObject({
      status: 'expired',
      handling: 'warned',
    });
    expect(await handling(caveated.response)).toMatchObject({
      status: 'expired',
      handling: 'caveated',
    });
    expect(await handling(blocked.response)).toMatchObject({
      status: 'expired',
      handling: 'blocked',
    });
  });

  it('treats a revoked document like an expired one, and audits the revocation', async () => {
    const created = await documentVersion('terms', 'Terms v1.', null);
    await expectStatus(
      await harness.admin(
        'POST',
        `/admin/context-documents/terms/versions/${String(created.version)}/approve`,
      ),
      200,
    );
    // Attached to a team nobody here is in (never injected) and to the chat route (every alias).
    await expectStatus(
      await harness.admin('POST', '/admin/context-attachments', {
        document: 'terms',
        scope: 'team',
        target: 'no-such-team',
      }),
      201,
    );
    await expectStatus(
      await harness.admin('POST', '/admin/context-attachments', {
        document: 'terms',
        scope: 'route',
        target: '/v1/chat/completions',
        on_stale: 'block',
      }),
      201,
    );
    const served = await chat({ messages: [{ role: 'user', content: 'x' }] });
    await expectStatus(served.response, 200);
    const system = systemOf(served.seen);
    expect(system).toHaveLength(2);
    expect(system[0]).toContain('Refunds within 30 days.');
    expect(system[1]).toContain('Terms v1.');

    await expectStatus(
      await harness.admin('POST', '/admin/context-documents/terms/versions/1/revoke', {
        reason: 'superseded by legal',
      }),
      200,
    );
    const refused = await chat({ messages: [{ role: 'user', content: 'x' }] });
    const body = (await expectStatus(refused.response, 403)) as { error: { code: string } };
    expect(body.error.code).toBe('SB_ERR_CONTEXT_STALE');
    expect(refused.seen).toBeUndefined();
    const audited = await auditedRequest(
      refused.response.headers.get('x-signalbox-request-id') ?? '',
    );
    expect(audited).toMatchObject({
      status: 403,
      context: [
        { id: 'refunds', status: 'approved', handling: 'served' },
        { id: 'terms', version: 1, sha256: created.sha256, status: 'revoked', handling: 'blocked' },
      ],
    });
    const revocation = (await auditRecords())
      .filter((record) => record.kind === 'admin.action')
      .map((record) => JSON.parse(record.payload) as { change?: Record<string, unknown> })
      .find((payload) => payload.change?.action === 'revoke');
    expect(revocation?.change).toEqual({
      document: 'terms',
      version: 1,
      action: 'revoke',
      sha256: created.sha256,
    });
  });
});
