import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeFramewise,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import {
  listRecordings,
  namedEventStreamBody,
  readChunkLines,
} from '../../../test/helpers/provider-recordings.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import { OpenAiResponsesStreamDecoder } from './openai-responses-stream-decoder.ts';

/** Every Responses-shaped stream recording: OpenAI, xAI and Azure OpenAI. */
const recordings = [
  ...listRecordings('openai-responses/openai', '.chunks.txt'),
  ...listRecordings('openai-responses/xai', '.chunks.txt'),
  ...listRecordings('azure-openai', '.chunks.txt'),
];
const brokenRecording = 'openai-responses/openai/parallel-tool-call-wrapper.1.chunks.txt';
const errorRecording = 'openai-responses/openai/openai-error.1.chunks.txt';
const completeRecordings = recordings.filter(
  (file) => file !== brokenRecording && file !== errorRecording,
);

function decode(body: string, pieceSize?: number) {
  return decodeWireBody(new OpenAiResponsesStreamDecoder(), body, pieceSize);
}

function choiceOf(body: string) {
  const decoded = decode(body);
  expect(decoded.failure).toBeUndefined();
  expectValidEventOrder(decoded.events);
  const choice = assembleStream(decoded.events).choices.get(0);
  if (choice === undefined) throw new Error('no choice');
  return choice;
}

describe('OpenAiResponsesStreamDecoder on every recorded stream', () => {
  it.each(completeRecordings)(
    '%s: valid order, identical whole, frame by frame and byte by byte',
    (file) => {
      const body = namedEventStreamBody(file);
      const whole = decode(body);
      expect(whole.failure).toBeUndefined();
      expectValidEventOrder(whole.events);
      expect(decodeFramewise(new OpenAiResponsesStreamDecoder(), body).events).toEqual(
        whole.events,
      );
      expect(decode(body, 1).events).toEqual(whole.events);
      expect(decode(body, 7).events).toEqual(whole.events);
      expect(assembleStream(whole.events).usage?.inputTokens.total).toBeGreaterThan(0);
    },
  );

  it.each([errorRecording, brokenRecording])(
    '%s: the same failure whole, frame by frame and byte by byte',
    (file) => {
      const body = namedEventStreamBody(file);
      const whole = decode(body);
      expect(whole.failure).toBeDefined();
      expect(decodeFramewise(new OpenAiResponsesStreamDecoder(), body)).toEqual(whole);
      expect(decode(body, 1)).toEqual(whole);
      expect(decode(body, 7)).toEqual(whole);
    },
  );
});

