// Trains the prompt-injection classifier shipped in data/guardrails/injection-model.json.
//
//   ./node_modules/.bin/node scripts/train-injection-classifier.ts
//
// Deterministic: a fixed seed drives every shuffle and carrier choice, and full-batch gradient
// descent has no other randomness, so the same data always gives a byte-identical model file.
// Training data: deepset/prompt-injections train split, plus BIPIA train payloads embedded in
// benign carrier texts (emails, web pages, tool results, tables, forum answers) built from benign
// deepset rows, with the same carriers without payloads as negatives.
// scripts/measure-injection-detector.ts reuses the exported pieces for cross-validation.
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { safeParseJson, isJsonObject } from '../src/lib/json.ts';
import {
  hashedInjectionFeatures,
  type SparseFeatures,
} from '../src/pipeline/guardrails/injection/hashed-injection-features.ts';
import {
  defaultInjectionFeatureConfig,
  type InjectionFeatureConfig,
} from '../src/pipeline/guardrails/injection/injection-feature-config.ts';
import {
  injectionModelChecksum,
  injectionModelFormat,
  parseInjectionModel,
  type InjectionModel,
  type InjectionModelFile,
} from '../src/pipeline/guardrails/injection/injection-model.ts';
import { sigmoid } from '../src/pipeline/guardrails/injection/score-linear-model.ts';

export const trainingSeed = 20261122;
/** Payload-free carriers generated per injected carrier. */
export const cleanPerInjected = 3;
/** L2 strength of the objective `mean weighted log-loss + (l2 / 2) · ‖w‖²`; chosen a priori. */
export const l2Strength = 1e-4;
export const epochs = 300;
/** Largest number of weights kept in the file; the smallest by magnitude are pruned. */
const maxWeights = 60_000;
const modelVersion = 'injection-lr-2026-11-22.1';

const dataRoot = new URL('../../shared/data/injection/', import.meta.url);
export const deepsetPath = new URL('deepset-prompt-injections/train.jsonl', dataRoot);
const bipiaFiles = ['text_attack_train.json', 'code_attack_train.json'];
const modelPath = new URL('../data/guardrails/injection-model.json', import.meta.url);
const benignRequestsPath = new URL('../data/guardrails/benign-user-requests.txt', import.meta.url);

export interface LabelledText {
  readonly text: string;
  readonly label: 0 | 1;
  /** Examples are class-balanced within their group (deepset rows, carriers). */
  readonly group?: string;
}

export interface BipiaPayload {
  readonly category: string;
  readonly text: string;
}

