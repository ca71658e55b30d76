/**
 * Why Node's HTTP parser gave up on a connection (the code of its `clientError`), by socket. A
 * request whose body stops arriving sees only an abort; this tells a server-side timeout or
 * malformed framing apart from a client that simply left, so its record says which it was.
 */
const codes = new WeakMap<object, string>();

/** Notes the `clientError` code of `socket` (called from the server's `clientError` listener). */
export function noteClientError(socket: object, code: string | undefined): void {
  codes.set(socket, code ?? 'unknown');
}

/** The `clientError` code noted for `socket`, or undefined when the parser had no complaint. */
export function clientErrorOf(socket: object | null | undefined): string | undefined {
  return socket === null || socket === undefined ? undefined : codes.get(socket);
}
