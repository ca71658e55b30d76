// Measures the PII detectors of src/pipeline/guardrails on the presidio-research synthetic set
// (../shared/data/pii/presidio-research-synth-v2) and on data/guardrails/pii-hard-negatives.jsonl,
// prints the table and rewrites it between the pii markers of docs/guardrails.md.
// Run: ./node_modules/.bin/node scripts/measure-pii-detectors.ts [--no-write]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isJsonObject, safeParseJson } from '../src/lib/json.ts';
import { builtInClassIds } from '../src/pipeline/guardrails/detector-registry.ts';
import type { Finding } from '../src/pipeline/guardrails/finding.ts';
import { scanText } from '../src/pipeline/guardrails/scan-text.ts';

export const tableBegin = '<!-- pii:begin -->';
export const tableEnd = '<!-- pii:end -->';

const root = new URL('../', import.meta.url);
const synthPath = new URL(
  '../shared/data/pii/presidio-research-synth-v2/synth_dataset_v2.json',
  root,
);
const negativesPath = new URL('data/guardrails/pii-hard-negatives.jsonl', root);
const docsPath = new URL('docs/guardrails.md', root);

/** Presidio entity → our data class. Entities not listed here are not detected (they need NER). */
const entityToClass: Readonly<Record<string, string>> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'payment_card',
  IBAN_CODE: 'iban',
  US_SSN: 'us_ssn',
  IP_ADDRESS: 'ip_address',
};
const structuredClasses = Object.values(entityToClass);

interface Span {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

interface Counts {
  gold: number;
  truePositives: number;
  falsePositives: number;
  exactTruePositives: number;
}

/** The overlap rule: same class, and the shared characters cover ≥ 50% of the longer span. */
function overlapMatches(gold: Span, found: Span): boolean {
  const shared = Math.min(gold.end, found.end) - Math.max(gold.start, found.start);
  return (
    gold.type === found.type &&
    shared >= 0.5 * Math.max(gold.end - gold.start, found.end - found.start)
  );
}

function countsFor(table: Map<string, Counts>, type: string): Counts {
  let counts = table.get(type);
  if (counts === undefined) {
    counts = { gold: 0, truePositives: 0, falsePositives: 0, exactTruePositives: 0 };
    table.set(type, counts);
  }
  return counts;
}

function score(gold: readonly Span[], found: readonly Finding[], table: Map<string, Counts>): void {
  const used = new Set<number>();
  for (const span of gold) countsFor(table, span.type).gold += 1;
  for (const finding of found) {
    const counts = countsFor(table, finding.type);
    const index = gold.findIndex((span, at) => !used.has(at) && overlapMatches(span, finding));
    const span = gold[index];
    if (span === undefined) {
      counts.falsePositives += 1;
      continue;
    }
    used.add(index);
    counts.truePositives += 1;
    if (span.start === finding.start && span.end === finding.end) counts.exactTruePositives += 1;
  }
}

function readSynth(): { text: string; spans: Span[] }[] {
  const parsed = safeParseJson(readFileSync(synthPath, 'utf8'));
  if (!parsed.ok || !Array.isArray(parsed.value))
    throw new Error('synth_dataset_v2.json is not a JSON array');
  return parsed.value.filter(isJsonObject).map((record) => ({
    text: String(record.full_text),
    spans: (Array.isArray(record.spans) ? record.spans : [])
      .filter(isJsonObject)
      .flatMap((span) => {
        const type = entityToClass[String(span.entity_type)];
        return type === undefined
          ? []
          : [{ type, start: Number(span.start_position), end: Number(span.end_position) }];
      }),
  }));
}

function readNegatives(): string[] {
  return readFileSync(negativesPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed = safeParseJson(line);
      if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error('bad hard-negative line');
      return String(parsed.value.text);
    });
}

const ratio = (top: number, bottom: number): number => (bottom === 0 ? 1 : top / bottom);
const f2 = (precision: number, recall: number): number =>
  precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
const fixed = (value: number): string => value.toFixed(3);