/** A small seeded PRNG (mulberry32): deterministic across runs and platforms. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function readDeepset(): LabelledText[] {
  return readFileSync(deepsetPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const parsed = safeParseJson(line);
      if (!parsed.ok || !isJsonObject(parsed.value))
        throw new Error('deepset: a line is not a JSON object');
      const { text, label } = parsed.value;
      if (typeof text !== 'string' || (label !== 0 && label !== 1))
        throw new Error('deepset: bad row');
      return { text, label };
    });
}

/** Hand-written ordinary requests (negatives); see the header of the file for why. */
export function readBenignRequests(): LabelledText[] {
  return readFileSync(benignRequestsPath, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((text) => ({ text, label: 0 }));
}

export function readBipiaPayloads(): BipiaPayload[] {
  const payloads: BipiaPayload[] = [];
  for (const file of bipiaFiles) {
    const parsed = safeParseJson(readFileSync(new URL(`bipia-attacks/${file}`, dataRoot), 'utf8'));
    if (!parsed.ok || !isJsonObject(parsed.value))
      throw new Error(`bipia: ${file} is not a JSON object`);
    const prefix = file.startsWith('code') ? 'code' : 'text';
    for (const [category, list] of Object.entries(parsed.value)) {
      if (!Array.isArray(list)) throw new Error(`bipia: ${file} category is not a list`);
      for (const text of list) {
        if (typeof text === 'string') payloads.push({ category: `${prefix}: ${category}`, text });
      }
    }
  }
  return payloads;
}

const people = [
  'Anna Schmidt',
  'James Carter',
  'Priya Nair',
  'Lukas Weber',
  'Maria Lopez',
  'Tom Becker',
];
const subjects = [
  'Quick question',
  'Follow-up from Tuesday',
  'Re: planning',
  'Your request',
  'Weekly update',
  'Notes',
];
const sites = [
  'Travel Tips Weekly',
  'City Guide',
  'Home & Garden Forum',
  'Finance Basics',
  'Community Q&A',
];

/** Carrier formats: each wraps benign body sentences and an optional payload. */
const carrierFormats: readonly ((
  body: string[],
  payload: string | undefined,
  random: () => number,
) => string)[] = [
  (body, payload, random) => {
    const from = pick(people, random);
    const lines = [...body];
    if (payload !== undefined) lines.splice(Math.floor(random() * (lines.length + 1)), 0, payload);
    return `From: ${from} <${from.split(' ')[0]?.toLowerCase() ?? 'x'}@example.com>\nTo: me@example.org\nSubject: ${pick(subjects, random)}\n\nHi,\n\n${lines.join('\n\n')}\n\nBest regards,\n${from}`;
  },
  (body, payload, random) => {
    const paragraphs = body.map((line) => `<p>${line}</p>`);
    if (payload !== undefined)
      paragraphs.splice(Math.floor(random() * (paragraphs.length + 1)), 0, `<p>${payload}</p>`);
    const site = pick(sites, random);
    return `<html><head><title>${site}</title></head><body><nav>Home | Articles | Contact</nav><h1>${site}</h1>${paragraphs.join('')}<footer>© 2024 ${site}</footer></body></html>`;
  },
  (body, payload, random) => {
    const results = body.map((line, index) => ({
      rank: index + 1,
      title: pick(subjects, random),
      snippet: line,
    }));
    if (payload !== undefined) {
      const target = results[Math.floor(random() * results.length)];
      if (target !== undefined) target.snippet = `${target.snippet} ${payload}`;
    }
    return JSON.stringify({ tool: 'web_search', status: 'ok', results });
  },
  (body, payload, random) => {
    const rows = body.map((line, index) => `| ${index + 1} | ${pick(people, random)} | ${line} |`);
    if (payload !== undefined)
      rows.splice(
        Math.floor(random() * (rows.length + 1)),
        0,
        `| ${rows.length + 1} | ${pick(people, random)} | ${payload} |`,
      );
    return `| id | author | comment |\n|---|---|---|\n${rows.join('\n')}`;
  },
  (body, payload, random) => {
    const parts = [
      `Question: ${body[0] ?? ''}`,
      `Answer (${pick(people, random)}): ${body.slice(1).join(' ')}`,
    ];
    if (payload !== undefined) parts.push(payload);
    return `${parts.join('\n\n')}\n\nWas this answer helpful? Yes / No`;
  },
];

/**
 * A realistic carrier text (email, web page, tool result JSON, table, forum answer) around 2–3
 * benign sentences drawn from `benign`, with `payload` inserted when given. Deterministic for a
 * given `random` state.
 */
export function makeCarrier(
  benign: readonly string[],
  payload: string | undefined,
  random: () => number,
): string {
  const count = 2 + Math.floor(random() * 2);
  const body = Array.from({ length: count }, () => pick(benign, random));
  return pick(carrierFormats, random)(body, payload, random);
}

/**
 * Each payload in `carriersPerPayload` carriers (positives), plus `cleanPerInjected` payload-free
 * carriers for each of them: clean documents far outnumber poisoned ones in practice, and the
 * carrier formats must not read as evidence on their own.
 */
export function carrierExamples(
  payloads: readonly BipiaPayload[],
  benign: readonly string[],
  carriersPerPayload: number,
  random: () => number,
): LabelledText[] {
  const examples: LabelledText[] = [];
  for (const payload of payloads) {
    for (let copy = 0; copy < carriersPerPayload; copy += 1) {
      examples.push({
        text: makeCarrier(benign, payload.text, random),
        label: 1,
        group: 'carrier',
      });
      for (let clean = 0; clean < cleanPerInjected; clean += 1) {
        examples.push({ text: makeCarrier(benign, undefined, random), label: 0, group: 'carrier' });
      }
    }
  }
  return examples;
}

/**
 * L2-regularised logistic regression, full-batch gradient descent with Nesterov momentum. Class
 * weights are balanced within each group (each class carries half of its group's loss), so adding
 * many clean carriers does not shift the decision point for deepset-style user text. Deterministic.
 */
export function trainLogisticRegression(
  examples: readonly LabelledText[],
  config: InjectionFeatureConfig = defaultInjectionFeatureConfig,
): { bias: number; weights: Float64Array } {
  const vectors: SparseFeatures[] = examples.map((example) =>
    hashedInjectionFeatures(
      example.text,
      config,
      example.group === 'carrier' ? 'indirect' : 'user',
    ),
  );
  const groupCounts = new Map<string, number>();
  for (const example of examples) {
    for (const key of [example.group ?? '', `${example.group ?? ''}|${example.label}`]) {
      groupCounts.set(key, (groupCounts.get(key) ?? 0) + 1);
    }
  }
  const exampleWeight = (example: LabelledText) =>
    (groupCounts.get(example.group ?? '') ?? 1) /
    (2 * (groupCounts.get(`${example.group ?? ''}|${example.label}`) ?? 1));
  const size = 2 ** config.hashBits;
  const weights = new Float64Array(size);
  const velocity = new Float64Array(size);
  const gradient = new Float64Array(size);
  let bias = 0;
  let biasVelocity = 0;
  const learningRate = 2;
  const momentum = 0.9;
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    gradient.fill(0);
    let biasGradient = 0;
    // Nesterov: evaluate the gradient at the look-ahead point.
    const lookAhead = (index: number) => (weights[index] ?? 0) + momentum * (velocity[index] ?? 0);
    const lookAheadBias = bias + momentum * biasVelocity;
    examples.forEach((example, row) => {
      const vector = vectors[row];
      if (vector === undefined) return;
      const { indices, values } = vector;
      let margin = lookAheadBias;
      for (let position = 0; position < indices.length; position += 1) {
        margin += lookAhead(indices[position] ?? 0) * (values[position] ?? 0);
      }
      const error = ((sigmoid(margin) - example.label) * exampleWeight(example)) / examples.length;
      biasGradient += error;
      for (let position = 0; position < indices.length; position += 1) {
        const index = indices[position] ?? 0;
        gradient[index] = (gradient[index] ?? 0) + error * (values[position] ?? 0);
      }
    });
    for (let index = 0; index < size; index += 1) {
      const step = (gradient[index] ?? 0) + l2Strength * lookAhead(index);
      const next = momentum * (velocity[index] ?? 0) - learningRate * step;
      velocity[index] = next;
      weights[index] = (weights[index] ?? 0) + next;
    }
    biasVelocity = momentum * biasVelocity - learningRate * biasGradient;
    bias += biasVelocity;
  }
  return { bias, weights };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

/** The model file for trained weights: pruned to the largest `maxWeights`, rounded, checksummed. */
export function toModelFile(
  trained: { bias: number; weights: Float64Array },
  examples: number,
  config: InjectionFeatureConfig = defaultInjectionFeatureConfig,
): InjectionModelFile {
  const candidates: number[] = [];
  trained.weights.forEach((weight, index) => {
    if (round(weight) !== 0) candidates.push(index);
  });
  const kept = candidates
    .sort(
      (left, right) =>
        Math.abs(trained.weights[right] ?? 0) - Math.abs(trained.weights[left] ?? 0) ||
        left - right,
    )
    .slice(0, maxWeights)
    .sort((left, right) => left - right);
  const body = {
    version: modelVersion,
    features: config,
    bias: round(trained.bias),
    indices: kept,
    weights: kept.map((index) => round(trained.weights[index] ?? 0)),
  };
  return {
    format: injectionModelFormat,
    version: body.version,
    kind: 'logistic-regression',
    features: body.features,
    training: {
      description:
        'L2-regularised logistic regression (full-batch Nesterov gradient descent; class weights balanced within each group: user texts, carriers) over hashed character 3-5-grams and word 1-2-grams, each hashed into a shared and a per-domain (user / indirect) bucket. Positives: deepset injections and BIPIA train payloads embedded in generated benign carriers; negatives: deepset benign rows, hand-written ordinary requests and carriers without payloads.',
      data: [
        'deepset/prompt-injections train split (546 rows, Apache-2.0) via shared/data/injection/deepset-prompt-injections/train.jsonl',
        'data/guardrails/benign-user-requests.txt (hand-written ordinary requests, negatives)',
        'microsoft/BIPIA text_attack_train.json and code_attack_train.json (125 payloads, MIT), each in 2 generated carriers, with 3 clean carriers per injected one',
      ],
      examples,
      seed: trainingSeed,
      l2: l2Strength,
      epochs,
    },
    bias: body.bias,
    indices: body.indices,
    weights: body.weights,
    checksum: injectionModelChecksum(body),
  };
}

/** The full training set of the shipped model: deepset train plus BIPIA payloads in carriers. */
export function shippedTrainingSet(
  payloads: readonly BipiaPayload[] = readBipiaPayloads(),
): LabelledText[] {
  const deepset = readDeepset();
  const benign = deepset.filter((row) => row.label === 0).map((row) => row.text);
  const random = seededRandom(trainingSeed);
  return [...deepset, ...readBenignRequests(), ...carrierExamples(payloads, benign, 2, random)];
}

/** Trains on `examples` and returns a validated, ready-to-score model (for cross-validation). */
export function trainModel(examples: readonly LabelledText[]): InjectionModel {
  return parseInjectionModel(toModelFile(trainLogisticRegression(examples), examples.length));
}

if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')
) {
  const examples = shippedTrainingSet();
  const file = toModelFile(trainLogisticRegression(examples), examples.length);
  parseInjectionModel(file);
  // Written as prettier formats it, so `npm run format:check` stays green after retraining.
  const text = await format(JSON.stringify(file), {
    ...(await resolveConfig(modelPath)),
    parser: 'json',
  });
  writeFileSync(modelPath, text);
  process.stdout.write(
    `wrote data/guardrails/injection-model.json: ${file.indices.length} weights, ${(text.length / 1024).toFixed(0)} KiB, ${examples.length} examples\n`,
  );
}
