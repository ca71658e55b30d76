// Renders a saved benchmark report (bench/results/*.json) as the tables `npm run bench` writes,
// without running anything: to read an old run, or to see a change of the report's wording.
//
// Run: node bench/render-report.ts [bench/results/latest.json]
import { readFileSync } from 'node:fs';
import { renderReport, type BenchReport } from './bench-report.ts';
import { safeParseJson } from '../src/lib/json.ts';

const file = process.argv[2] ?? 'bench/results/latest.json';
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (error) {
  console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const parsed = safeParseJson(text);
if (!parsed.ok) {
  console.error(`${file} is not JSON: ${parsed.message}`);
  process.exit(1);
}
console.log(renderReport(parsed.value as BenchReport));
