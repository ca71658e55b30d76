/** RouteLLM's routed pair (routellm/model_pair.py), spelled as the data files' columns. */
export const routeLlmStrongModel = 'gpt-4-1106-preview';
export const routeLlmWeakModel = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

/**
 * One decontaminated RouteLLM evaluation prompt with both models' outcomes in RouteLLM's units:
 * 1/0 correctness on MMLU and GSM8K, the mean judge score of both turns (1..10) on MT-Bench.
 */
export interface RouteLlmPairRow {
  /** The text a router sees: the prompt, or the first turn on MT-Bench. */
  readonly prompt: string;
  /** MMLU subject, `GSM8K`, or the MT-Bench category. */
  readonly group: string;
  readonly strong: number;
  readonly weak: number;
}
