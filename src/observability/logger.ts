import { pino, type DestinationStream, type Logger } from 'pino';
import { BatchedLineWriter } from './batched-line-writer.ts';

export type { Logger } from 'pino';

/**
 * Field names whose values are replaced before a line is written, at any depth and in any letter
 * case: the one redaction point for secrets in logs. Request and response bodies are never
 * logged at all. Names, not paths: a key under `headers`, `request.headers`, a provider entry or
 * an error's own fields is caught wherever it sits (docs/decisions/0009-redact-logs-by-field-name.md
 * says why this replaced pino's path list).
 */
export const redactedLogKeys =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|password|passwd|passphrase|secret|token|key|credentials|(?:api|private|secret[-_]?access)[-_]?key|client[-_]?secret|(?:access|refresh|id|session|auth|bearer)[-_]?token|.*[-_](?:key|token|secret))$/i;

const censor = '[redacted]';
/** Deeper than any object the gateway logs; also bounds the walk on cyclic data. */
const maxDepth = 8;

/**
 * `value` with every member named by `redactedLogKeys` censored, copying only the objects on the
 * way to a censored member (the caller's objects are never changed). Errors keep their class, so
 * pino's error serializer still writes type, message and stack. Pure.
 */
export function redactLogValue(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > maxDepth) {
    return value;
  }
  if (Array.isArray(value)) {
    const items = value as readonly unknown[];
    let copy: unknown[] | undefined;
    items.forEach((item, index) => {
      const redacted = redactLogValue(item, depth + 1);
      if (redacted !== item) {
        copy ??= [...items];
        copy[index] = redacted;
      }
    });
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  const names = value instanceof Error ? [...Object.keys(value), 'cause'] : Object.keys(value);
  for (const name of names) {
    const member = record[name];
    const redacted =
      redactedLogKeys.test(name) && member !== undefined
        ? censor
        : redactLogValue(member, depth + 1);
    if (redacted !== member) {
      copy ??= copyOf(value);
      copy[name] = redacted;
    }
  }
  return copy ?? value;
}

/** A shallow copy; an error stays an error of its class, with its message and stack. */
function copyOf(value: object): Record<string, unknown> {
  if (value instanceof Error) {
    const error = Object.create(Object.getPrototypeOf(value) as object | null) as Error;
    Object.assign(error, value);
    Object.defineProperties(error, {
      message: { value: value.message, enumerable: false, writable: true },
      stack: { value: value.stack, enumerable: false, writable: true },
      cause: { value: value.cause, enumerable: false, writable: true },
    });
    return error as unknown as Record<string, unknown>;
  }
  return { ...(value as Record<string, unknown>) };
}

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
  const logger = pino(
    {
      level: options.level,
      // The pid tells the processes of `serve --workers` apart.
      base: { service: 'signalbox', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactLogValue(object) as Record<string, unknown>,
      },
    },
    options.destination,
  );
  // Pino serialises a child's bindings once, past the `log` formatter (and resets the `bindings`
  // formatter for children), so they are redacted here; children inherit this `child`.
  const { child } = Object.getPrototypeOf(logger) as Pick<Logger, 'child'>;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactLogValue(bindings) as typeof bindings, childOptions);
  } as typeof child;
  return logger;
}
