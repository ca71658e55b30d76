import { pino, type DestinationStream, type Logger } from 'pino';
import { BatchedLineWriter } from './batched-line-writer.ts';

export type { Logger } from 'pino';

/**
 * Field paths whose values are replaced before a line is written, wherever they appear: the one
 * redaction point for secrets in logs. Request and response bodies are never logged at all.
 */
export const redactedLogPaths: readonly string[] = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'key',
  '*.key',
  'secret',
  '*.secret',
  '*.headers["x-api-key"]',
  '*.headers["api-key"]',
  '*.headers.cookie',
];

export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; see `createLogDestination`. */
  readonly destination: DestinationStream;
}

/**
 * Standard output, written asynchronously in batches (see `BatchedLineWriter`) so that logging
 * never blocks a request. Call `flushSync()` before the process exits.
 */
export function createLogDestination(): BatchedLineWriter {
  return new BatchedLineWriter({ fd: 1 });
}

/** Creates the process logger: JSON lines with ISO timestamps and redaction. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      // The pid tells the processes of `serve --workers` apart.
      base: { service: 'signalbox', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...redactedLogPaths], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
