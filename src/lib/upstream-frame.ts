import type { EventStreamFrame } from './event-stream-frame.ts';
import type { SseFrame } from './sse-frame.ts';

/** A unit of a streamed upstream body: an SSE event or comment, or an event-stream message. */
export type UpstreamFrame = SseFrame | EventStreamFrame;
