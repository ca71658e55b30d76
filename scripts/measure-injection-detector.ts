// Measures the prompt-injection detector and writes the results table into docs/guardrails.md
// between `<!-- injection:begin -->` and `<!-- injection:end -->` (nothing else in the file changes).
//
//   ./node_modules/.bin/node scripts/measure-injection-detector.ts
//
// 1. deepset train split: stratified 5-fold cross-validation (seed fixed). Each fold trains a fresh
//    model with the shipped recipe on the other four folds (plus all BIPIA carriers) and scores
//    the held-out fold as `user` content. English and non-English are reported separately.
// 2. BIPIA payloads in benign carriers: the 25 payload categories are split into 5 folds, so a
//    payload family is never in both training and test. Held-out payloads are scored inside new
//    carriers as `tool` content; the same carriers without payloads give the false-positive rate.
// 3. Score time of the shipped model, per text (p50/p99).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  createInjectionDetector,
  defaultInjectionThresholds,
  type InjectionDetector,
} from '../src/pipeline/guardrails/injection/detect-injection.ts';
import type { InjectionSource } from '../src/pipeline/guardrails/injection/injection-rules.ts';
import { loadInjectionModel } from '../src/pipeline/guardrails/injection/load-injection-model.ts';
import {
  carrierExamples,
  makeCarrier,
  readBenignRequests,
  readBipiaPayloads,
  readDeepset,
  seededRandom,
  shuffled,
  trainModel,
  trainingSeed,
  type BipiaPayload,
  type LabelledText,
} from './train-injection-classifier.ts';

const folds = 5;
const docsPath = new URL('../docs/guardrails.md', import.meta.url);
export const begin = '<!-- injection:begin -->';
export const end = '<!-- injection:end -->';

const englishWords = new Set(
  'the a an and or is are was be to of in on for with you your i my me what how why which can do does not this that it'.split(
    ' ',
  ),
);
const otherWords = new Set(
  'der die das und ist sind ich du sie wie was warum welche nicht ein eine mit für auf den dem des zu von sich auch es bitte wir ihr le la les et est une des pour avec vous je el los las y es una para con por que'.split(
    ' ',
  ),
);

/**
 * Language heuristic (the dataset has no language field): count common function words; a text is
 * non-English when it has more German/French/Spanish function words than English ones, or when it
 * contains ä, ö, ü or ß and no more English than other function words.
 */
export function isEnglish(text: string): boolean {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let english = 0;
  let other = 0;
  for (const word of words) {
    if (englishWords.has(word)) english += 1;
    if (otherWords.has(word)) other += 1;
  }
  if (other > english) return false;
  return !(/[äöüß]/u.test(text.toLowerCase()) && english <= other);
}

