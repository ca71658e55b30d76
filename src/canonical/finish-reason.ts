/**
 * Why a choice ended: a unified value every dialect maps onto, plus the provider's own raw value
 * for audit and for clients that need the detail.
 */
export interface FinishReason {
  readonly unified: 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';
  readonly raw: string | undefined;
}

export type UnifiedFinishReason = FinishReason['unified'];
