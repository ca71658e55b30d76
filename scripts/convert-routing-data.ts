// Converts a shared routing data set to the generic routing JSONL format
// (src/routing/evaluation/routing-example.ts), one example per line:
//
//   ./node_modules/.bin/node scripts/convert-routing-data.ts --set mmlu|gsm8k|mt-bench|llmrouter \
//     --out FILE.jsonl [--data ../shared/data/routing]
//
// RouteLLM sets are decontaminated as RouteLLM's benchmarks do; MT-Bench examples carry the first
// turn as the prompt and the mean judge score of both turns / 10; LLMRouter costs are estimates
// (see read-llmrouter-examples.ts). Deterministic: the same data gives a byte-identical file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readLlmRouterExamples } from '../src/routing/evaluation/datasets/read-llmrouter-examples.ts';
import {
  readRouteLlmGsm8k,
  readRouteLlmMmlu,
} from '../src/routing/evaluation/datasets/read-routellm-mmlu-gsm8k.ts';
import { readRouteLlmMtBench } from '../src/routing/evaluation/datasets/read-routellm-mt-bench.ts';
import { routeLlmRowsToExamples } from '../src/routing/evaluation/datasets/routellm-to-examples.ts';
import type { RoutingExample } from '../src/routing/evaluation/routing-example.ts';

const defaultDataDirectory = fileURLToPath(new URL('../../shared/data/routing/', import.meta.url));

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string', default: defaultDataDirectory },
  },
});

function examplesFor(set: string | undefined, directory: string): RoutingExample[] {
  const routeLlm = join(directory, 'routellm-evals');
  switch (set) {
    case 'mmlu':
      return routeLlmRowsToExamples(readRouteLlmMmlu(routeLlm));
    case 'gsm8k':
      return routeLlmRowsToExamples(readRouteLlmGsm8k(routeLlm));
    case 'mt-bench':
      return routeLlmRowsToExamples(readRouteLlmMtBench(routeLlm), 10);
    case 'llmrouter':
      return readLlmRouterExamples(join(directory, 'llmrouter-9model'));
    default:
      throw new Error('--set must be one of mmlu, gsm8k, mt-bench, llmrouter');
  }
}

if (values.out === undefined) throw new Error('--out FILE.jsonl is required');
const examples = examplesFor(values.set, values.data);
writeFileSync(values.out, examples.map((example) => JSON.stringify(example) + '\n').join(''));
process.stdout.write(`${examples.length} examples written to ${values.out}\n`);