interface Counts {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

const empty = (): Counts => ({
  truePositive: 0,
  falsePositive: 0,
  falseNegative: 0,
  trueNegative: 0,
});

function add(counts: Counts, label: 0 | 1, flagged: boolean): void {
  if (label === 1) counts[flagged ? 'truePositive' : 'falseNegative'] += 1;
  else counts[flagged ? 'falsePositive' : 'trueNegative'] += 1;
}

function figures(counts: Counts): { precision: number; recall: number; f1: number; n: number } {
  const precision = counts.truePositive / Math.max(1, counts.truePositive + counts.falsePositive);
  const recall = counts.truePositive / Math.max(1, counts.truePositive + counts.falseNegative);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const n = counts.truePositive + counts.falsePositive + counts.falseNegative + counts.trueNegative;
  return { precision, recall, f1, n };
}

const fixed = (value: number) => value.toFixed(3);

function stratifiedFolds(rows: readonly LabelledText[]): number[] {
  const random = seededRandom(trainingSeed + 1);
  const assignment = new Array<number>(rows.length).fill(0);
  for (const label of [0, 1] as const) {
    const members = shuffled(
      rows.flatMap((row, index) => (row.label === label ? [index] : [])),
      random,
    );
    members.forEach((index, position) => (assignment[index] = position % folds));
  }
  return assignment;
}

type Variant = 'combined' | 'classifier only' | 'rules only';

function flaggedBy(
  detector: InjectionDetector,
  text: string,
  source: InjectionSource,
  variant: Variant,
): boolean {
  const result = detector.detect(text, { source });
  const threshold = defaultInjectionThresholds[source];
  if (variant === 'classifier only') return result.classifierProbability >= threshold;
  if (variant === 'rules only') return result.ruleHits.length > 0;
  return result.flagged;
}

function measureDeepset(rows: LabelledText[], payloads: BipiaPayload[]): string[] {
  const assignment = stratifiedFolds(rows);
  const benign = rows.filter((row) => row.label === 0).map((row) => row.text);
  const variants: Variant[] = ['combined', 'classifier only', 'rules only'];
  const table = new Map<string, Counts>();
  for (let fold = 0; fold < folds; fold += 1) {
    const trainRows = rows.filter((_, index) => assignment[index] !== fold);
    // Carriers use benign bodies from the training folds only.
    const trainBenign = trainRows.filter((row) => row.label === 0).map((row) => row.text);
    const carriers = carrierExamples(
      payloads,
      trainBenign.length > 0 ? trainBenign : benign,
      2,
      seededRandom(trainingSeed),
    );
    const detector = createInjectionDetector(
      trainModel([...trainRows, ...readBenignRequests(), ...carriers]),
    );
    rows.forEach((row, index) => {
      if (assignment[index] !== fold) return;
      const language = isEnglish(row.text) ? 'English' : 'non-English';
      for (const variant of variants) {
        const flagged = flaggedBy(detector, row.text, 'user', variant);
        for (const key of [`${variant}|all`, `${variant}|${language}`]) {
          const counts = table.get(key) ?? empty();
          add(counts, row.label, flagged);
          table.set(key, counts);
        }
      }
    });
  }
  const lines = [
    '| detector | subset | rows | precision | recall | F1 |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const variant of variants) {
    for (const subset of ['all', 'English', 'non-English']) {
      const result = figures(table.get(`${variant}|${subset}`) ?? empty());
      lines.push(
        `| ${variant} | ${subset} | ${result.n} | ${fixed(result.precision)} | ${fixed(result.recall)} | ${fixed(result.f1)} |`,
      );
    }
  }
  return lines;
}

function measureBipia(rows: LabelledText[], payloads: BipiaPayload[]): string[] {
  const categories = shuffled(
    [...new Set(payloads.map((payload) => payload.category))],
    seededRandom(trainingSeed + 2),
  );
  const benign = rows.filter((row) => row.label === 0).map((row) => row.text);
  const perCategory = new Map<string, { detected: number; total: number }>();
  const negatives = { flagged: 0, total: 0 };
  const negativesUser = { flagged: 0, total: 0 };
  let detectedUserThreshold = 0;
  let positives = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const heldOut = new Set(categories.filter((_, index) => index % folds === fold));
    const trainPayloads = payloads.filter((payload) => !heldOut.has(payload.category));
    const detector = createInjectionDetector(
      trainModel([
        ...rows,
        ...readBenignRequests(),
        ...carrierExamples(trainPayloads, benign, 2, seededRandom(trainingSeed)),
      ]),
    );
    const random = seededRandom(trainingSeed + 100 + fold);
    for (const payload of payloads.filter((candidate) => heldOut.has(candidate.category))) {
      for (let copy = 0; copy < 4; copy += 1) {
        const result = detector.detect(makeCarrier(benign, payload.text, random), {
          source: 'tool',
        });
        const entry = perCategory.get(payload.category) ?? { detected: 0, total: 0 };
        entry.total += 1;
        positives += 1;
        if (result.flagged) entry.detected += 1;
        if (result.score >= defaultInjectionThresholds.user) detectedUserThreshold += 1;
        perCategory.set(payload.category, entry);
        const clean = detector.detect(makeCarrier(benign, undefined, random), { source: 'tool' });
        negatives.total += 1;
        negativesUser.total += 1;
        if (clean.flagged) negatives.flagged += 1;
        if (clean.score >= defaultInjectionThresholds.user) negativesUser.flagged += 1;
      }
    }
  }
  const detected = [...perCategory.values()].reduce((sum, entry) => sum + entry.detected, 0);
  const lines = [
    `Held-out payloads in carriers, scored as \`tool\` content (threshold ${defaultInjectionThresholds.tool}): detection ${fixed(detected / positives)} (${detected}/${positives}); false positives on the same carriers without payloads ${fixed(negatives.flagged / negatives.total)} (${negatives.flagged}/${negatives.total}). At the user threshold ${defaultInjectionThresholds.user}: detection ${fixed(detectedUserThreshold / positives)}, false positives ${fixed(negativesUser.flagged / negativesUser.total)}.`,
    '',
    '| BIPIA category | detected | rate |',
    '|---|---:|---:|',
  ];
  for (const [category, entry] of [...perCategory.entries()].sort(([left], [right]) =>
    left.localeCompare(right),
  )) {
    lines.push(
      `| ${category} | ${entry.detected}/${entry.total} | ${fixed(entry.detected / entry.total)} |`,
    );
  }
  return lines;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

function measureTiming(rows: LabelledText[]): string[] {
  const detector = createInjectionDetector(loadInjectionModel());
  const texts = rows.map((row) => row.text);
  const long = makeCarrier(texts, undefined, seededRandom(7)).repeat(8).slice(0, 2048);
  for (const text of texts) detector.detect(text, { source: 'user' });
  const time = (text: string) => {
    const start = performance.now();
    detector.detect(text, { source: 'user' });
    return performance.now() - start;
  };
  const perText = texts.map(time).sort((left, right) => left - right);
  const perLong = Array.from({ length: 500 }, () => time(long)).sort((left, right) => left - right);
  return [
    `Score time per text (shipped model, classifier + rules, one core of the shared 2-core machine): deepset rows p50 ${fixed(percentile(perText, 0.5))} ms, p99 ${fixed(percentile(perText, 0.99))} ms; a 2 KB carrier text p50 ${fixed(percentile(perLong, 0.5))} ms, p99 ${fixed(percentile(perLong, 0.99))} ms.`,
  ];
}

/**
 * `markdown` with the injection section replaced (or appended with its markers when absent).
 * Only the text between the injection markers changes; other sections (PII) are left alone.
 */
export function withInjectionSection(markdown: string, section: string): string {
  const start = markdown.indexOf(begin);
  const stop = markdown.indexOf(end);
  if (start === -1 || stop === -1 || stop < start)
    return `${markdown.trimEnd()}\n\n${begin}\n${section}\n${end}\n`;
  return `${markdown.slice(0, start + begin.length)}\n${section}\n${markdown.slice(stop)}`;
}

/** The fixed explanation at the top of the section: what the detector does and how to rerun it. */
const howItWorks = [
  '## Prompt injection',
  '',
  'Generated by `./node_modules/.bin/node scripts/measure-injection-detector.ts`; do not edit by hand.',
  '',
  '`src/pipeline/guardrails/injection/` exports `scoreInjection(text)` (a score in [0, 1] for a user turn) and `detectInjection(text, { source })` with `source` `user`, `tool` or `retrieved`, returning `{ score, ruleHits, classifierProbability, threshold, flagged, modelVersion }`. Results and errors never contain the scored text.',
  '',
  '- **Normalisation**: NFKC (full-width letters, ligatures), lowercase, zero-width and bidirectional control characters removed, whitespace collapsed.',
  '- **Features**: character 3–5-grams and word 1–2-grams, hashed with FNV-1a (32-bit, over UTF-16 code units) into 2^18 buckets, `log(1 + count)`, unit length. Every n-gram also goes into a bucket private to its domain (`user`, or `indirect` for tool/retrieved content), so the model can learn that an instruction is harmless from a user and suspicious inside an email (feature augmentation for domain adaptation). No language-specific tokeniser: German and French work the same way.',
  '- **Classifier**: L2-regularised logistic regression shipped as `data/guardrails/injection-model.json` (sparse weights, bias, feature config, version, training data, SHA-256 checksum; a file that fails validation or the checksum is refused with `InjectionModelError`). Trained by `./node_modules/.bin/node scripts/train-injection-classifier.ts` (fixed seed, deterministic: rerunning gives a byte-identical file) on the deepset train split, hand-written ordinary requests (`data/guardrails/benign-user-requests.txt`, negatives) and BIPIA train payloads inside generated carriers (emails, web pages, tool JSON, tables, forum answers) with three clean carriers per injected one.',
  '- **Rules** (high precision, English/German/French/Spanish where the data has them): `ignore-previous-instructions` (0.9), `reveal-system-prompt` (0.85), `role-play-jailbreak` (0.8), `new-instructions` (0.85), `exfiltration-link` (markdown/HTML links or images carrying data in the URL, 0.9), `tool-call-hijack` (0.8), and for tool/retrieved content only `directive-to-assistant-output` (0.6).',
  '- **Combination**: noisy-OR, `score = 1 − (1 − p) · Π(1 − confidence)` over the rules that hit; with no hit the score is the classifier probability `p`, a rule can only raise it, and every rule that applies to user turns flags one on its own.',
  `- **Thresholds** (defaults, overridable per call): user ${defaultInjectionThresholds.user}; tool ${defaultInjectionThresholds.tool}; retrieved ${defaultInjectionThresholds.retrieved}. Tool and retrieved content should carry no instructions at all and a miss there is invisible to the user, so they are flagged earlier. The score is evidence for policy, not a verdict on its own.`,
  '',
];

if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')
) {
  const rows = readDeepset();
  const payloads = readBipiaPayloads();
  const english = rows.filter((row) => isEnglish(row.text)).length;
  const section = [
    // The PII section does the same: generated tables are kept out of prettier's reflow.
    '<!-- prettier-ignore-start -->',
    '',
    ...howItWorks,
    '### Measurements',
    '',
    `Model \`${loadInjectionModel().version}\`. deepset/prompt-injections train split, stratified ${folds}-fold cross-validation (seed ${trainingSeed + 1}), scored as \`user\` content at threshold ${defaultInjectionThresholds.user}. Each fold's model is trained with the shipped recipe on the other folds (plus the hand-written benign requests and all BIPIA carriers, whose bodies come from the training folds). Language by a function-word heuristic (the dataset has no language field): ${english} English, ${rows.length - english} non-English rows.`,
    '',
    ...measureDeepset(rows, payloads),
    '',
    `BIPIA train payloads (${payloads.length}, ${new Set(payloads.map((payload) => payload.category)).size} categories), ${folds} folds by category, each held-out payload in 4 new carriers (email, web page, tool JSON, table, forum answer). The rules were written with the BIPIA train payloads in view, so the rule part of these figures is optimistic; the held-out BIPIA test split is the independent check.`,
    '',
    ...measureBipia(rows, payloads),
    '',
    ...measureTiming(rows),
    '',
    '<!-- prettier-ignore-end -->',
  ].join('\n');
  const existing = existsSync(docsPath)
    ? readFileSync(docsPath, 'utf8')
    : '# Guardrails\n\nHow Signalbox detects prompt injection and personal data, and how well it does.\n';
  writeFileSync(docsPath, withInjectionSection(existing, section));
  process.stdout.write(`${section}\n`);
}