function row(type: string, counts: Counts, negativeFalsePositives: number): string {
  const precision = ratio(counts.truePositives, counts.truePositives + counts.falsePositives);
  const recall = ratio(counts.truePositives, counts.gold);
  const exactPrecision = ratio(
    counts.exactTruePositives,
    counts.truePositives + counts.falsePositives,
  );
  const exactRecall = ratio(counts.exactTruePositives, counts.gold);
  return `| \`${type}\` | ${counts.gold} | ${counts.truePositives} | ${counts.falsePositives} | ${counts.gold - counts.truePositives} | ${fixed(precision)} | ${fixed(recall)} | **${fixed(f2(precision, recall))}** | ${fixed(f2(exactPrecision, exactRecall))} | ${negativeFalsePositives} |`;
}

function measure(): string {
  const synthCounts = new Map<string, Counts>();
  const records = readSynth();
  let timedOut = 0;
  const started = performance.now();
  for (const record of records) {
    const result = scanText(record.text, { timeBudgetMs: 1000 });
    if (result.timedOut) timedOut += 1;
    score(record.spans, result.findings, synthCounts);
  }
  const elapsed = performance.now() - started;
  const negatives = readNegatives();
  const negativeCounts = new Map<string, number>();
  let negativeLines = 0;
  for (const text of negatives) {
    const { findings } = scanText(text, { timeBudgetMs: 1000 });
    if (findings.length > 0) negativeLines += 1;
    for (const finding of findings)
      negativeCounts.set(finding.type, (negativeCounts.get(finding.type) ?? 0) + 1);
  }
  const total: Counts = { gold: 0, truePositives: 0, falsePositives: 0, exactTruePositives: 0 };
  const lines = [
    notes,
    '',
    `Measured by \`./node_modules/.bin/node scripts/measure-pii-detectors.ts\` on ${records.length} records of presidio-research \`synth_dataset_v2.json\` and ${negatives.length} hard negatives (\`data/guardrails/pii-hard-negatives.jsonl\`). TP/FP/FN use the overlap rule; "F2 exact" counts only exact start/end matches as true positives. "Hard-neg FP" is the number of findings on the hard-negative lines (every one is a false positive).`,
    '',
    '| class | gold | TP | FP | FN | precision | recall | F2 (overlap ≥ 50%) | F2 exact | hard-neg FP |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const type of structuredClasses) {
    const counts = countsFor(synthCounts, type);
    total.gold += counts.gold;
    total.truePositives += counts.truePositives;
    total.falsePositives += counts.falsePositives;
    total.exactTruePositives += counts.exactTruePositives;
    lines.push(row(type, counts, negativeCounts.get(type) ?? 0));
  }
  const structuredNegatives = structuredClasses.reduce(
    (sum, type) => sum + (negativeCounts.get(type) ?? 0),
    0,
  );
  lines.push(row('all structured (micro)', total, structuredNegatives));
  for (const type of builtInClassIds.filter((id) => !structuredClasses.includes(id))) {
    lines.push(row(type, countsFor(synthCounts, type), negativeCounts.get(type) ?? 0));
  }
  lines.push(
    '',
    `Hard negatives: ${[...negativeCounts.values()].reduce((sum, count) => sum + count, 0)} false-positive findings on ${negativeLines} of ${negatives.length} lines. Scans that timed out: ${timedOut}. Scan time for the synthetic set: ${Math.round(elapsed)} ms.`,
  );
  return lines.join('\n');
}

