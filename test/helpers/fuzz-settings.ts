import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Settings shared by the property (fuzz) tests (`*.property.test.ts`). CI runs each property with
 * a fixed seed and a modest number of runs, so a run is reproducible and fast; set
 * `SIGNALBOX_FUZZ_SEED` to explore other inputs and `SIGNALBOX_FUZZ_RUNS` to run longer locally
 * (it replaces every property's run count). A failure prints the seed and path to replay it.
 */
const defaultSeed = 20_261_122;

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The fast-check seed: `SIGNALBOX_FUZZ_SEED`, else a constant. */
export const fuzzSeed = positiveInteger(process.env.SIGNALBOX_FUZZ_SEED) ?? defaultSeed;

/** Parameters for `fc.assert`: the shared seed and `ciRuns` runs unless `SIGNALBOX_FUZZ_RUNS` says otherwise. */
export function fuzzParameters(ciRuns: number): { seed: number; numRuns: number } {
  return { seed: fuzzSeed, numRuns: positiveInteger(process.env.SIGNALBOX_FUZZ_RUNS) ?? ciRuns };
}

/** One stored input of a fuzz target's seed corpus. */
export interface CorpusEntry {
  readonly name: string;
  readonly text: string;
}

const corpusDirectory = fileURLToPath(new URL('../fuzz-corpus/', import.meta.url));

/**
 * The seed corpus of a target (`test/fuzz-corpus/<target>/*.txt|json`), sorted by file name: inputs
 * known to be interesting, and every counterexample a property ever found. Tests run them as fixed
 * examples before the random runs. Throws when the folder is missing, so a renamed folder fails loudly.
 */
export function readFuzzCorpus(target: string): CorpusEntry[] {
  const folder = `${corpusDirectory}${target}/`;
  return readdirSync(folder)
    .filter((name) => name.endsWith('.txt') || name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(folder + name, 'utf8') }));
}
