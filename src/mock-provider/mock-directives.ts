/**
 * Instructions that script the mock provider for one request, written as a line in the last user
 * message (`!mock status=429 retry_after=2`) or sent in an `x-mock-directive` header when the mock
 * is called directly. Unknown keys are ignored so that scripts stay forward-compatible.
 */
export interface MockDirectives {
  /** Answer with this HTTP error status and an OpenAI-style error body. */
  readonly status?: number;
  /** `Retry-After` value sent with `status` (any text, to test parsing). */
  readonly retryAfter?: string;
  /** Wait this long before sending response headers. */
  readonly delayMs?: number;
  /** Stall for `stallMs` after this many stream chunks (0 = before the first chunk). */
  readonly stallAfter?: number;
  readonly stallMs?: number;
  /** Drop the connection after this many stream chunks (0 = right after the headers). */
  readonly disconnectAfter?: number;
  /** Break the stream in a named way; see `MockMalformation`. */
  readonly malformed?: MockMalformation;
  /** Produce exactly this many output tokens, ignoring any max_tokens (a runaway model). */
  readonly tokens?: number;
  /** Streaming speed for this request. */
  readonly tokensPerSecond?: number;
  /** Answer 302 to this location instead of serving the request. */
  readonly redirect?: string;
  /** Call every offered tool at once (parallel tool calls). */
  readonly parallelTools?: boolean;
  /** Write the whole stream in one write, so that it arrives in one read. */
  readonly burst?: boolean;
  /** Refuse the request the way this API refuses it for that reason; see `MockRefusal`. */
  readonly refuse?: MockRefusal;
  /** Answer as if no output format were asked for (a model ignoring `response_format`). */
  readonly ignoreFormat?: boolean;
}

/**
 * Why a scripted refusal refuses: the input does not fit the model's context window, or the
 * provider's content policy blocks it. Each mock API answers with its provider's own status and
 * body for the case (`MockDialect.encodeRefusal`).
 */
export type MockRefusal = 'context-length' | 'content-policy';

export type MockMalformation =
  | 'bad-json'
  | 'error-chunk'
  | 'no-done'
  | 'truncated'
  | 'crlf'
  | 'split'
  | 'comments'
  | 'html'
  | 'json-for-stream';

const malformations: ReadonlySet<string> = new Set([
  'bad-json',
  'error-chunk',
  'no-done',
  'truncated',
  'crlf',
  'split',
  'comments',
  'html',
  'json-for-stream',
]);

/** `!mock key=value ...` for every mock, or `!mock:name key=value ...` for the mock of that name. */
const directiveLines = /^[ \t]*!mock(?::([\w-]+))?(?=[ \t]|$)(.*)$/gm;

function integer(value: string, minimum: number, maximum: number): number | undefined {
  if (!/^\d+$/.test(value)) {
    return undefined;
  }
  const parsed = Number(value);
  return parsed >= minimum && parsed <= maximum ? parsed : undefined;
}

/** Parses `key=value` tokens. Values out of range are ignored. Pure. */
export function parseMockDirectives(text: string): MockDirectives {
  const directives: { -readonly [K in keyof MockDirectives]?: MockDirectives[K] | undefined } = {};
  for (const token of text.trim().split(/\s+/)) {
    const equals = token.indexOf('=');
    const key = equals === -1 ? token : token.slice(0, equals);
    const value = equals === -1 ? '' : token.slice(equals + 1);
    switch (key) {
      case 'status':
        directives.status = integer(value, 100, 599);
        break;
      case 'retry_after':
        directives.retryAfter = value.replace(/_/g, ' ');
        break;
      case 'delay_ms':
        directives.delayMs = integer(value, 0, 600_000);
        break;
      case 'stall_after':
        directives.stallAfter = integer(value, 0, 1_000_000);
        break;
      case 'stall_ms':
        directives.stallMs = integer(value, 0, 600_000);
        break;
      case 'disconnect_after':
        directives.disconnectAfter = integer(value, 0, 1_000_000);
        break;
      case 'malformed':
        if (malformations.has(value)) {
          directives.malformed = value as MockMalformation;
        }
        break;
      case 'tokens':
        directives.tokens = integer(value, 0, 1_000_000);
        break;
      case 'tps':
        directives.tokensPerSecond = integer(value, 1, 1_000_000);
        break;
      case 'redirect':
        directives.redirect = value;
        break;
      case 'parallel':
        directives.parallelTools = true;
        break;
      case 'burst':
        directives.burst = true;
        break;
      case 'ignore_format':
        directives.ignoreFormat = true;
        break;
      case 'refuse':
        if (value === 'context-length' || value === 'content-policy') {
          directives.refuse = value;
        }
        break;
      default:
        break;
    }
  }
  return Object.fromEntries(Object.entries(directives).filter(([, value]) => value !== undefined));
}

/**
 * Finds `!mock` lines in a message: those without a name, and those naming `mockName`, apply
 * (later lines win). Returns the directives and the text without any directive line. Pure.
 */
export function extractMockDirectives(
  text: string,
  mockName: string,
): { directives: MockDirectives; text: string } {
  let directives: MockDirectives = {};
  let found = false;
  for (const match of text.matchAll(directiveLines)) {
    found = true;
    const name = match[1];
    if (name === undefined || name === mockName) {
      directives = { ...directives, ...parseMockDirectives(match[2] ?? '') };
    }
  }
  return { directives, text: found ? text.replace(directiveLines, '').trim() : text };
}
