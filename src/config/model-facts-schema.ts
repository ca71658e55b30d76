import { z } from 'zod';
import type { ModelFacts, ModelFactsLayer } from '../providers/model-facts.ts';

const perMillion = z.number().min(0).max(100_000);
const tokens = z.int().positive().max(100_000_000);

const priceSchema = z
  .strictObject({
    input: perMillion.optional().describe('USD per 1M input tokens.'),
    output: perMillion.optional().describe('USD per 1M output tokens.'),
    cache_read: perMillion
      .optional()
      .describe('USD per 1M input tokens read from the prompt cache.'),
    cache_write: perMillion
      .optional()
      .describe('USD per 1M input tokens written to the prompt cache.'),
    reasoning: perMillion
      .optional()
      .describe('USD per 1M reasoning tokens (default: the output price).'),
  })
  .describe('List prices in US dollars per million tokens.');

export const modelFactsEntrySchema = z
  .strictObject({
    context_window: tokens.optional().describe('Tokens of input and output the model can hold.'),
    max_output_tokens: tokens.optional().describe('Most tokens one answer may have.'),
    tools: z.boolean().optional().describe('Calls client tools (function calling).'),
    vision: z.boolean().optional().describe('Takes images as input.'),
    json_schema: z.boolean().optional().describe('Follows a JSON schema for structured output.'),
    reasoning: z.boolean().optional().describe('Takes reasoning (thinking) settings.'),
    price: priceSchema.optional(),
  })
  .describe('Facts about one model; unset fields keep the built-in value.');

export type ModelFactsEntry = z.infer<typeof modelFactsEntrySchema>;

/** Model facts by model name. */
export const modelFactsMapSchema = z.record(z.string().min(1).max(256), modelFactsEntrySchema);

/** The format of data/model-facts.json and of an operator's model_facts_file. */
export const modelFactsFileSchema = z.strictObject({
  description: z.string().optional(),
  providers: z
    .record(z.string().min(1).max(64), modelFactsMapSchema)
    .describe('By provider type (applies to every provider of the type) or provider id.'),
});

export type ModelFactsFile = z.infer<typeof modelFactsFileSchema>;

/** One file entry in the gateway's own terms. */
export function toModelFacts(entry: ModelFactsEntry): ModelFacts {
  const price = entry.price;
  return {
    contextWindow: entry.context_window,
    maxOutputTokens: entry.max_output_tokens,
    tools: entry.tools,
    vision: entry.vision,
    jsonSchema: entry.json_schema,
    reasoning: entry.reasoning,
    price:
      price === undefined
        ? undefined
        : {
            input: price.input,
            output: price.output,
            cacheRead: price.cache_read,
            cacheWrite: price.cache_write,
            reasoning: price.reasoning,
          },
  };
}

/** A name-to-entry map as a layer of model facts. */
export function toModelFactsLayer(
  entries: Readonly<Record<string, ModelFactsEntry>>,
): ModelFactsLayer {
  return Object.fromEntries(
    Object.entries(entries).map(([model, entry]) => [model, toModelFacts(entry)]),
  );
}
