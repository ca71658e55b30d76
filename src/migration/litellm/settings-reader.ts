import type { JsonObject } from '../../lib/json.ts';
import type { ConversionReport, LitellmPath } from './conversion-report.ts';
import { environmentVariableOf } from './litellm-secret.ts';

/** A setting located in the LiteLLM file. */
export interface Located {
  readonly value: unknown;
  readonly path: LitellmPath;
}

/**
 * Reads settings of one mapping of the LiteLLM file. Every setting read counts as carried; the
 * caller notes it instead when something needs saying.
 */
export class SettingsReader {
  private readonly values: ReadonlyMap<string, Located>;
  private readonly report: ConversionReport;

  /** `layers` are read in order and later ones win (credential values, then the deployment's own). */
  constructor(
    layers: readonly { object: JsonObject; path: LitellmPath }[],
    report: ConversionReport,
  ) {
    const values = new Map<string, Located>();
    for (const layer of layers) {
      for (const [key, value] of Object.entries(layer.object)) {
        values.set(key, { value, path: [...layer.path, key] });
      }
    }
    this.values = values;
    this.report = report;
  }

  /** The setting, marked as carried; undefined when absent or null. */
  take(key: string): Located | undefined {
    const found = this.values.get(key);
    if (found?.value === null || found?.value === undefined) {
      return undefined;
    }
    this.report.carried(found.path);
    return found;
  }
}

/** Lenient number: LiteLLM accepts numbers written as strings. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** Lenient boolean, as Python reads YAML and strings (`true`, `True`, `"true"`). */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * Reads a number setting, noting why when it cannot be carried (written as `os.environ/...`, or
 * not a number). Undefined when absent or unusable.
 */
export function takeNumber(
  setting: Located | undefined,
  report: ConversionReport,
): number | undefined {
  if (setting === undefined) {
    return undefined;
  }
  const number = numberOf(setting.value);
  if (number !== undefined) {
    return number;
  }
  const variable = environmentVariableOf(setting.value);
  report.note(
    setting.path,
    variable === undefined
      ? 'not carried: expected a number'
      : `not carried: read from the environment (${variable}) in LiteLLM; Signalbox needs the number in the file`,
  );
  return undefined;
}

/**
 * A duration in seconds (LiteLLM's unit) as whole milliseconds, at most `maximum`. Notes a value
 * that is not above 0 (undefined) or above the maximum (capped).
 */
export function secondsAsMilliseconds(
  setting: Located | undefined,
  maximum: number,
  report: ConversionReport,
): number | undefined {
  const seconds = takeNumber(setting, report);
  if (seconds === undefined || setting === undefined) {
    return undefined;
  }
  const value = Math.round(seconds * 1000);
  if (value <= 0) {
    report.note(setting.path, 'not carried: must be at least 1 ms');
    return undefined;
  }
  if (value > maximum) {
    report.note(
      setting.path,
      `approximated: capped at ${String(maximum / 1000)} s, the most Signalbox allows`,
    );
    return maximum;
  }
  return value;
}

/** Reads a true/false setting, noting a value that is neither; undefined when absent or unusable. */
export function takeBoolean(
  setting: Located | undefined,
  report: ConversionReport,
): boolean | undefined {
  if (setting === undefined) {
    return undefined;
  }
  const value = booleanOf(setting.value);
  if (value === undefined) {
    report.note(setting.path, 'not carried: expected true or false');
  }
  return value;
}
