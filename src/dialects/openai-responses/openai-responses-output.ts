import type { Usage } from '../../canonical/usage.ts';
import type { OpenAiResponsesEnding } from './map-openai-responses-status.ts';
import { encodeOpenAiResponsesUsage } from './openai-responses-usage.ts';

/** What identifies one answer on the wire. */
export interface OpenAiResponsesIdentity {
  /** A `resp_` id. */
  readonly id: string;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly model: string;
}

/** The `resp_` id for a provider's answer id (kept as it is when it already is one). */
export function openAiResponsesId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id}`;
}

/**
 * A stable id for the output item at `index` of a response (`msg_`, `rs_` or `fc_` and the
 * response id), so that the same answer always gets the same item ids.
 */
export function openAiResponsesItemId(prefix: string, responseId: string, index: number): string {
  const stem = responseId.replace(/^resp_/, '').replace(/[^A-Za-z0-9_-]/g, '');
  return `${prefix}_${stem}_${index}`;
}

/**
 * An `output_text` content part (no annotations: citations have no canonical form).
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output-message
 */
export function outputTextPart(text: string): object {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

/** A `refusal` content part. */
export function refusalPart(refusal: string): object {
  return { type: 'refusal', refusal };
}

/**
 * A `reasoning` output item: the canonical reasoning text as one summary part, and the signature
 * as `encrypted_content`, which a client gives back on its next turn.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output-reasoning
 */
export function reasoningItem(id: string, text: string, signature: string | undefined): object {
  return {
    id,
    type: 'reasoning',
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...(signature === undefined ? {} : { encrypted_content: signature }),
  };
}

/** @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output-function_tool_call */
export function functionCallItem(
  id: string,
  call: { readonly id: string; readonly name: string; readonly arguments: string },
  status: 'in_progress' | 'completed',
): object {
  return {
    id,
    type: 'function_call',
    status,
    arguments: call.arguments,
    call_id: call.id,
    name: call.name,
  };
}

/** @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output-message */
export function messageItem(
  id: string,
  content: readonly object[],
  status: 'in_progress' | 'completed' | 'incomplete',
): object {
  return { id, type: 'message', status, content, role: 'assistant' };
}

/**
 * A `response` object with the fields the SDKs type as required. The gateway does not keep the
 * request beside the answer, so request echoes hold the API's defaults (`tool_choice: "auto"`,
 * `tools: []`, `parallel_tool_calls: true`) or null. `status` is `in_progress` until the
 * answer ends (`ending`); usage is written when the provider reported it.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function openAiResponsesObject(
  identity: OpenAiResponsesIdentity,
  output: readonly object[],
  ending: OpenAiResponsesEnding | undefined,
  usage: Usage | undefined,
): Record<string, unknown> {
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdAt,
    status: ending?.status ?? 'in_progress',
    background: false,
    error: null,
    incomplete_details: ending?.incompleteDetails ?? null,
    instructions: null,
    max_output_tokens: null,
    model: identity.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    temperature: null,
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: ending === undefined || usage === undefined ? null : encodeOpenAiResponsesUsage(usage),
    metadata: {},
  };
}
