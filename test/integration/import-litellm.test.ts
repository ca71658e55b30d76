import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';

const guide = readFileSync(
  new URL('../../docs/migrating-from-litellm.md', import.meta.url),
  'utf8',
);

/** The fenced block after `<!-- litellm-example: NAME -->` in the migration guide. */
function example(name: string): string {
  const match = new RegExp(
    `<!-- litellm-example: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``,
  ).exec(guide);
  if (match?.[1] === undefined) {
    throw new Error(`docs/migrating-from-litellm.md has no example "${name}"`);
  }
  return match[1];
}

describe('signalbox import litellm, as docs/migrating-from-litellm.md shows it', () => {
  beforeEach(() => {
    vi.stubEnv('AZURE_API_KEY', 'azure-test-key');
    vi.stubEnv('OPENAI_API_KEY', 'openai-test-key');
    vi.stubEnv('ANTHROPIC_API_KEY', 'anthropic-test-key');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes the configuration and the report the guide shows, and config check accepts it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'signalbox-import-'));
    const source = join(directory, 'config.yaml');
    const target = join(directory, 'signalbox.yaml');
    writeFileSync(source, example('config.yaml'));

    const imported = captureIo();
    expect(await runCli(['import', 'litellm', source, '--out', target], imported.io)).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(example('signalbox.yaml'));
    expect(`${imported.error.join('\n').replace(` in ${target};`, ' in signalbox.yaml;')}\n`).toBe(
      example('report'),
    );

    const checked = captureIo();
    expect(await runCli(['config', 'check', target], checked.io)).toBe(0);
    expect(checked.out.join('')).toContain(
      'Providers: azure-acme-eastus, openai, anthropic, ollama. Model aliases: gpt-4o, claude-sonnet, llama-local.',
    );

    const again = captureIo();
    expect(await runCli(['import', 'litellm', source, '--out', target], again.io)).toBe(1);
    expect(again.error.join('')).toContain('exists; pass --force to overwrite it');
  });

  it('is listed in the usage, and exits 2 on input it cannot use', async () => {
    const help = captureIo();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('import');
    const usage = captureIo();
    expect(await runCli(['import', '--help'], usage.io)).toBe(0);
    expect(usage.out.join('')).toContain('Usage: signalbox import litellm FILE');
    expect(await runCli(['import', 'portkey', 'x.yaml'], captureIo().io)).toBe(2);
    const missing = captureIo();
    expect(
      await runCli(['import', 'litellm', join(tmpdir(), 'no-such-litellm.yaml')], missing.io),
    ).toBe(2);
    expect(missing.error.join('')).toContain('cannot be read (ENOENT)');
  });
});
