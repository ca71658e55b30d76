/** Where a command writes; injected so commands can be tested without a terminal. */
export interface CliIo {
  out(text: string): void;
  error(text: string): void;
}

/** Standard output and standard error. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  error: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** A mistake in how a command was called; exits with status 2 and the usage text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
