/** A port number from text, or null when the text is not one. */
export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) {
    return null;
  }
  const port = Number(text);
  return port <= 65_535 ? port : null;
}