/** What the generated section says besides the numbers; kept here so the section is one unit. */
const notes = `## PII and secret detectors

\`scanText(text, { classes, timeBudgetMs })\` in \`src/pipeline/guardrails/\` finds structured data
classes with pattern + validator detectors, one file per class, listed in
\`detector-registry.ts\`:

| class | how |
|---|---|
| \`email\` | local part \`@\` dotted labels with an alphabetic TLD (Unicode letters allowed) |
| \`phone\` | E.164/international, \`(area)\` forms, North American 3-3-4, trunk-0 national forms (9–11 digits) count alone; other digit groupings (7–15 digits) need a phone word before ("phone", "call", "number" …) or a label after ("office", "fax" …); date, time, version, SSN and IPv4 shapes never count |
| \`payment_card\` | 12–19 digits, one separator kind, Luhn, and an issuer prefix whose scheme issues that length (Visa, Mastercard incl. 2-series, Amex, Diners, Discover, JCB 3528–3589, UnionPay, Mir, Maestro, RuPay) |
| \`iban\` | country code from the SWIFT length table, that exact length, ISO 7064 mod-97; case-insensitive, grouped or compact |
| \`us_ssn\` | \`ddd-dd-dddd\` / \`ddd dd dddd\` alone; unseparated or dotted only after "SSN"/"social security"; never area 000, 666, 900–999, group 00, serial 0000 or 078-05-1120 |
| \`ip_address\` | IPv4 with octets 0–255 and no leading zeros (not after "version"/"build"); IPv6 per RFC 4291 incl. \`::\` and embedded IPv4 |
| \`secret\` (\`kind\`) | OpenAI \`sk-\`/\`sk-proj-\`, Anthropic \`sk-ant-\`, Google \`AIza\`, GitHub \`ghp_\`/\`gho_\`/\`github_pat_\`, Slack \`xox[baprs]-\`, Stripe \`sk_live_\`, AWS \`AKIA\`/\`ASIA\`, JWTs whose header decodes to JSON, PEM private key blocks (also when cut off before END) |

Numbers labelled just before as another identifier ("order", "IMEI", "invoice", "tracking",
"serial", "license" …) are not cards or phone numbers. Operator classes come from
\`compileOperatorClasses\`: regular expressions, and word lists matched case-insensitively as
whole words in one pass over the tokens (a Set lookup per token window).

**Normalisation.** Text is matched after NFKC (full-width digits, compatibility forms, composed
combining marks) with U+200B–U+200D, U+FEFF, U+2060 and U+00AD removed. Each normalised character
maps back to the original cluster it came from, so findings, and \`redact(text, findings, 'mask' |
'remove')\`, cover the original characters, zero-width ones included.

**Linear time.** Node's regular expressions backtrack, and RE2 would be a native dependency, so
built-in patterns are written to be unambiguous (every repetition consumes a fixed separator or
exactly one character, lengths are bounded) and anchored with look-behinds so a long run is read
once, not once per start position. Tests scan 1 MB of adversarial input per shape in well under a
second. Operator patterns are accepted only without backreferences, look-arounds, quantified
groups that contain a quantifier or alternation, or repeat counts above 1000. \`scanText\` also
takes a time budget; when it runs out, it returns what it found with \`timedOut: true\`, and the
caller decides (fail closed for redact/deny policies). Findings carry class and offsets, never
the matched value.

**Measurement.** Presidio entity → class: EMAIL_ADDRESS → \`email\`, PHONE_NUMBER → \`phone\`,
CREDIT_CARD → \`payment_card\`, IBAN_CODE → \`iban\`, US_SSN → \`us_ssn\`, IP_ADDRESS →
\`ip_address\`. Not detected (they need NER or are out of scope, so not scored): PERSON,
STREET_ADDRESS, GPE, ORGANIZATION, DATE_TIME, TITLE, AGE, NRP, ZIP_CODE, DOMAIN_NAME,
US_DRIVER_LICENSE; a finding on one of those spans counts as a false positive. Span rule: a
finding matches a gold span of the same class when their shared characters cover at least 50% of
the longer of the two; each gold span matches at most once. F2 weights recall (β = 2), as
Presidio's evaluation recommends. The synthetic set is templated and its values come from Faker;
the rules are generic format rules, not fitted to it. Known misses: Faker's JCB numbers outside
the assigned 3528–3589 range and a \`0604\` Maestro prefix, and phone numbers with no phone word
nearby ("not answering at 78 651 450"). The hard negatives were written by the same engineer as
the rules, so they show which shapes are handled, not an unbiased false-positive rate.`;

const intro = `# Guardrails

Signalbox's guardrails look at request and response text before it reaches a provider or a
client: data-class detectors (PII and secrets) find values to redact or deny, and an injection
scorer estimates how likely a text is to carry a prompt injection.
`;

function writeDocs(table: string): void {
  // Generated tables are not column-aligned, so Prettier leaves the section alone.
  const section = `${tableBegin}\n<!-- prettier-ignore-start -->\n\n${table}\n\n<!-- prettier-ignore-end -->\n${tableEnd}`;
  const current = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : intro;
  const begin = current.indexOf(tableBegin);
  const end = current.indexOf(tableEnd);
  const next =
    begin !== -1 && end > begin
      ? current.slice(0, begin) + section + current.slice(end + tableEnd.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(docsPath, next);
}

if (import.meta.main) {
  const table = measure();
  process.stdout.write(`${table}\n`);
  if (!process.argv.includes('--no-write')) writeDocs(table);
}
