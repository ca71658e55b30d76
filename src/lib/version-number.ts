/**
 * A version number as a client or a path writes it: a positive safe integer, or its decimal
 * digits (as OpenAI's Responses API writes prompt versions), with no sign, no leading zero and no
 * other characters, so each version has exactly one spelling. Undefined when it is neither.
 */
export function readVersionNumber(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^[1-9][0-9]{0,15}$/.test(value)
        ? Number(value)
        : Number.NaN;
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}
