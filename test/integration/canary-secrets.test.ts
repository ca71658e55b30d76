import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// Provider credentials set to unique strings: none may ever reach a client, a log line, a request
// record, a decision trace or the state directory, whatever goes wrong upstream.
const canaries = {
  OPENAI_CANARY: 'sk-canary-openai-5f1d0c9e7b3a4e21',
  ANTHROPIC_CANARY: 'sk-ant-canary-8c2e4b6d0a1f3e57',
  AZURE_CANARY: 'azure-canary-3b7f9d1e5c2a8f64',
  HEADER_CANARY: 'hdr-canary-a9e2c4f6b8d0e1c3',
  AWS_ID_CANARY: 'AKIACANARY7Q2W9E4R6T',
  AWS_SECRET_CANARY: 'aws-secret-canary-0d4f8b2e6a1c9e57b3d7',
};

/**
 * An upstream that misbehaves in every way that could leak a credential: it echoes the
 * credential headers it received in error bodies, headers, redirects and broken JSON.
 */
const received: string[] = [];

function echoingUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const sent = JSON.stringify(request.headers);
    received.push(sent);
    request.resume();
    request.on('end', () => {
      const path = request.url ?? '';
      const mode = /mode-([a-z0-9-]+)/.exec(path)?.[1] ?? 'unauthorized';
      const echo = { 'x-echo': sent.replace(/[^\x20-\x7e]/g, '') };
      switch (mode) {
        case 'redirect':
          response.writeHead(302, {
            location: `http://127.0.0.1:9/?leak=${encodeURIComponent(sent)}`,
          });
          response.end();
          return;
        case 'broken':
          response.writeHead(200, { 'content-type': 'application/json', ...echo });
          response.end(`{"not json ${sent}`);
          return;
        case 'server':
          response.writeHead(500, { 'content-type': 'application/json', ...echo });
          response.end(JSON.stringify({ error: { message: `internal: ${sent}`, code: sent } }));
          return;
        case 'limited':
          response.writeHead(429, {
            'content-type': 'application/json',
            'retry-after': '1',
            ...echo,
          });
          response.end(JSON.stringify({ error: { message: `slow down ${sent}`, type: sent } }));
          return;
        case 'hang-up':
          response.socket?.destroy();
          return;
        default:
          response.writeHead(401, { 'content-type': 'application/json', ...echo });
          response.end(
            JSON.stringify({ error: { message: `bad key ${sent}`, code: 'invalid_api_key' } }),
          );
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

let upstream: { server: Server; url: string };
let harness: TestGateway;
const seen: string[] = [];

const modes = ['unauthorized', 'server', 'limited', 'broken', 'redirect', 'hang-up'];

beforeAll(async () => {
  upstream = await echoingUpstream();
  const providers = modes
    .map(
      (mode) => `
  - id: openai-${mode}
    type: openai-compatible
    base_url: ${upstream.url}/mode-${mode}/v1
    api_key: \${env:OPENAI_CANARY}
    headers: { X-Custom-Token: "\${env:HEADER_CANARY}" }
    models: [gpt]
  - id: anthropic-${mode}
    type: anthropic
    base_url: ${upstream.url}/mode-${mode}/v1
    api_key: \${env:ANTHROPIC_CANARY}
    models: [claude]
  - id: azure-${mode}
    type: azure-openai
    base_url: ${upstream.url}/mode-${mode}
    api_version: '2024-10-21'
    api_key: \${env:AZURE_CANARY}
    models: [deployment]
  - id: bedrock-${mode}
    type: bedrock
    base_url: ${upstream.url}/mode-${mode}
    region: us-east-1
    aws_access_key_id: \${env:AWS_ID_CANARY}
    aws_secret_access_key: \${env:AWS_SECRET_CANARY}
    models: [anthropic.claude-v2]`,
    )
    .join('');
  harness = await startTestGateway({
    config: `
routing:
  retries: { max_retries: 0 }
providers:${providers}
models:
  - alias: everything
    targets:
${modes.map((mode) => `      - { provider: openai-${mode}, model: gpt }\n      - { provider: anthropic-${mode}, model: claude }`).join('\n')}
`,
    environment: canaries,
  });
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => upstream.server.close(resolve));
});

async function call(path: string, body: unknown, key = testAdminKey): Promise<void> {
  const response = await fetch(harness.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function leaks(text: string): string[] {
  return Object.values(canaries).filter((canary) => text.includes(canary));
}

describe('provider credentials never leak', () => {
  it('stay out of every response, log line, record, trace and stored byte, on every error path', async () => {
    for (const mode of modes) {
      for (const provider of ['openai', 'anthropic', 'azure', 'bedrock']) {
        const model = {
          openai: 'gpt',
          anthropic: 'claude',
          azure: 'deployment',
          bedrock: 'anthropic.claude-v2',
        }[provider];
        for (const stream of [false, true]) {
          await call('/v1/chat/completions', {
            model: `${provider}-${mode}/${model}`,
            stream,
            messages: [{ role: 'user', content: 'hello' }],
          });
        }
      }
      await call('/v1/messages', {
        model: `anthropic-${mode}/claude`,
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hello' }],
      });
    }
    // Every failure at once, through fallbacks, and the routing views of them.
    await call('/v1/chat/completions', {
      model: 'everything',
      messages: [{ role: 'user', content: 'hello' }],
    });
    await call('/v1/route', { model: 'everything', messages: [{ role: 'user', content: 'hi' }] });
    await call('/admin/deployments', undefined);
    await call('/v1/models', undefined);

    expect(seen.length).toBeGreaterThan(50);
    // The upstream did receive the credentials and echoed them back (so leaks were possible)...
    expect(leaks(received.join('\n')).sort()).toEqual(
      [
        canaries.OPENAI_CANARY,
        canaries.ANTHROPIC_CANARY,
        canaries.AZURE_CANARY,
        canaries.HEADER_CANARY,
        canaries.AWS_ID_CANARY,
      ].sort(),
    );
    // ...but nothing that went back to a client, to the log or to a record carries one.
    expect(leaks(seen.join('\n'))).toEqual([]);
    expect(leaks(harness.logLines.join('\n'))).toEqual([]);
    expect(leaks(JSON.stringify(harness.records))).toEqual([]);
    for (const file of filesUnder(harness.stateDir)) {
      expect(leaks(readFileSync(file).toString('latin1')), file).toEqual([]);
    }
  });
});
