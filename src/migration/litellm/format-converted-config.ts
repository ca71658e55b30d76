import { Document } from 'yaml';
import type { ConfigFile } from '../../config/config-schema.ts';

/**
 * The converted configuration as YAML, under a comment saying where it came from and where the
 * report of what changed went. Pure.
 */
export function formatConvertedConfig(
  config: ConfigFile,
  source: string,
  reportedSettings: number,
): string {
  // Written with YAML 1.1 rules, which quote more strings (dates such as an api_version, yes/no),
  // so that the file reads the same in YAML 1.1 tools as in Signalbox's YAML 1.2 parser.
  const document = new Document(config, { version: '1.1' });
  document.commentBefore = [
    ` Signalbox configuration converted from the LiteLLM proxy configuration ${JSON.stringify(source)}`,
    ' by `signalbox import litellm`.',
    reportedSettings === 0
      ? ' Every setting was carried over.'
      : ` ${String(reportedSettings)} settings were approximated or not carried over; the report printed with this`,
    ...(reportedSettings === 0
      ? []
      : [
          ' file (standard error) lists each, and docs/migrating-from-litellm.md explains the mapping.',
        ]),
  ].join('\n');
  return document.toString({ lineWidth: 0, singleQuote: true });
}
