import type { SseFrame } from '../lib/sse-frame.ts';

/** Limits that keep a hostile or broken upstream from growing the parser's memory without bound. */
export interface SseParserOptions {
  /** Largest accepted event (sum of its data lines) or single line, in characters. */
  readonly maxEventSize: number;
}

/** Raised when an event or a line exceeds `maxEventSize`. */
export class SseEventTooLargeError extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`an event-stream event exceeded ${limit} characters`);
    this.name = 'SseEventTooLargeError';
    this.limit = limit;
  }
}

const defaultOptions: SseParserOptions = { maxEventSize: 8 * 1024 * 1024 };

/** The fields a gateway acts on. */
type KnownField = 'data' | 'event' | 'id';
const knownFields: readonly KnownField[] = ['data', 'event', 'id'];

/** A field's value, `text[start, end)`, or empty when the line had no colon (start past end). */
function valueOf(text: string, start: number, end: number): string {
  return start < end ? text.slice(start, end) : '';
}

/** Which known field `text[start, end)` names, compared in place; undefined for any other. */
function fieldAt(text: string, start: number, end: number): KnownField | undefined {
  for (const field of knownFields) {
    if (end - start === field.length && text.startsWith(field, start)) return field;
  }
  return undefined;
}

/**
 * An incremental parser for `text/event-stream` bodies, the one used for every dialect. Feed it
 * bytes exactly as they arrive (split anywhere, even inside a UTF-8 sequence or a CRLF pair); it
 * returns the complete frames so far. Accepts LF, CR and CRLF line endings, comment lines,
 * multi-line data, `data:` with or without the space, and a missing final blank line at `end()`.
 * Not re-entrant; one instance per stream.
 */
export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #options: SseParserOptions;
  /** Pieces of a line received but not yet terminated by a line ending, and their total length. */
  #pending: string[] = [];
  #pendingSize = 0;
  /** Set when the last chunk ended in CR, so that a leading LF of the next one is not a new line. */
  #skipLeadingLineFeed = false;
  /**
   * Data lines of the event being assembled, reset when an event is dispatched: the first on its
   * own, the rest (rare) in an array made when one comes. An array per event, grown on its first
   * push, would allocate more than the event's own strings.
   */
  #firstDataLine: string | undefined;
  #moreDataLines: string[] | undefined;
  #dataSize = 0;
  #eventType: string | undefined;
  #eventId: string | undefined;

  constructor(options: Partial<SseParserOptions> = {}) {
    this.#options = { ...defaultOptions, ...options };
  }

  /** Consumes a chunk of the body and returns the frames it completed. */
  push(chunk: Uint8Array | string): SseFrame[] {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (this.#skipLeadingLineFeed && text.length > 0) {
      if (text.charCodeAt(0) === 0x0a) {
        text = text.slice(1);
      }
      this.#skipLeadingLineFeed = false;
    }
    const frames: SseFrame[] = [];
    let start = 0;
    // Positions of the next LF and CR at or after `start`, found once per chunk and advanced lazily,
    // so a chunk with many lines is scanned in linear time.
    let lineFeed = text.indexOf('\n');
    let carriageReturn = text.indexOf('\r');
    while (lineFeed !== -1 || carriageReturn !== -1) {
      const end =
        lineFeed === -1
          ? carriageReturn
          : carriageReturn === -1
            ? lineFeed
            : Math.min(lineFeed, carriageReturn);
      if (this.#pending.length > 0) {
        const line = this.#pending.join('') + text.slice(start, end);
        this.#pending = [];
        this.#pendingSize = 0;
        this.#processLine(line, 0, line.length, frames);
      } else {
        this.#processLine(text, start, end, frames);
      }
      if (end === carriageReturn) {
        if (end + 1 < text.length) {
          start = text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
        } else {
          start = end + 1;
          this.#skipLeadingLineFeed = true;
        }
      } else {
        start = end + 1;
      }
      if (lineFeed !== -1 && lineFeed < start) {
        lineFeed = text.indexOf('\n', start);
      }
      if (carriageReturn !== -1 && carriageReturn < start) {
        carriageReturn = text.indexOf('\r', start);
      }
    }
    if (start < text.length) {
      const rest = start === 0 ? text : text.slice(start);
      this.#pendingSize += rest.length;
      if (this.#pendingSize > this.#options.maxEventSize) {
        throw new SseEventTooLargeError(this.#options.maxEventSize);
      }
      this.#pending.push(rest);
    }
    return frames;
  }

  /** Ends the stream: an event still being assembled is dispatched as if a blank line followed. */
  end(): SseFrame[] {
    const frames: SseFrame[] = [];
    const tail = this.#decoder.decode();
    const rest = this.#pending.join('') + tail;
    this.#pending = [];
    this.#pendingSize = 0;
    if (rest.length > 0) {
      this.#processLine(rest, 0, rest.length, frames);
    }
    this.#dispatch(frames);
    return frames;
  }

  /**
   * The line `text[start, end)`, without its line ending. Read in place: only a field's value is
   * sliced out, once, so an event costs its two values and its frame rather than a string per
   * line, field name and value.
   */
  #processLine(text: string, start: number, end: number, frames: SseFrame[]): void {
    if (start === end) {
      this.#dispatch(frames);
      return;
    }
    if (text.charCodeAt(start) === 0x3a) {
      frames.push({ kind: 'comment', text: text.slice(start + 1, end) });
      return;
    }
    let colon = start;
    while (colon < end && text.charCodeAt(colon) !== 0x3a) colon += 1;
    let valueStart = colon + 1;
    if (valueStart < end && text.charCodeAt(valueStart) === 0x20) valueStart += 1;
    switch (fieldAt(text, start, colon)) {
      case 'data': {
        this.#dataSize += Math.max(0, end - valueStart) + 1;
        if (this.#dataSize > this.#options.maxEventSize) {
          throw new SseEventTooLargeError(this.#options.maxEventSize);
        }
        const line = valueOf(text, valueStart, end);
        if (this.#firstDataLine === undefined) this.#firstDataLine = line;
        else (this.#moreDataLines ??= []).push(line);
        break;
      }
      case 'event':
        this.#eventType = valueOf(text, valueStart, end);
        break;
      case 'id': {
        const id = valueOf(text, valueStart, end);
        if (!id.includes('\0')) {
          this.#eventId = id;
        }
        break;
      }
      case undefined:
        // `retry` and unknown fields carry nothing a gateway acts on; the format says ignore them.
        break;
    }
  }

  #dispatch(frames: SseFrame[]): void {
    const first = this.#firstDataLine;
    if (first !== undefined) {
      const more = this.#moreDataLines;
      frames.push({
        kind: 'event',
        event: this.#eventType,
        data: more === undefined ? first : `${first}\n${more.join('\n')}`,
        id: this.#eventId,
      });
    }
    this.#firstDataLine = undefined;
    this.#moreDataLines = undefined;
    this.#dataSize = 0;
    this.#eventType = undefined;
    // The specification keeps the last id for reconnection; a gateway never reconnects a provider
    // stream, so the id is reported only on the event that carried it.
    this.#eventId = undefined;
  }
}
