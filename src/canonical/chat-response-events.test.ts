import { describe, expect, it } from 'vitest';
import { ChatResponseAccumulator, chatResponseToEvents } from './chat-response-events.ts';
import type { ChatResponse } from './chat-response.ts';

const answer: ChatResponse = {
  id: 'resp-1',
  model: 'model-a',
  created: 1_700_000_000,
  choices: [
    {
      index: 0,
      content: [
        { type: 'reasoning', text: 'thinking it over', signature: 'sig-1' },
        { type: 'redacted-reasoning', data: 'opaque' },
        { type: 'text', text: 'The answer is 42.' },
        { type: 'tool-call', id: 'call-1', name: 'lookup', arguments: '{"q":"x"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    },
    {
      index: 1,
      content: [{ type: 'refusal', text: 'I cannot help with that.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
    },
  ],
  usage: { inputTokens: { total: 10, cacheRead: 2 }, outputTokens: { total: 7 } },
};

function accumulate(events: ReturnType<typeof chatResponseToEvents>): ChatResponse | undefined {
  const accumulator = new ChatResponseAccumulator();
  for (const event of events) accumulator.push(event);
  return accumulator.answer;
}

describe('chat responses as streams', () => {
  it('turns an answer into a well-ordered stream and back, unchanged', () => {
    const events = chatResponseToEvents(answer);
    expect(events[0]?.type).toBe('response-start');
    expect(events.at(-1)?.type).toBe('response-end');
    expect(events.filter((event) => event.type === 'choice-end')).toHaveLength(2);
    const rebuilt = accumulate(events);
    expect(rebuilt).toEqual({
      ...answer,
      choices: answer.choices.map((choice) => ({
        ...choice,
        content: choice.content.map((part) =>
          part.type === 'tool-call' || part.type === 'reasoning'
            ? { signature: undefined, ...part }
            : part,
        ),
      })),
    });
  });

  it('rebuilds text split over many deltas and merges usage reports', () => {
    const accumulator = new ChatResponseAccumulator();
    accumulator.push({ type: 'response-start', id: 'r', model: 'm' });
    accumulator.push({ type: 'text-start', choice: 0, part: 0 });
    for (const delta of ['Hel', 'lo', ', ', 'world']) {
      accumulator.push({ type: 'text-delta', choice: 0, part: 0, delta });
    }
    accumulator.push({ type: 'text-end', choice: 0, part: 0 });
    accumulator.push({
      type: 'usage-delta',
      usage: { inputTokens: { total: 3 }, outputTokens: {} },
    });
    accumulator.push({
      type: 'choice-end',
      choice: 0,
      finishReason: { unified: 'stop', raw: 'stop' },
    });
    accumulator.push({
      type: 'usage-delta',
      usage: { inputTokens: {}, outputTokens: { total: 4 } },
    });
    expect(accumulator.answer).toBeUndefined();
    accumulator.push({ type: 'response-end' });
    expect(accumulator.answer).toEqual({
      id: 'r',
      model: 'm',
      created: undefined,
      choices: [
        {
          index: 0,
          content: [{ type: 'text', text: 'Hello, world' }],
          finishReason: { unified: 'stop', raw: 'stop' },
        },
      ],
      usage: { inputTokens: { total: 3 }, outputTokens: { total: 4 } },
    });
  });

  it('yields no answer for a stream cut short: a part never ended, a choice never finished, no end', () => {
    const events = chatResponseToEvents(answer);
    expect(accumulate(events.slice(0, -1))).toBeUndefined();
    const withoutTextEnd = events.filter((event) => event.type !== 'text-end');
    expect(accumulate(withoutTextEnd)).toBeUndefined();
    const withoutChoiceEnd = events.filter(
      (event) => !(event.type === 'choice-end' && event.choice === 1),
    );
    expect(accumulate(withoutChoiceEnd)).toBeUndefined();
    expect(
      accumulate([{ type: 'response-start', id: 'r', model: 'm' }, { type: 'response-end' }]),
    ).toBeUndefined();
  });
});
