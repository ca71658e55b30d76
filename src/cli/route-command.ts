import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  lexicalEncoderForId,
  routingLexicalEncoder,
} from '../pipeline/cache/semantic/lexical-encoder-for-id.ts';
import { evaluatePairRouter } from '../routing/evaluation/evaluate-pair-router.ts';
import { thresholdForShare } from '../routing/learned/calibration.ts';
import { serialiseMultiModelRouterArtifact } from '../routing/learned/multi-model-router-artifact.ts';
import {
  isMultiModelRouterArtifact,
  parseAnyRouterArtifact,
  routerFromArtifact,
  serialiseRouterArtifact,
  type AnyRouterArtifact,
  type RouterArtifact,
} from '../routing/learned/router-artifact.ts';
import type { TextVectoriser } from '../routing/learned/router.ts';
import { describePairCandidate, trainPairRouter } from '../routing/learned/train-pair-router.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import {
  evaluateMultiModel,
  scoreMultiModel,
  tradeoffFlag,
  trainMultiModel,
} from './route-multi-model.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import {
  precomputedEmbeddingsVectoriser,
  precomputedOnnxVectoriser,
  routeEncoderFlag,
  type EmbeddingsService,
} from './route-encoder.ts';
import { learnersFlag, multiModelCandidatesFor, pairCandidatesFor } from './route-learners.ts';
import {
  modelsIn,
  pairOutcomes,
  readRoutingExamples,
  readRoutingPrompts,
  RoutingDataError,
} from './routing-data-jsonl.ts';

export const routeUsage = `Usage: signalbox route train|score|eval [options]

Learned routers (strong/weak or N-model) on the routing JSONL format, one example per line:
  {"prompt": "...", "scores": {"<model>": 0..1, ...}, "costs"?: {...}, "group"?: "..."}
(scripts/convert-routing-data.ts writes it from the shared data sets). A bad line stops the
command with "FILE line N: ..."; only blank lines are passed over.

  signalbox route train --data FILE.jsonl --out ROUTER.json --strong M --weak M [--seed N]
      Picks logistic regression or matrix factorisation (kNN too with --learners) by k-fold
      cross-validated APGR, refits it on all examples, calibrates it and writes the artifact,
      with the chosen learner's held-out (out-of-fold) quality curve over strong-call shares.
  signalbox route train --data FILE.jsonl --out ROUTER.json [--seed N]
      Without --strong/--weak: an N-model router over every model in the data (each line
      needs every model's score and cost). Picks ridge regression or matrix factorisation (kNN
      too with --learners) by the cross-validated average quality of its cost-quality frontier (lambda sweep, from the
      cheapest model's cost to the best single model's) and stores the models' mean costs and a
      default lambda (the cheapest that kept the best single model's quality in CV), and the
      held-out quality-cost curve over lambda with each model's point and the oracle.
  signalbox route score --router ROUTER.json --input FILE.jsonl [--strong-share S | --tradeoff L]
      Strong/weak: prints {"score": p, "choice": "<model>"} per input line ("prompt" and "group"
      are read); the choice is the strong model when p >= the calibrated threshold that sends a
      share S (0..1, default 0.5) of training-like traffic to it, else the weak model.
      N-model: prints {"scores": {"<model>": q, ...}, "choice": "<model>"}, the choice being
      argmax q - L * cost / (dearest model's cost), L defaulting to the artifact's.
  signalbox route eval --router ROUTER.json --data FILE.jsonl [--strong M --weak M | --tradeoff L]
      Strong/weak: RouteLLM's metrics as JSON: APGR, CPT(20/50/80%) in percent strong calls,
      both models' quality (percent) and the operating points. N-model: quality vs mean cost
      per query over the lambda sweep, the best single model, the oracle, the cost saving at
      95% of the best single model's quality and the quality at its cost.

Options:
  --strong M, --weak M   the model pair (score and eval default to the artifact's pair)
  --seed N               seed of the folds and initial weights (default 1)
  --folds N              cross-validation folds (default 5)
  --use-groups           use the examples' "group" as a feature (off: gateway traffic has none)
  --learners L           learner families cross-validation may pick: linear (logistic or
                         ridge), knn, mf; comma-separated, default linear,mf. kNN artifacts
                         keep every training vector and score in time proportional to them,
                         too slow for the gateway's request path: ask for knn explicitly
  --encoder E            lexical (default: words and word pairs, built in), onnx:DIR (a local
                         sentence-encoder model: model.onnx and tokenizer.json) or
                         embeddings:MODEL (a model a running Signalbox serves, asked through
                         --gateway URL, default http://127.0.0.1:7878, with SIGNALBOX_API_KEY);
                         score and eval need the encoder the router was trained with
  --strong-share S       strong-call share for score's threshold (default 0.5)
  --tradeoff L           N-model cost weight, >= 0 (0: best predicted quality)`;

