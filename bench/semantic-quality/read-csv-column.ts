// The CSV reader now lives with the routing evaluator, which reads the same data files; this
// module keeps the benchmark's import path.
export { readCsvColumn } from '../../src/routing/evaluation/datasets/parse-csv.ts';
