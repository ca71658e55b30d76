import type { ConversionReport } from './conversion-report.ts';
import { environmentVariableOf } from './litellm-secret.ts';
import type { Located } from './settings-reader.ts';

/**
 * The values a LiteLLM file sets for itself in `environment_variables`, for plain settings LiteLLM
 * reads from the environment. A value used this way counts as carried (it is in the Signalbox
 * file now, so it need not be exported).
 */
export class FileEnvironment {
  private readonly values: ReadonlyMap<string, string>;
  private readonly report: ConversionReport;

  constructor(values: ReadonlyMap<string, string>, report: ConversionReport) {
    this.values = values;
    this.report = report;
  }

  /** The value of a variable the file sets, marked as carried; undefined when it sets none. */
  get(name: string): string | undefined {
    const value = this.values.get(name);
    if (value !== undefined) {
      this.report.carried(['environment_variables', name]);
    }
    return value;
  }

  /** The first of `names` the file sets, for LiteLLM's fallback variables. */
  first(names: readonly string[]): { name: string; value: string } | undefined {
    for (const name of names) {
      const value = this.get(name);
      if (value !== undefined && value !== '') {
        return { name, value };
      }
    }
    return undefined;
  }

  /**
   * A plain (not secret) text setting. `os.environ/NAME` is looked up among the file's own
   * variables, since Signalbox needs the value itself (regions, URLs and versions are not secret
   * references); when it is not there the setting is noted and undefined returned.
   */
  text(setting: Located | undefined): string | undefined {
    if (setting === undefined) {
      return undefined;
    }
    const variable = environmentVariableOf(setting.value);
    if (variable !== undefined) {
      const value = this.get(variable);
      if (value === undefined) {
        this.report.note(
          setting.path,
          `action needed: read from the environment (${variable}) in LiteLLM; Signalbox needs the value in the file`,
        );
        return undefined;
      }
      this.report.note(
        setting.path,
        `carried: the value of ${variable} from environment_variables`,
      );
      return value;
    }
    if (typeof setting.value === 'string' || typeof setting.value === 'number') {
      return String(setting.value).trim();
    }
    this.report.note(setting.path, 'not carried: expected text');
    return undefined;
  }
}