const options = {
  data: { type: 'string' },
  out: { type: 'string' },
  router: { type: 'string' },
  input: { type: 'string' },
  strong: { type: 'string' },
  weak: { type: 'string' },
  seed: { type: 'string' },
  folds: { type: 'string' },
  learners: { type: 'string' },
  encoder: { type: 'string' },
  gateway: { type: 'string' },
  'use-groups': { type: 'boolean' },
  'strong-share': { type: 'string' },
  tradeoff: { type: 'string' },
} as const;
type RouteValues = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

function required(value: string | undefined, flag: string, action: string): string {
  if (value === undefined) throw new UsageError(`route ${action} needs ${flag}`);
  return value;
}

function integerFlag(value: string | undefined, flag: string, fallback: number, min: number) {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new UsageError(`${flag} must be an integer of at least ${min}`);
  return number;
}

function train(values: RouteValues, io: CliIo, encoder: TextVectoriser): number {
  const data = required(values.data, '--data FILE.jsonl', 'train');
  const out = required(values.out, '--out ROUTER.json', 'train');
  const seed = integerFlag(values.seed, '--seed', 1, 0);
  const folds = integerFlag(values.folds, '--folds', 5, 2);
  const learners = learnersFlag(values.learners);
  if (values.strong === undefined && values.weak === undefined) {
    const { artifact, summary } = trainMultiModel(data, encoder, {
      seed,
      folds,
      useGroups: values['use-groups'] === true,
      candidates: multiModelCandidatesFor(learners),
    });
    writeFileSync(out, serialiseMultiModelRouterArtifact(artifact));
    io.out(JSON.stringify({ router: out, ...summary }));
    return 0;
  }
  if (values.strong === undefined || values.weak === undefined)
    throw new UsageError('route train needs both --strong M and --weak M, or neither (N-model)');
  if (values.strong === values.weak) throw new UsageError('--strong and --weak must differ');
  const examples = readRoutingExamples(data);
  const outcomes = pairOutcomes(examples, data, values.strong, values.weak);
  const trained = trainPairRouter(
    examples.map((example, i) => ({ ...example, ...(outcomes[i] ?? { strong: 0, weak: 0 }) })),
    encoder,
    {
      strongModel: values.strong,
      weakModel: values.weak,
      useGroups: values['use-groups'] === true,
      seed,
      folds,
      dataset: data,
      candidates: pairCandidatesFor(learners, values['use-groups'] === true),
    },
  );
  writeFileSync(out, serialiseRouterArtifact(trained.artifact));
  io.out(
    JSON.stringify({
      router: out,
      examples: examples.length,
      chosen: describePairCandidate(trained.chosen),
      crossValidatedApgr: trained.crossValidatedApgr,
      // The stored held-out curve's figures (shares 0..1): pooled out-of-fold, 21 cut points.
      validation:
        trained.validation === undefined
          ? null
          : {
              apgr: trained.validation.apgr,
              cpt50: trained.validation.cpt50,
              cpt80: trained.validation.cpt80,
              randomApgr: trained.validation.random.apgr,
            },
    }),
  );
  return 0;
}

function loadArtifact(path: string): AnyRouterArtifact {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new RoutingDataError(`cannot read ${path} (${reason})`);
  }
  const loaded = parseAnyRouterArtifact(text);
  if (!loaded.ok) throw new RoutingDataError(`${path}: ${loaded.message}`);
  return loaded.artifact;
}

/** The encoder an artifact was trained with: `prepared` (ONNX) when given, else its lexical one. */
function encoderFor(
  artifact: AnyRouterArtifact,
  prepared: TextVectoriser | undefined,
): TextVectoriser {
  const encoder = prepared ?? lexicalEncoderForId(artifact.encoderId);
  if (encoder?.id === artifact.encoderId) return encoder;
  const found = encoder === undefined ? 'which this build does not have' : `not ${encoder.id}`;
  throw new RoutingDataError(
    `the router was trained with encoder ${artifact.encoderId}, ${found}: pass the --encoder it was trained with, or train it again`,
  );
}

/** The pair from the flags, else the one `route train` recorded in the artifact. */
function modelPair(
  values: RouteValues,
  artifact: RouterArtifact,
): { strong: string; weak: string } {
  const fromModel = artifact.model.type === 'mf' ? artifact.model : undefined;
  const strong = values.strong ?? artifact.models?.strong ?? fromModel?.strongModel;
  const weak = values.weak ?? artifact.models?.weak ?? fromModel?.weakModel;
  if (strong === undefined || weak === undefined)
    throw new UsageError('the router does not name its models: pass --strong M --weak M');
  return { strong, weak };
}

