import type { ChatChoice, ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { decodeGeminiUsage } from './decode-gemini-generate-content-usage.ts';
import {
  decodeGeminiBlockReason,
  decodeGeminiFinishReason,
} from './map-gemini-generate-content-finish-reason.ts';
import {
  candidateIndex,
  candidateParts,
  createTimeSeconds,
  geminiToolCallId,
  readGeminiPart,
} from './read-gemini-generate-content-part.ts';

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `gemini-generate-content response: ${detail}`,
  });
}

/** Appends text to the last part when it is of the same kind and still open (unsigned). */
function appendText(content: AssistantContentPart[], kind: 'text' | 'reasoning', text: string) {
  if (text === '') {
    return;
  }
  const last = content[content.length - 1];
  if (last?.type === 'text' && kind === 'text') {
    content[content.length - 1] = { ...last, text: last.text + text };
  } else if (last?.type === 'reasoning' && kind === 'reasoning' && last.signature === undefined) {
    content[content.length - 1] = { ...last, text: last.text + text };
  } else {
    content.push({ type: kind, text });
  }
}

/**
 * Keeps a thought signature that came on a non-call part: it closes the reasoning part before it,
 * or becomes an empty reasoning part of its own (so that it is returned on the next turn).
 */
function appendSignature(content: AssistantContentPart[], signature: string) {
  const last = content[content.length - 1];
  if (last?.type === 'reasoning' && last.signature === undefined) {
    content[content.length - 1] = { ...last, signature };
  } else {
    content.push({ type: 'reasoning', text: '', signature });
  }
}

/**
 * A candidate's parts as canonical content, built the way the stream decoder builds it so that a
 * streamed and a complete answer decode alike: adjacent text merges, a signature ends the part
 * it follows, function calls get `call_<choice>_<n>` ids when Gemini gives none.
 */
function candidateContent(candidate: JsonObject, choice: number): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  let calls = 0;
  for (const part of candidateParts(candidate)) {
    const reading = readGeminiPart(part);
    if (reading.kind === 'function-call') {
      const name = reading.call.name;
      content.push({
        type: 'tool-call',
        id: geminiToolCallId(reading.call, choice, calls),
        name: typeof name === 'string' ? name : '',
        arguments: JSON.stringify(isJsonObject(reading.call.args) ? reading.call.args : {}),
        ...(reading.signature === undefined ? {} : { signature: reading.signature }),
      });
      calls += 1;
      continue;
    }
    if (reading.kind !== 'other') {
      appendText(content, reading.kind === 'thought' ? 'reasoning' : 'text', reading.text);
    }
    if (reading.signature !== undefined) {
      appendSignature(content, reading.signature);
    }
  }
  return content;
}

/**
 * A Gemini `GenerateContentResponse` as a canonical answer: one choice per candidate, thought
 * parts as reasoning, function calls as tool calls (arguments are the JSON text of `args`), thought
 * signatures kept on the part they came with. A prompt blocked by `promptFeedback.blockReason`
 * (no candidates) becomes one empty choice ending in `content-filter`. Throws `GatewayError`
 * (invalid response) for a body that is not an answer (not an object, an error object, or no
 * candidates without a block reason).
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/GenerateContentResponse
 */
export function decodeGeminiResponse(body: unknown): ChatResponse {
  if (!isJsonObject(body)) {
    throw invalid('the body is not an object');
  }
  if (body.error !== undefined && body.error !== null) {
    throw invalid('the body is an error object');
  }
  const candidates = Array.isArray(body.candidates) ? body.candidates : [];
  let choices: ChatChoice[];
  if (candidates.length > 0) {
    choices = candidates.map((raw, position): ChatChoice => {
      if (!isJsonObject(raw)) {
        throw invalid('a candidate is not an object');
      }
      const index = candidateIndex(raw, position);
      const content = candidateContent(raw, index);
      return {
        index,
        content,
        finishReason: decodeGeminiFinishReason(
          typeof raw.finishReason === 'string' ? raw.finishReason : undefined,
          content.some((part) => part.type === 'tool-call'),
        ),
      };
    });
  } else {
    const feedback = isJsonObject(body.promptFeedback) ? body.promptFeedback : {};
    if (typeof feedback.blockReason !== 'string') {
      throw invalid('no candidates and no block reason');
    }
    choices = [
      { index: 0, content: [], finishReason: decodeGeminiBlockReason(feedback.blockReason) },
    ];
  }
  return {
    id: typeof body.responseId === 'string' ? body.responseId : '',
    model: typeof body.modelVersion === 'string' ? body.modelVersion : '',
    created: createTimeSeconds(body.createTime),
    choices,
    usage: decodeGeminiUsage(body.usageMetadata),
  };
}
