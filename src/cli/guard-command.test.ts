import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { safeParseJson } from '../lib/json.ts';
import { UsageError } from './cli-io.ts';
import { guardCommand } from './guard-command.ts';
import { runCli } from './main.ts';

function inputFile(lines: readonly string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'signalbox-guard-')), 'input.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const parse = (line: string): unknown => {
  const parsed = safeParseJson(line);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe('signalbox guard scan', () => {
  it('prints one JSON line per input line with findings and an injection score', async () => {
    const { io, out, error } = captureIo();
    const path = inputFile([
      JSON.stringify({ text: 'mail bob@example.com, SSN 460-89-9847' }),
      JSON.stringify({ text: 'nothing to see' }),
    ]);
    expect(await guardCommand(['scan', '--input', path], io)).toBe(0);
    expect(error).toEqual([]);
    const lines = out.map(parse);
    expect(lines).toEqual([
      {
        line: 1,
        findings: [
          { type: 'email', start: 5, end: 20 },
          { type: 'us_ssn', start: 26, end: 37 },
        ],
        injection_score: expect.any(Number) as unknown,
      },
      { line: 2, findings: [], injection_score: expect.any(Number) as unknown },
    ]);
    expect(out.join('\n')).not.toContain('bob@example.com');
  });

  it('reports bad lines by number without quoting them, continues, and exits 1', async () => {
    const { io, out, error } = captureIo();
    const path = inputFile([
      '{"text": "first 10.0.0.7"}',
      'secret-ish {not json 4111 1111 1111 1111',
      '["an array"]',
      '{"text": 42}',
      '',
      '{"text": "last"}',
    ]);
    expect(await guardCommand(['scan', '--input', path], io)).toBe(1);
    expect(error).toEqual([
      'line 2: not valid JSON',
      'line 3: not a JSON object',
      'line 4: needs a string "text" member',
    ]);
    expect(out.map((line) => (parse(line) as { line: number }).line)).toEqual([1, 6]);
  });

  it('limits the scan to --classes', async () => {
    const { io, out } = captureIo();
    const path = inputFile([JSON.stringify({ text: 'bob@example.com 10.0.0.7' })]);
    expect(await guardCommand(['scan', '--input', path, '--classes', 'ip_address'], io)).toBe(0);
    expect(parse(out[0] ?? '')).toMatchObject({ findings: [{ type: 'ip_address' }] });
  });

  it('fails with status 1 and a clear message when the file is missing', async () => {
    const { io, out, error } = captureIo();
    expect(await runCli(['guard', 'scan', '--input', '/nonexistent/input.jsonl'], io)).toBe(1);
    expect(out).toEqual([]);
    expect(error).toEqual(['cannot read /nonexistent/input.jsonl (ENOENT)']);
  });

  it('treats a missing --input, an unknown action or an unknown class as usage errors', async () => {
    const { io } = captureIo();
    expect(() => guardCommand(['scan'], io)).toThrow(UsageError);
    expect(() => guardCommand(['sweep', '--input', 'x'], io)).toThrow(UsageError);
    expect(() => guardCommand(['scan', '--input', 'x', '--classes', 'names'], io)).toThrow(
      UsageError,
    );
    const captured = captureIo();
    expect(await runCli(['guard', 'scan'], captured.io)).toBe(2);
    expect(captured.error.join('\n')).toContain('guard scan needs --input');
  });
});
