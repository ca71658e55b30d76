/**
 * Cohere's arguments text for a tool call as canonical JSON text. For a tool without parameters
 * Cohere sends the string `"null"` (or nothing at all); both become `"{}"` so that every client
 * gets a JSON object. Anything else is kept exactly as the model wrote it. Pure.
 * @see https://docs.cohere.com/reference/chat#response.body.message.tool_calls.function.arguments
 */
export function normalizeCohereToolArguments(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' || trimmed === 'null' ? '{}' : text;
}

/**
 * Whether streamed arguments received so far could still turn out to be the empty `null` answer
 * (they are blank or a beginning of `null`), so the decoder must hold them back until it knows.
 */
export function mayBeNullArguments(text: string): boolean {
  return 'null'.startsWith(text.trim());
}
