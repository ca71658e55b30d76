/** A location in the LiteLLM file: mapping keys and list indexes from the root. */
export type LitellmPath = readonly (string | number)[];

/**
 * Renders a path as it reads in the LiteLLM file, prefixed with `litellm`:
 * `litellm.model_list[2].litellm_params.api_key`. Keys that are not plain words are quoted, so a
 * key can never break the line or smuggle terminal control characters.
 */
export function formatLitellmPath(path: LitellmPath): string {
  let text = 'litellm';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${String(segment)}]`;
    } else if (/^[A-Za-z0-9_-]+$/.test(segment)) {
      text += `.${segment}`;
    } else {
      text += `[${quote(segment)}]`;
    }
  }
  return text;
}

/**
 * A value from the input quoted for a report line: JSON escaping (no raw control characters) and
 * at most 80 characters. Never used for secrets.
 */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function pathKey(path: LitellmPath): string {
  return formatLitellmPath(path);
}

/**
 * What a conversion did with the settings of the LiteLLM file. Every setting ends up either
 * carried (silently, as it is) or noted with a line saying what happened to it; whatever is
 * neither when the conversion ends is reported as not carried, so nothing is dropped unsaid.
 */
export class ConversionReport {
  private readonly entries: string[] = [];
  private readonly settled = new Set<string>();

  /** Records what happened to the setting at `path`; the setting counts as dealt with. */
  note(path: LitellmPath, message: string): void {
    this.settled.add(pathKey(path));
    this.entries.push(`${formatLitellmPath(path)}: ${message}`);
  }

  /** Marks the setting at `path` (and everything under it) as carried over with nothing to say. */
  carried(path: LitellmPath): void {
    this.settled.add(pathKey(path));
  }

  /**
   * Marks the setting at `path` (and everything under it) as dealt with by a note elsewhere, such
   * as the settings of a deployment that is left out for a reason already noted.
   */
  dismiss(path: LitellmPath): void {
    this.settled.add(pathKey(path));
  }

  /** Whether the setting at `path` was carried or noted. */
  isSettled(path: LitellmPath): boolean {
    return this.settled.has(pathKey(path));
  }

  /** Whether something below `path` was carried or noted (so its siblings need a look). */
  hasSettledBelow(path: LitellmPath): boolean {
    const prefix = pathKey(path);
    for (const key of this.settled) {
      if (key.length > prefix.length && key.startsWith(prefix)) {
        const next = key.charAt(prefix.length);
        if (next === '.' || next === '[') {
          return true;
        }
      }
    }
    return false;
  }

  /** The report, one `litellm.<path>: <what happened>` line per entry, in the order recorded. */
  lines(): readonly string[] {
    return [...this.entries];
  }
}
