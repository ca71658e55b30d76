import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { safeParseJson } from '../../src/lib/json.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'signalbox-cli-')), 'signalbox.yaml');
  writeFileSync(path, text);
  return path;
}

describe('signalbox config', () => {
  it('check accepts a valid file', async () => {
    const { io, out } = captureIo();
    const path = file(
      'providers:\n  - { id: local, type: ollama }\nmodels:\n  - { alias: small, targets: [{ provider: local, model: llama3.2 }] }\n',
    );
    expect(await runCli(['config', 'check', path], io)).toBe(1 - 1);
    expect(out.join('')).toContain('is valid. Providers: local. Model aliases: small.');
  });

  it('check reports each problem with its path and fails', async () => {
    const first = captureIo();
    const path = file(
      'providers:\n  - { id: local, type: olama, zone: eu }\nmodels:\n  - { alias: small, targets: [{ provider: locl, model: x }] }\n',
    );
    expect(await runCli(['config', 'check', path], first.io)).toBe(1);
    expect(first.error.join('')).toContain('providers.local.type: Invalid option');
    expect(first.error.join('')).toContain('providers.local.zone: is not a known setting');
    const second = captureIo();
    const fixed = file(
      'providers:\n  - { id: local, type: ollama }\nmodels:\n  - { alias: small, targets: [{ provider: locl, model: x }] }\n',
    );
    expect(await runCli(['config', 'check', fixed], second.io)).toBe(1);
    expect(second.error.join('')).toContain(
      'models.small.targets[0].provider: refers to provider "locl"',
    );
  });

  it('schema prints a JSON Schema that describes the settings', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['config', 'schema'], io)).toBe(0);
    const parsed = safeParseJson(out.join(''));
    expect(parsed.ok).toBe(true);
    const schema = parsed.ok
      ? (parsed.value as { properties: Record<string, unknown>; additionalProperties: boolean })
      : undefined;
    expect(Object.keys(schema?.properties ?? {})).toEqual(
      expect.arrayContaining(['server', 'providers', 'models', 'state_dir', 'log']),
    );
    expect(schema?.additionalProperties).toBe(false);
  });
});

describe('signalbox', () => {
  it('prints usage, version, and refuses unknown commands', async () => {
    const help = captureIo();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('serve');
    const version = captureIo();
    expect(await runCli(['--version'], version.io)).toBe(0);
    expect(version.out.join('')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await runCli(['launch'], captureIo().io)).toBe(2);
    expect(await runCli(['serve', '--port', 'eighty'], captureIo().io)).toBe(2);
  });
});