function score(values: RouteValues, io: CliIo, prepared: TextVectoriser | undefined): number {
  const routerPath = required(values.router, '--router ROUTER.json', 'score');
  const input = required(values.input, '--input FILE.jsonl', 'score');
  const share = Number(values['strong-share'] ?? '0.5');
  if (!Number.isFinite(share) || share < 0 || share > 1)
    throw new UsageError('--strong-share must be a number from 0 to 1');
  const artifact = loadArtifact(routerPath);
  if (isMultiModelRouterArtifact(artifact)) {
    if (values['strong-share'] !== undefined)
      throw new UsageError('--strong-share is for strong/weak routers; use --tradeoff');
    const router = routerFromArtifact(artifact, encoderFor(artifact, prepared));
    scoreMultiModel(
      router,
      input,
      tradeoffFlag(values.tradeoff, artifact.defaultTradeoff),
      (line) => io.out(line),
    );
    return 0;
  }
  const router = routerFromArtifact(artifact, encoderFor(artifact, prepared));
  const pair = modelPair(values, artifact);
  const threshold = thresholdForShare(artifact.calibration, share);
  for (const prompt of readRoutingPrompts(input)) {
    const p = router.score(prompt);
    io.out(JSON.stringify({ score: p, choice: p >= threshold ? pair.strong : pair.weak }));
  }
  return 0;
}

function evaluate(values: RouteValues, io: CliIo, prepared: TextVectoriser | undefined): number {
  const routerPath = required(values.router, '--router ROUTER.json', 'eval');
  const data = required(values.data, '--data FILE.jsonl', 'eval');
  const artifact = loadArtifact(routerPath);
  if (isMultiModelRouterArtifact(artifact)) {
    const router = routerFromArtifact(artifact, encoderFor(artifact, prepared));
    const tradeoff = tradeoffFlag(values.tradeoff, artifact.defaultTradeoff);
    io.out(JSON.stringify(evaluateMultiModel(artifact, router, data, tradeoff)));
    return 0;
  }
  const router = routerFromArtifact(artifact, encoderFor(artifact, prepared));
  const pair = modelPair(values, artifact);
  const examples = readRoutingExamples(data);
  const outcomes = pairOutcomes(examples, data, pair.strong, pair.weak);
  const evaluation = evaluatePairRouter(
    examples.map((example) => router.score(example)),
    outcomes,
  );
  io.out(
    JSON.stringify({
      strongModel: pair.strong,
      weakModel: pair.weak,
      examples: examples.length,
      modelsInData: modelsIn(examples),
      apgr: evaluation.apgr,
      cpt20: evaluation.cpt20,
      cpt50: evaluation.cpt50,
      cpt80: evaluation.cpt80,
      strongQuality: evaluation.strongQuality,
      weakQuality: evaluation.weakQuality,
      points: evaluation.points,
    }),
  );
  return 0;
}

/** `--gateway URL` (default the local gateway) and `SIGNALBOX_API_KEY`, for embeddings. */
function embeddingsService(values: RouteValues): EmbeddingsService {
  const apiKey = readProcessEnvironment().SIGNALBOX_API_KEY;
  if (apiKey === undefined || apiKey === '') {
    throw new UsageError(
      '--encoder embeddings:MODEL needs SIGNALBOX_API_KEY (a key of the gateway)',
    );
  }
  return { url: values.gateway ?? 'http://127.0.0.1:7878', apiKey };
}

/** The prompts an action reads, for encoding them in advance with an asynchronous encoder. */
function promptsFor(action: string | undefined, values: RouteValues): string[] {
  if (action === 'score') {
    const input = required(values.input, '--input FILE.jsonl', 'score');
    return readRoutingPrompts(input).map((prompt) => prompt.prompt);
  }
  const data = required(values.data, '--data FILE.jsonl', action ?? 'train');
  return readRoutingExamples(data).map((example) => example.prompt);
}

function run(
  action: 'train' | 'score' | 'eval',
  values: RouteValues,
  io: CliIo,
  prepared: TextVectoriser | undefined,
): number {
  switch (action) {
    case 'train':
      return train(values, io, prepared ?? routingLexicalEncoder());
    case 'score':
      return score(values, io, prepared);
    case 'eval':
      return evaluate(values, io, prepared);
  }
}

/** `signalbox route train|score|eval`: learned strong/weak and N-model routers on routing JSONL data. */
export function routeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
  if (action !== 'train' && action !== 'score' && action !== 'eval') {
    throw new UsageError('route needs an action: train, score or eval');
  }
  const encoder = routeEncoderFlag(values.encoder);
  if (encoder.kind === 'lexical') return Promise.resolve(run(action, values, io, undefined));
  // ONNX and embeddings models encode asynchronously: every prompt the action reads goes first.
  const prompts = promptsFor(action, values);
  const prepared =
    encoder.kind === 'onnx'
      ? precomputedOnnxVectoriser(encoder.directory, prompts)
      : precomputedEmbeddingsVectoriser(embeddingsService(values), encoder.model, prompts);
  return prepared.then((vectoriser) => run(action, values, io, vectoriser));
}
