// Checks the pure parts of scripts/train-injection-classifier.ts and
// scripts/measure-injection-detector.ts (importing them also brings them under tsc and lint).
import { describe, expect, it } from 'vitest';
import { isEnglish, withInjectionSection } from '../../../../scripts/measure-injection-detector.ts';
import {
  makeCarrier,
  seededRandom,
  shuffled,
} from '../../../../scripts/train-injection-classifier.ts';

describe('injection training and measurement scripts', () => {
  it('generate the same carriers and shuffles for the same seed', () => {
    const benign = ['How do I bake bread?', 'Where is the station?', 'What is a good book?'];
    const first = seededRandom(42);
    const second = seededRandom(42);
    expect(makeCarrier(benign, 'PAYLOAD', first)).toBe(makeCarrier(benign, 'PAYLOAD', second));
    expect(shuffled([1, 2, 3, 4, 5], first)).toEqual(shuffled([1, 2, 3, 4, 5], second));
    expect(makeCarrier(benign, 'PAYLOAD', seededRandom(1))).toContain('PAYLOAD');
  });

  it('tells English from German, French and Spanish by function words', () => {
    expect(isEnglish('What is the best way to learn a language?')).toBe(true);
    expect(isEnglish('Wie ist das Wetter in Berlin und was soll ich anziehen?')).toBe(false);
    expect(isEnglish('Je voudrais une table pour deux avec vue sur la mer.')).toBe(false);
  });

  it('replaces only the injection section and never touches the PII section', () => {
    const pii = '<!-- pii:begin -->\nPII table\n<!-- pii:end -->';
    const before = `# Guardrails\n\nIntro.\n\n${pii}\n\n<!-- injection:begin -->\nold\n<!-- injection:end -->\n\nTail.\n`;
    const after = withInjectionSection(before, 'new');
    expect(after).toBe(before.replace('\nold\n', '\nnew\n'));
    const appended = withInjectionSection(`# Guardrails\n\n${pii}\n`, 'new');
    expect(appended).toBe(
      `# Guardrails\n\n${pii}\n\n<!-- injection:begin -->\nnew\n<!-- injection:end -->\n`,
    );
  });
});
