import { scanText } from './scan-text.ts';

/** The original-text slices of the findings of one class in `text`, for table tests. */
export function scanValues(text: string, dataClass: string): string[] {
  return scanText(text, { classes: [dataClass], timeBudgetMs: 5000 }).findings.map((finding) =>
    text.slice(finding.start, finding.end),
  );
}
