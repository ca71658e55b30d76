import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { createWordListDetector } from '../guardrails/detectors/word-list-detector.ts';
import { unlimitedScanBudget } from '../guardrails/scan-budget.ts';
import { OutputGuard } from './output-guard.ts';

const codenames = createWordListDetector('codename', ['bluebird']);
const detect = (text: string) => codenames.detect(text, unlimitedScanBudget);

function delta(text: string): ChatStreamEvent {
  return { type: 'text-delta', choice: 0, part: 0, delta: text };
}

/** Streams `answer` one character per event and returns what the client would receive. */
function streamByCharacter(guard: OutputGuard, answer: string): { text: string; blocked: boolean } {
  const received: string[] = [];
  const take = (step: { events: readonly ChatStreamEvent[]; blocked: boolean }): boolean => {
    for (const event of step.events) {
      if (event.type === 'text-delta') received.push(event.delta);
    }
    return step.blocked;
  };
  for (const character of answer) {
    if (take(guard.push(delta(character)))) return { text: received.join(''), blocked: true };
  }
  if (take(guard.push({ type: 'text-end', choice: 0, part: 0 }))) {
    return { text: received.join(''), blocked: true };
  }
  return { text: received.join(''), blocked: take(guard.end()) };
}

describe('OutputGuard', () => {
  it('never delivers any character of a denied term streamed one character per chunk', () => {
    const guard = new OutputGuard({ detect, holdBack: 'bluebird'.length, action: 'block' });
    const result = streamByCharacter(guard, 'The project is called Bluebird and it ships soon.');
    expect(result.blocked).toBe(true);
    expect(result.text).toBe('The project is called');
    expect(result.text.toLowerCase()).not.toContain('b');
  });

  it('masks a term split across chunks and delivers everything else in order', () => {
    const guard = new OutputGuard({ detect, holdBack: 'bluebird'.length, action: 'mask' });
    const result = streamByCharacter(guard, 'Say bluebird twice: BLUEBIRD.');
    expect(result).toEqual({ text: 'Say [CODENAME] twice: [CODENAME].', blocked: false });
  });

  it('passes text without terms through unchanged, holding back only the tail', () => {
    const guard = new OutputGuard({ detect, holdBack: 8, action: 'block' });
    const step = guard.push(delta('Nothing to see here at all.'));
    expect(step.events).toEqual([delta('Nothing to see here')]);
    expect(guard.end().events).toEqual([delta(' at all.')]);
  });

  it('flushes held text before any other event, keeping the order', () => {
    const guard = new OutputGuard({ detect, holdBack: 8, action: 'mask' });
    expect(guard.push(delta('short')).events).toEqual([]);
    const end: ChatStreamEvent = { type: 'text-end', choice: 0, part: 0 };
    expect(guard.push(end).events).toEqual([delta('short'), end]);
  });
});
