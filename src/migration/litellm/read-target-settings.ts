import type { JsonObject } from '../../lib/json.ts';
import type { ConversionReport, LitellmPath } from './conversion-report.ts';
import {
  secondsAsMilliseconds,
  takeNumber,
  type Located,
  type SettingsReader,
} from './settings-reader.ts';

/** What a deployment target of a model group carries from its LiteLLM entry. */
export interface TargetSettings {
  /** `model_info.id`, LiteLLM's deployment id. */
  readonly id?: string;
  readonly weight?: number;
  /** LiteLLM's `order` (lower is tried first). */
  readonly priority?: number;
  readonly region?: string;
  readonly tags?: string[];
  readonly rpm?: number;
  readonly tpm?: number;
  readonly timeouts?: { first_token_ms?: number; idle_ms?: number; total_ms?: number };
}

export interface TargetInput {
  readonly entry: JsonObject;
  readonly entryPath: LitellmPath;
  readonly params: SettingsReader;
  readonly modelInfo: SettingsReader;
  readonly report: ConversionReport;
}

const deploymentId = /^[A-Za-z0-9][\w.:/@-]{0,127}$/;
const tag = /^[a-z0-9][a-z0-9_.:-]{0,62}$/;
const region = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The target settings of one deployment: weight, `order` as priority, rate limits, timeouts (LiteLLM
 * seconds to Signalbox milliseconds), region and tags. Notes each value it cannot carry.
 */
export function readTargetSettings(input: TargetInput): TargetSettings {
  const { params, modelInfo, report } = input;
  const settings: {
    -readonly [K in keyof TargetSettings]: TargetSettings[K];
  } = {};
  const id = modelInfo.take('id');
  if (id !== undefined) {
    const text = typeof id.value === 'number' ? String(id.value) : id.value;
    if (typeof text === 'string' && deploymentId.test(text)) {
      settings.id = text;
    } else {
      report.note(
        id.path,
        'not carried: not usable as a Signalbox deployment id (1-128 characters, no spaces)',
      );
    }
  }
  const weight = takeNumber(params.take('weight'), report);
  if (weight !== undefined) {
    if (weight > 0 && weight <= 1_000_000) {
      settings.weight = weight;
    } else {
      report.note(
        [...input.entryPath, 'litellm_params', 'weight'],
        'not carried: a weight must be above 0',
      );
    }
  }
  const order = params.take('order');
  const priority = takeNumber(order, report);
  if (priority !== undefined && order !== undefined) {
    if (Number.isInteger(priority) && priority >= 0 && priority <= 1000) {
      settings.priority = priority;
    } else {
      report.note(order.path, 'not carried: order must be a whole number from 0 to 1000');
    }
  }
  const rpm = rateLimit('rpm', input, 100_000_000);
  const tpm = rateLimit('tpm', input, 10_000_000_000);
  if (rpm !== undefined) settings.rpm = rpm;
  if (tpm !== undefined) settings.tpm = tpm;
  const timeouts = readTimeouts(params, report);
  if (timeouts !== undefined) settings.timeouts = timeouts;
  const regionName = params.take('region_name');
  if (regionName !== undefined) {
    if (typeof regionName.value === 'string' && region.test(regionName.value)) {
      settings.region = regionName.value;
    } else {
      report.note(regionName.path, 'not carried: not a plain lowercase region name');
    }
  }
  const tags = params.take('tags');
  const tagList = tags === undefined ? undefined : readTags(tags, report);
  if (tagList !== undefined) {
    settings.tags = tagList;
  }
  const maxRetries = params.take('max_retries');
  if (maxRetries !== undefined) {
    report.note(
      maxRetries.path,
      'not carried: Signalbox retries as routing.retries says, for every deployment',
    );
  }
  const baseModel = modelInfo.take('base_model');
  if (baseModel !== undefined) {
    report.note(
      baseModel.path,
      "not carried: Signalbox has no base_model; the deployment's prices and limits come from model_facts (carried where model_info gives them)",
    );
  }
  const mode = modelInfo.take('mode');
  if (mode !== undefined) {
    report.note(
      mode.path,
      'not needed: Signalbox tells chat from embeddings by the endpoint called',
    );
  }
  return settings;
}

/** `rpm`/`tpm` from `litellm_params`, else from the entry itself (LiteLLM reads both). */
function rateLimit(key: 'rpm' | 'tpm', input: TargetInput, maximum: number): number | undefined {
  const { params, report } = input;
  const inParams = params.take(key);
  const atEntry = input.entry[key];
  const entryPath = [...input.entryPath, key];
  let setting: Located | undefined = inParams;
  if (atEntry !== undefined && atEntry !== null) {
    if (inParams === undefined) {
      setting = { value: atEntry, path: entryPath };
      report.carried(entryPath);
    } else {
      report.note(entryPath, `not carried: litellm_params.${key} is used instead`);
    }
  }
  const value = takeNumber(setting, report);
  if (value === undefined || setting === undefined) {
    return undefined;
  }
  if (!Number.isInteger(value) || value <= 0 || value > maximum) {
    report.note(setting.path, 'not carried: expected a positive whole number');
    return undefined;
  }
  return value;
}

/**
 * `timeout` bounds the whole call, as total_ms. `stream_timeout` is LiteLLM's read timeout for
 * streamed calls, the longest wait for the next bytes. It becomes idle_ms only: Signalbox's
 * first-token limit also bounds unstreamed answers (their first content is the whole answer), and
 * a streaming limit must not cut those short.
 */
function readTimeouts(
  params: SettingsReader,
  report: ConversionReport,
): TargetSettings['timeouts'] {
  const timeouts: NonNullable<TargetSettings['timeouts']> = {};
  const total = params.take('timeout');
  const totalMs = secondsAsMilliseconds(total, 3_600_000, report);
  if (totalMs !== undefined) {
    timeouts.total_ms = totalMs;
  }
  const stream = params.take('stream_timeout');
  const streamMs = secondsAsMilliseconds(stream, 600_000, report);
  if (streamMs !== undefined && stream !== undefined) {
    timeouts.idle_ms = streamMs;
    report.note(
      stream.path,
      "approximated: carried as timeouts.idle_ms, the longest silence between chunks (LiteLLM also bounds the wait for the first chunk of a stream with it; Signalbox's first_token_ms would bound unstreamed answers too, so it is left to timeout)",
    );
  }
  return Object.keys(timeouts).length > 0 ? timeouts : undefined;
}

function readTags(setting: Located, report: ConversionReport): string[] | undefined {
  if (!Array.isArray(setting.value)) {
    report.note(setting.path, 'not carried: expected a list of tags');
    return undefined;
  }
  const tags: string[] = [];
  setting.value.forEach((value: unknown, index) => {
    const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (text !== undefined && tag.test(text) && tags.length < 32) {
      tags.push(text);
      if (text !== value) {
        report.note([...setting.path, index], `carried in lowercase as ${JSON.stringify(text)}`);
      }
    } else {
      report.note(
        [...setting.path, index],
        'not carried: Signalbox tags are lowercase labels (letters, digits, _ . : -), at most 32',
      );
    }
  });
  return tags.length > 0 ? tags : undefined;
}