describe('OpenAiResponsesStreamDecoder on specific recordings', () => {
  it('decodes text with its usage (azure-text)', () => {
    const decoded = decode(namedEventStreamBody('azure-openai/azure-text.1.chunks.txt'));
    const result = assembleStream(decoded.events);
    expect(decoded.events[0]).toEqual({
      type: 'response-start',
      id: 'resp_02ce8deeb6197db200698c5196e9588197a572bbea62d38cd1',
      model: 'gpt-5.1',
      created: 1770803606,
    });
    expect(result.choices.get(0)).toMatchObject({
      text: 'Hello',
      finishReason: 'stop',
      rawFinishReason: 'completed',
    });
    expect(result.usage).toEqual({
      inputTokens: { total: 11, cacheRead: 0 },
      outputTokens: { total: 11, reasoning: 0 },
    });
  });

  it('keeps the reasoning summary and its encrypted content, then the call (multi-step file)', () => {
    const body = namedEventStreamBody(
      'openai-responses/openai/openai-reasoning-encrypted-content.1.chunks.txt',
    );
    const decoded = decode(body);
    const choice = assembleStream(decoded.events).choices.get(0);
    expect(choice?.reasoning).toBe(
      "**Calculating step-by-step using calculator**\n\nI'll compute 12 plus 7, then multiply the result by 3, and finally multiply that by 10, reporting the final product.",
    );
    expect(choice?.signatures).toHaveLength(1);
    expect(choice?.signatures[0]).toMatch(/^gAAAAABpPDIV/);
    expect(choice?.toolCalls).toEqual([
      {
        id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn',
        name: 'calculator',
        arguments: '{"a":12,"b":7,"op":"add"}',
      },
    ]);
    expect(choice?.finishReason).toBe('tool-calls');
    // Four responses back to back: the decoder stops at the end of the first.
    expect(decoded.events.filter((event) => event.type === 'response-end')).toHaveLength(1);
    expect(
      readChunkLines(
        'openai-responses/openai/openai-reasoning-encrypted-content.1.chunks.txt',
      ).filter((line) => line.includes('"type":"response.created"')),
    ).toHaveLength(4);
  });

  it('skips built-in tool items but keeps the text around them (web search, code interpreter)', () => {
    const web = choiceOf(
      namedEventStreamBody('openai-responses/openai/openai-web-search-tool.1.chunks.txt'),
    );
    expect(web.toolCalls).toEqual([]);
    expect(web.text.length).toBeGreaterThan(500);
    expect(web.finishReason).toBe('stop');
    const code = choiceOf(
      namedEventStreamBody('azure-openai/azure-code-interpreter-tool.1.chunks.txt'),
    );
    expect(code.toolCalls).toEqual([]);
    expect(code.text).toContain('random');
    for (const file of [
      'openai-responses/openai/openai-apply-patch-tool.1.chunks.txt',
      'openai-responses/openai/openai-client-tool-search.1.chunks.txt',
      'openai-responses/openai/openai-shell-container.1.chunks.txt',
      'openai-responses/openai/openai-image-generation-tool.1.chunks.txt',
    ]) {
      expect(choiceOf(namedEventStreamBody(file)).toolCalls).toEqual([]);
    }
  });

  it('keeps two assistant messages as two text parts (phase commentary, final answer)', () => {
    const decoded = decode(
      namedEventStreamBody('openai-responses/openai/openai-phase.1.chunks.txt'),
    );
    expect(decoded.events.filter((event) => event.type === 'text-start')).toHaveLength(2);
    const text = assembleStream(decoded.events).choices.get(0)?.text ?? '';
    expect(text.startsWith('Got it')).toBe(true);
    expect(text).toContain('Here are a few **AI headlines');
  });

  it('reads xAI reasoning with and without encrypted content', () => {
    const stored = choiceOf(
      namedEventStreamBody('openai-responses/xai/xai-text-streaming.1.chunks.txt'),
    );
    expect(stored.reasoning).toMatch(/^First, the question is/);
    expect(stored.signatures).toEqual([]);
    const stateless = choiceOf(
      namedEventStreamBody(
        'openai-responses/xai/xai-text-with-reasoning-streaming-store-false.1.chunks.txt',
      ),
    );
    expect(stateless.signatures).toHaveLength(1);
    expect(stateless.text).toMatch(/^### Overview of Sonoran Cuisine/);
  });

  it('fails on the error event without passing its text on (openai-error)', () => {
    const decoded = decode(namedEventStreamBody(errorRecording));
    expect(decoded.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(decoded.failure?.publicMessage).not.toContain('quota');
    expect(decoded.failure?.internalDetail).toContain('insufficient_quota');
    expect(decoded.events.map((event) => event.type)).toEqual(['response-start']);
  });

  it('reports the two broken lines of parallel-tool-call-wrapper as an invalid response', () => {
    const decoded = decode(namedEventStreamBody(brokenRecording));
    expect(decoded.failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    expect(decoded.events).toEqual([]);
  });

  it('decodes parallel-tool-call-wrapper (no sequence_number) once its braces are mended', () => {
    const body = readChunkLines(brokenRecording)
      .map((line) => {
        const mended = line.startsWith('{"type":"response.c') ? `${line}}` : line;
        const parsed = safeParseJson(mended);
        const type = parsed.ok && isJsonObject(parsed.value) ? parsed.value.type : undefined;
        return encodeSseEvent(mended, typeof type === 'string' ? type : undefined);
      })
      .join('');
    const decoded = decode(body);
    expect(decoded.failure).toBeUndefined();
    expectValidEventOrder(decoded.events);
    const result = assembleStream(decoded.events);
    expect(result.choices.get(0)?.toolCalls).toEqual([
      {
        id: 'call_parallel',
        name: 'parallel',
        arguments:
          '{"tool_uses":[{"recipient_name":"functions.weather","parameters":{"location":"San Francisco"}},{"recipient_name":"functions.cityAttractions","parameters":{"city":"Rome"}}]}',
      },
    ]);
    expect(result.usage?.outputTokens.total).toBe(28);
  });
});
