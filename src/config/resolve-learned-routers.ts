import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  isMultiModelRouterArtifact,
  parseAnyRouterArtifact,
} from '../routing/learned/router-artifact.ts';
import type { ConfigProblem } from './config-problem.ts';
import { reasoningOf } from './resolve-model-groups.ts';
import { learnedModelOfTarget } from '../routing/learned/learned-target-names.ts';
import type { LearnedRouterConfig, ModelGroupConfig } from './gateway-config.ts';
import type { LearnedRouterEntry } from './learned-router-schema.ts';

/** The models an artifact chooses among, strong first for a strong/weak router. */
function artifactModels(artifact: LearnedRouterConfig['artifact']): readonly string[] | undefined {
  if (isMultiModelRouterArtifact(artifact)) return artifact.models;
  return artifact.models === undefined ? undefined : [artifact.models.strong, artifact.models.weak];
}

/** Settings that mean nothing for the artifact's kind. */
function misappliedSettings(
  entry: LearnedRouterEntry,
  artifact: LearnedRouterConfig['artifact'],
): string | undefined {
  if (isMultiModelRouterArtifact(artifact)) {
    return entry.strong_share !== undefined || entry.threshold !== undefined
      ? 'strong_share and threshold are for strong/weak routers; an N-model router takes tradeoff'
      : entry.reasoning !== undefined
        ? 'reasoning bands need a strong/weak router (its score is the difficulty)'
        : undefined;
  }
  return entry.tradeoff !== undefined
    ? 'tradeoff is for N-model routers; a strong/weak router takes strong_share or threshold'
    : undefined;
}

/**
 * Reads and checks every router artifact named by `routers:`. A router whose file is missing,
 * malformed or names no models becomes a problem with its path; nothing half-loaded is kept.
 * The version is the SHA-256 of the file's bytes, so a retrained router is told apart in traces.
 */
export function resolveLearnedRouters(
  entries: readonly LearnedRouterEntry[],
  baseDirectory: string,
  problems: ConfigProblem[],
): LearnedRouterConfig[] {
  const routers: LearnedRouterConfig[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const path = `routers[${index}]`;
    if (seen.has(entry.name)) {
      problems.push({ path: `${path}.name`, message: `"${entry.name}" is defined more than once` });
      return;
    }
    seen.add(entry.name);
    const artifactPath = resolve(baseDirectory, entry.artifact);
    let text: string;
    try {
      text = readFileSync(artifactPath, 'utf8');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      problems.push({ path: `${path}.artifact`, message: `cannot be read (${reason})` });
      return;
    }
    const parsed = parseAnyRouterArtifact(text);
    if (!parsed.ok) {
      problems.push({ path: `${path}.artifact`, message: parsed.message });
      return;
    }
    const misapplied = misappliedSettings(entry, parsed.artifact);
    if (misapplied !== undefined) {
      problems.push({ path, message: misapplied });
      return;
    }
    const models = artifactModels(parsed.artifact);
    if (models === undefined) {
      problems.push({
        path: `${path}.artifact`,
        message: 'names no models; train it again with `signalbox route train`',
      });
      return;
    }
    const mapped = new Map(Object.entries(entry.models ?? {}));
    for (const name of mapped.keys()) {
      if (!models.includes(name)) {
        problems.push({
          path: `${path}.models.${name}`,
          message: `is not a model of the artifact (${models.join(', ')})`,
        });
      }
    }
    routers.push({
      name: entry.name,
      artifactPath,
      artifact: parsed.artifact,
      version: createHash('sha256').update(text).digest('hex').slice(0, 16),
      models,
      strongShare: entry.strong_share,
      threshold: entry.threshold,
      tradeoff: entry.tradeoff,
      modelNames: mapped,
      encoder:
        entry.encoder === undefined
          ? undefined
          : entry.encoder.type === 'embeddings'
            ? { type: 'embeddings', model: entry.encoder.model }
            : {
                type: 'onnx',
                directory: resolve(baseDirectory, entry.encoder.directory),
                maxTokens: entry.encoder.max_tokens,
              },
      reasoningBands: (entry.reasoning ?? [])
        .map((band) => ({
          minDifficulty: band.min_difficulty ?? 0,
          settings: reasoningOf(band) ?? {},
        }))
        .sort((left, right) => left.minDifficulty - right.minDifficulty),
    });
  });
  return routers;
}

/**
 * Every `strategy: learned` group must have targets standing for at least two of its router's
 * models (by deployment id, provider model name, `<provider>/<model>` or nested alias, or the
 * names `models:` maps them to); otherwise the router would have nothing to choose between.
 */
export function checkLearnedGroupTargets(
  groups: readonly ModelGroupConfig[],
  routers: readonly LearnedRouterConfig[],
  problems: ConfigProblem[],
): void {
  const byName = new Map(routers.map((router) => [router.name, router]));
  for (const group of groups) {
    const router = group.router === undefined ? undefined : byName.get(group.router);
    if (group.strategy !== 'learned' || router === undefined) continue;
    const matched = new Set<string>();
    for (const target of group.targets) {
      const names =
        target.kind === 'group'
          ? [target.alias]
          : [target.id, target.model, `${target.provider}/${target.model}`];
      const model = learnedModelOfTarget(router, names);
      if (model !== undefined) matched.add(model);
    }
    if (matched.size < 2) {
      problems.push({
        path: `models.${group.alias}.targets`,
        message: `must stand for at least two of router ${router.name}'s models (${router.models.join(', ')}): name targets after them (id or alias) or map them in routers[].models`,
      });
    }
  }
}
