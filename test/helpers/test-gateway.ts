import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startGateway, type RunningGateway } from '../../src/app/start-gateway.ts';
import type { RequestRecord } from '../../src/observability/request-record.ts';

export const testAdminKey = 'test-admin-key-0123456789abcdefghij';

export interface TestGateway {
  readonly gateway: RunningGateway;
  readonly url: string;
  readonly baseUrl: string;
  readonly configPath: string | undefined;
  readonly stateDir: string;
  readonly records: RequestRecord[];
  readonly logLines: string[];
  /** An OpenAI SDK client for this gateway, without SDK retries. */
  client(apiKey: string): OpenAI;
  /** Calls the admin API with the admin key. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Creates a virtual key through the admin API and returns its text. */
  createKey(options?: { name?: string; models?: string[] }): Promise<string>;
  /** Waits until the record for `requestId` (or the next one) has been written. */
  waitForRecord(
    predicate: (record: RequestRecord) => boolean,
    timeoutMs?: number,
  ): Promise<RequestRecord>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** YAML configuration; omit for the zero-configuration default. */
  readonly config?: string;
  readonly environment?: Record<string, string>;
  readonly watchConfig?: boolean;
  readonly reloadOnSighup?: boolean;
  /** Reuse a state directory (a restart); default: a new one. */
  readonly stateDir?: string;
  /** The console build served at /ui; default dist/ui. */
  readonly consoleDirectory?: string;
}

/** Starts a real gateway on a free loopback port with its own state directory and captured logs. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-test-'));
  const stateDir = options.stateDir ?? join(directory, 'state');
  let configPath: string | undefined;
  if (options.config !== undefined) {
    configPath = join(directory, 'signalbox.yaml');
    writeFileSync(configPath, options.config);
  }
  const records: RequestRecord[] = [];
  const logLines: string[] = [];
  const gateway = await startGateway({
    configPath,
    overrides: { port: 0, host: '127.0.0.1', stateDir },
    environment: { SIGNALBOX_ADMIN_KEY: testAdminKey, ...options.environment },
    logDestination: { write: (line: string) => void logLines.push(line) },
    onRequestRecord: (record) => records.push(record),
    watchConfig: options.watchConfig ?? false,
    reloadOnSighup: options.reloadOnSighup ?? false,
    ...(options.consoleDirectory === undefined
      ? {}
      : { consoleDirectory: options.consoleDirectory }),
  });
  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(gateway.url + path, {
      method,
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    gateway,
    url: gateway.url,
    baseUrl: `${gateway.url}/v1`,
    configPath,
    stateDir,
    records,
    logLines,
    client: (apiKey) =>
      new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 10_000 }),
    admin,
    async createKey(keyOptions = {}) {
      const response = await admin('POST', '/admin/keys', {
        name: keyOptions.name ?? 'test',
        models: keyOptions.models,
      });
      if (response.status !== 201) {
        throw new Error(`creating a key failed: ${response.status} ${await response.text()}`);
      }
      return ((await response.json()) as { key: string }).key;
    },
    async waitForRecord(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = records.find(predicate);
        if (found !== undefined) {
          return found;
        }
        if (Date.now() > deadline) {
          throw new Error('no matching request record was written');
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => gateway.close(),
  };
}

/** Waits until `condition` holds, polling. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
