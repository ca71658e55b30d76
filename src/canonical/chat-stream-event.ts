import type { FinishReason } from './finish-reason.ts';
import type { Usage } from './usage.ts';

/**
 * Where an event belongs: the choice (alternative answer) and the content part within it. Part
 * numbers count up from 0 in each choice in the order parts start.
 */
interface PartAddress {
  readonly choice: number;
  readonly part: number;
}

/**
 * One step of a streamed answer. Names are `<noun>-<verb>` with verbs start, delta and end.
 * Every part that starts also ends, before its choice ends; `response-start` comes first and
 * `response-end` last. Decoders guarantee this order even when the provider is sloppy.
 */
export type ChatStreamEvent =
  | {
      readonly type: 'response-start';
      readonly id: string;
      readonly model: string;
      readonly created?: number | undefined;
    }
  | (PartAddress & { readonly type: 'text-start' })
  | (PartAddress & { readonly type: 'text-delta'; readonly delta: string })
  | (PartAddress & { readonly type: 'text-end' })
  | (PartAddress & { readonly type: 'reasoning-start'; readonly redactedData?: string | undefined })
  | (PartAddress & { readonly type: 'reasoning-delta'; readonly delta: string })
  | (PartAddress & { readonly type: 'reasoning-end'; readonly signature?: string | undefined })
  | (PartAddress & {
      readonly type: 'tool-call-start';
      readonly id: string;
      readonly name: string;
      readonly signature?: string | undefined;
    })
  | (PartAddress & { readonly type: 'tool-call-delta'; readonly argumentsDelta: string })
  | (PartAddress & { readonly type: 'tool-call-end' })
  | (PartAddress & { readonly type: 'refusal-start' })
  | (PartAddress & { readonly type: 'refusal-delta'; readonly delta: string })
  | (PartAddress & { readonly type: 'refusal-end' })
  /** The latest usage counts; fields present replace earlier values, absent ones keep them. */
  | { readonly type: 'usage-delta'; readonly usage: Usage }
  | { readonly type: 'choice-end'; readonly choice: number; readonly finishReason: FinishReason }
  | { readonly type: 'response-end' };

export type ChatStreamEventType = ChatStreamEvent['type'];
