import type { ModelFactsEntry } from '../../config/model-facts-schema.ts';
import type { ConversionReport } from './conversion-report.ts';
import { booleanOf, takeNumber, type SettingsReader } from './settings-reader.ts';

type Price = NonNullable<ModelFactsEntry['price']>;

/** LiteLLM's per-token prices and the Signalbox per-million price each becomes. */
const priceFields: readonly (readonly [string, keyof Price])[] = [
  ['input_cost_per_token', 'input'],
  ['output_cost_per_token', 'output'],
  ['cache_read_input_token_cost', 'cache_read'],
  ['cache_creation_input_token_cost', 'cache_write'],
];

/** LiteLLM's capability flags and the Signalbox model fact each becomes. */
const flagFields: readonly (readonly [string, 'tools' | 'vision' | 'json_schema' | 'reasoning'])[] =
  [
    ['supports_function_calling', 'tools'],
    ['supports_vision', 'vision'],
    ['supports_response_schema', 'json_schema'],
    ['supports_reasoning', 'reasoning'],
  ];

const maximumPricePerMillion = 100_000;
const maximumTokens = 100_000_000;

/**
 * The model facts (prices, limits, capabilities) a deployment's `model_info` (and custom prices in
 * `litellm_params`) give, for the provider's `model_facts`; undefined when they give none. Prices
 * move from USD per token to USD per million tokens. Pure apart from report notes.
 */
export function readModelFacts(
  modelInfo: SettingsReader,
  params: SettingsReader,
  report: ConversionReport,
): ModelFactsEntry | undefined {
  const take = (key: string) => modelInfo.take(key);
  const price: Price = {};
  for (const [litellmField, field] of priceFields) {
    // Custom prices may sit in model_info or, as LiteLLM's custom pricing docs show, litellm_params.
    const setting = take(litellmField) ?? params.take(litellmField);
    const perToken = takeNumber(setting, report);
    if (perToken === undefined || setting === undefined) {
      continue;
    }
    const perMillion = Math.round(perToken * 1_000_000 * 1e6) / 1e6;
    if (perMillion < 0 || perMillion > maximumPricePerMillion) {
      report.note(setting.path, 'not carried: outside the prices Signalbox accepts');
      continue;
    }
    price[field] = perMillion;
  }
  const facts: ModelFactsEntry = {};
  const contextWindow = tokenCount(take('max_input_tokens'), report);
  const maxOutput = tokenCount(take('max_output_tokens') ?? take('max_tokens'), report);
  if (contextWindow !== undefined) facts.context_window = contextWindow;
  if (maxOutput !== undefined) facts.max_output_tokens = maxOutput;
  for (const [litellmField, field] of flagFields) {
    const setting = take(litellmField);
    const flag = booleanOf(setting?.value);
    if (flag !== undefined) {
      facts[field] = flag;
    } else if (setting !== undefined) {
      report.note(setting.path, 'not carried: expected true or false');
    }
  }
  if (Object.keys(price).length > 0) {
    facts.price = price;
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

function tokenCount(
  setting: { value: unknown; path: readonly (string | number)[] } | undefined,
  report: ConversionReport,
): number | undefined {
  const value = takeNumber(setting, report);
  if (value === undefined || setting === undefined) {
    return undefined;
  }
  if (!Number.isInteger(value) || value <= 0 || value > maximumTokens) {
    report.note(setting.path, 'not carried: expected a positive whole number of tokens');
    return undefined;
  }
  return value;
}
