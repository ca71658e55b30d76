import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/load-config.ts';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { UsageError } from './cli-io.ts';
import { importCommand } from './import-command.ts';

const litellm = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: https://acme.openai.azure.com
      api_version: "2024-10-21"
      api_key: sk-literal-azure-key
litellm_settings:
  success_callback: [langfuse]
`;

const environment = { OPENAI_API_KEY: 'sk-test', AZURE_ACME_API_KEY: 'az-test' };

function directory(): string {
  return mkdtempSync(join(tmpdir(), 'signalbox-import-'));
}

function write(name: string, text: string, into = directory()): string {
  const path = join(into, name);
  writeFileSync(path, text);
  return path;
}

describe('signalbox import litellm', () => {
  it('prints the configuration on standard output and the report on standard error', async () => {
    const { io, out, error } = captureIo();
    const file = write('config.yaml', litellm);
    expect(await importCommand(['litellm', file], io, environment)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(
      /^# Signalbox configuration converted from the LiteLLM proxy configuration "config.yaml"/,
    );
    expect(parseConfigText(text).ok).toBe(true);
    expect(text).toContain('api_key: ${env:AZURE_ACME_API_KEY}');
    expect(text).not.toContain('sk-literal-azure-key');
    expect(error.join('\n').split('\n')).toEqual([
      'litellm.model_list[1].litellm_params.api_key: action needed: a secret written in the LiteLLM file is not copied; api_key is ${env:AZURE_ACME_API_KEY}, so export AZURE_ACME_API_KEY before starting Signalbox',
      'litellm.litellm_settings.success_callback: not carried: Signalbox has no logging integrations; it writes one JSON line per request (log.requests)',
      'Converted 2 of 2 deployments into 2 providers and 1 model group; 2 settings reported.',
    ]);
  });

  it('lists what the environment still lacks, as config check would', async () => {
    const { io, error } = captureIo();
    expect(await importCommand(['litellm', write('config.yaml', litellm)], io, {})).toBe(0);
    expect(error.join('\n')).toContain(
      'Before starting Signalbox with it (signalbox config check will say the same):\n  providers.openai.api_key: environment variable OPENAI_API_KEY is not set\n  providers.azure-acme.api_key: environment variable AZURE_ACME_API_KEY is not set',
    );
  });

  it('writes --out, refuses to overwrite it, and overwrites with --force', async () => {
    const into = directory();
    const file = write('config.yaml', litellm, into);
    const target = join(into, 'signalbox.yaml');
    const first = captureIo();
    expect(await importCommand(['litellm', file, '--out', target], first.io, environment)).toBe(0);
    expect(first.out).toEqual([]);
    expect(first.error.join('')).toContain(`model group in ${target}; 2 settings reported.`);
    expect(parseConfigText(readFileSync(target, 'utf8')).ok).toBe(true);

    writeFileSync(target, 'keep me');
    const second = captureIo();
    expect(await importCommand(['litellm', file, '--out', target], second.io, environment)).toBe(1);
    expect(second.error).toEqual([`${target} exists; pass --force to overwrite it`]);
    expect(readFileSync(target, 'utf8')).toBe('keep me');

    const third = captureIo();
    expect(
      await importCommand(['litellm', file, '--out', target, '--force'], third.io, environment),
    ).toBe(0);
    expect(readFileSync(target, 'utf8')).toContain('type: azure-openai');

    const fourth = captureIo();
    expect(
      await importCommand(['litellm', file, '--out', file, '--force'], fourth.io, environment),
    ).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(litellm);
  });

  it('exits 2 when the file cannot be read, is not YAML, or is not a LiteLLM configuration', async () => {
    const missing = captureIo();
    const absent = join(directory(), 'absent.yaml');
    expect(await importCommand(['litellm', absent], missing.io, environment)).toBe(2);
    expect(missing.error).toEqual([`${absent} cannot be read (ENOENT)`]);

    const broken = captureIo();
    const yaml = write('broken.yaml', 'model_list:\n  - model_name: a\n   bad: [\n');
    expect(await importCommand(['litellm', yaml], broken.io, environment)).toBe(2);
    expect(broken.error.join('')).toMatch(
      /^.*broken\.yaml is not valid YAML:\nline \d+, column \d+: /,
    );

    const other = captureIo();
    const signalbox = write('signalbox.yaml', 'providers:\n  - { id: local, type: ollama }\n');
    expect(await importCommand(['litellm', signalbox], other.io, environment)).toBe(2);
    expect(other.error).toEqual([
      `${signalbox} is not a LiteLLM proxy configuration:\nlitellm.model_list: is missing; is this a LiteLLM proxy config.yaml?`,
    ]);
    expect(other.out).toEqual([]);
  });

  it('reads YAML as LiteLLM does: merge keys and YAML 1.1 booleans', async () => {
    const { io, out } = captureIo();
    const file = write(
      'config.yaml',
      `
defaults: &openai
  api_key: os.environ/OPENAI_API_KEY
  drop_params: True
model_list:
  - model_name: mini
    litellm_params:
      <<: *openai
      model: openai/gpt-4o-mini
`,
    );
    expect(await importCommand(['litellm', file], io, environment)).toBe(0);
    expect(out.join('')).toContain('drop_unsupported_params: true');
  });

  it('refuses calls without a source or a file', () => {
    expect(() => importCommand([], captureIo().io)).toThrow(UsageError);
    expect(() => importCommand(['portkey', 'x.yaml'], captureIo().io)).toThrow(UsageError);
    expect(() => importCommand(['litellm'], captureIo().io)).toThrow(UsageError);
    expect(() => importCommand(['litellm', 'a.yaml', 'b.yaml'], captureIo().io)).toThrow(
      UsageError,
    );
  });
});
