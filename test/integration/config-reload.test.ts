import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { eventually, startTestGateway } from '../helpers/test-gateway.ts';

function configFor(upstream: MockProviderServer, target: string): string {
  return `
providers:
  - { id: upstream, type: openai-compatible, base_url: "${upstream.baseUrl}" }
models:
  - alias: assistant
    targets: [{ provider: upstream, model: ${target} }]
`;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { watch?: boolean; sighup?: boolean } = {}) {
  const upstream = await startMockProvider();
  const harness = await startTestGateway({
    config: configFor(upstream, 'echo'),
    watchConfig: options.watch ?? false,
    reloadOnSighup: options.sighup ?? false,
  });
  cleanups.push(
    () => upstream.close(),
    () => harness.close(),
  );
  const key = await harness.createKey();
  const ask = async (): Promise<string> => {
    const completion = await harness.client(key).chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'which model?' }],
    });
    return completion.choices[0]?.message.content ?? '';
  };
  return { upstream, harness, key, ask, configPath: harness.configPath ?? '' };
}

describe('configuration hot reload', () => {
  it('swaps to a valid new configuration and reports the change', async () => {
    const { upstream, harness, ask, configPath } = await setup();
    expect(await ask()).toBe('which model?');
    writeFileSync(configPath, configFor(upstream, 'fast'));
    const result = await harness.gateway.reload();
    expect(result).toEqual({
      ok: true,
      changes: ['~ models.assistant.targets[0].model: "echo" -> "fast"'],
    });
    expect(await ask()).toBe('Hello from Signalbox.');
    expect(harness.logLines.join('')).toContain('models.assistant.targets[0].model');
  });

  it('keeps the running configuration when the new file is invalid', async () => {
    const { upstream, harness, ask, configPath } = await setup();
    writeFileSync(
      configPath,
      configFor(upstream, 'fast').replace('provider: upstream', 'provider: nowhere'),
    );
    const result = await harness.gateway.reload();
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toContain('models.assistant.targets[0].provider');
    expect(await ask()).toBe('which model?');
    expect(harness.logLines.join('')).toContain('configuration reload failed');
  });

  it('reloads by itself when the file changes', async () => {
    const { upstream, ask, configPath } = await setup({ watch: true });
    writeFileSync(configPath, configFor(upstream, 'fast'));
    const deadline = Date.now() + 5000;
    let answer = await ask();
    while (answer !== 'Hello from Signalbox.' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await ask();
    }
    expect(answer).toBe('Hello from Signalbox.');
  });

  it('reloads on SIGHUP', async () => {
    const { upstream, harness, ask, configPath } = await setup({ sighup: true });
    writeFileSync(configPath, configFor(upstream, 'fast'));
    process.kill(process.pid, 'SIGHUP');
    await harness.waitForRecord(() => true);
    await eventually(() =>
      harness.logLines.some((line) => line.includes('configuration reloaded')),
    );
    expect(await ask()).toBe('Hello from Signalbox.');
  });

  it('lets a request in flight finish on the configuration it started with', async () => {
    const { upstream, harness, key, configPath } = await setup();
    const stream = await harness.client(key).chat.completions.create({
      model: 'assistant',
      stream: true,
      messages: [
        { role: 'user', content: '!mock tps=50\none two three four five six seven eight' },
      ],
    });
    writeFileSync(configPath, configFor(upstream, 'fast'));
    const reloaded = harness.gateway.reload();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect((await reloaded).ok).toBe(true);
    expect(text).toBe('one two three four five six seven eight');
  });
});
