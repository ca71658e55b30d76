import type { ScanBudget } from '../scan-budget.ts';

const beginPattern = /-----BEGIN ((?:[A-Z0-9]{1,12} ){0,3})PRIVATE KEY( BLOCK)?-----/g;
const endPattern = /-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
/** Base64 body lines (and PEM headers such as `Proc-Type:`) after a BEGIN line without an END. */
const bodyPattern = /[\r\n]*(?:[A-Za-z0-9+/=:, -]{1,100}[\r\n]+)*/y;

/**
 * Spans of PEM private key blocks, BEGIN line to END line. A block cut off before its END line is
 * still a leaked key, so it runs to the end of its base64 body. Linear: END lines are found in
 * one pass and paired with BEGIN lines by a moving pointer.
 */
export function findPemPrivateKeys(
  text: string,
  budget: ScanBudget,
): { start: number; end: number }[] {
  const ends = [...text.matchAll(endPattern)].map((match) => match.index + match[0].length);
  const spans: { start: number; end: number }[] = [];
  const begin = new RegExp(beginPattern.source, 'g');
  let pointer = 0;
  let match: RegExpExecArray | null;
  while ((match = begin.exec(text)) !== null && !budget.expired()) {
    const headerEnd = match.index + match[0].length;
    while (pointer < ends.length && (ends[pointer] ?? 0) <= headerEnd) pointer += 1;
    const nextBegin = text.indexOf('-----BEGIN ', headerEnd);
    const end = ends[pointer];
    if (end !== undefined && (nextBegin === -1 || end <= nextBegin)) {
      spans.push({ start: match.index, end });
      begin.lastIndex = end;
      continue;
    }
    const body = new RegExp(bodyPattern.source, 'y');
    body.lastIndex = headerEnd;
    const bodyMatch = body.exec(text);
    const bodyEnd = headerEnd + (bodyMatch?.[0].length ?? 0);
    spans.push({ start: match.index, end: bodyEnd });
    begin.lastIndex = Math.max(bodyEnd, headerEnd);
  }
  return spans;
}
