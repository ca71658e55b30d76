import type { GroupTargetEntry, ModelGroupEntry } from '../../config/model-group-schema.ts';
import type { StrategyName } from '../../routing/routing-strategy.ts';
import type { ConversionReport, LitellmPath } from './conversion-report.ts';
import type { DeploymentDraft } from './resolve-deployment.ts';

/** A deployment of a group with the id of the provider it was given. */
export interface PlacedDeployment {
  readonly deployment: DeploymentDraft;
  readonly providerId: string;
}

type DeploymentTarget = Extract<GroupTargetEntry, { provider: string }>;

const deploymentIdPattern = /^[A-Za-z0-9][\w.:/@-]{0,127}$/;

/**
 * Deployment ids already used, so every target names one deployment only: LiteLLM's entries are
 * separate deployments even when two name the same provider and model.
 */
export class DeploymentIds {
  private readonly used = new Set<string>();

  /**
   * The explicit id a target needs, or undefined when the default `<provider>/<model>` is free.
   * A clashing `model_info.id` gets a number and is noted.
   */
  claim(placed: PlacedDeployment, report: ConversionReport): string | undefined {
    const { deployment, providerId } = placed;
    const wanted = deployment.target.id ?? `${providerId}/${deployment.model}`;
    if (!this.used.has(wanted)) {
      this.used.add(wanted);
      return deployment.target.id;
    }
    const base = deploymentIdPattern.test(wanted)
      ? wanted.slice(0, 120)
      : `${providerId}-deployment`;
    let number = 2;
    while (this.used.has(`${base}-${String(number)}`)) {
      number += 1;
    }
    const id = `${base}-${String(number)}`;
    this.used.add(id);
    if (deployment.target.id !== undefined) {
      report.note(
        ['model_list', deployment.index, 'model_info', 'id'],
        `carried as ${JSON.stringify(id)}: the id is used by another deployment`,
      );
    }
    return id;
  }
}

/**
 * One model group from the deployments sharing a `model_name`: targets in file order, the strategy
 * from `routing_strategy` (or priority where deployments set `order`), weights where the strategy
 * uses them. Notes each approximation.
 */
export function buildModelGroup(
  alias: string,
  placed: readonly PlacedDeployment[],
  strategy: { readonly name: StrategyName; readonly path: LitellmPath } | undefined,
  ids: DeploymentIds,
  report: ConversionReport,
): ModelGroupEntry {
  const firstIndex = placed[0]?.deployment.index ?? 0;
  const groupPath: LitellmPath = ['model_list', firstIndex, 'model_name'];
  const ordered = placed.some(({ deployment }) => deployment.target.priority !== undefined);
  const chosen: StrategyName | undefined =
    placed.length < 2 ? undefined : ordered ? 'priority' : (strategy?.name ?? 'weighted');
  const lastPriority = Math.max(
    0,
    ...placed.map(({ deployment }) => deployment.target.priority ?? 0),
  );
  if (chosen === 'priority') {
    if (placed.some(({ deployment }) => deployment.target.priority === undefined)) {
      report.note(
        groupPath,
        `approximated: deployments of ${JSON.stringify(alias)} without order come last (priority ${String(lastPriority + 1)})`,
      );
    }
    const effective = placed.map(
      ({ deployment }) => deployment.target.priority ?? lastPriority + 1,
    );
    if (new Set(effective).size < effective.length) {
      const instead =
        strategy !== undefined && strategy.name !== 'weighted'
          ? `not by ${strategy.name}`
          : 'not shuffled';
      report.note(
        groupPath,
        `approximated: deployments of ${JSON.stringify(alias)} with the same order are tried in file order, ${instead} (a group with order uses strategy priority)`,
      );
    }
  }
  const weights = chosen === 'weighted' ? weightsOf(alias, placed, groupPath, report) : undefined;
  const targets: GroupTargetEntry[] = placed.map((entry, index) => {
    const { deployment, providerId } = entry;
    const settings = deployment.target;
    const target: DeploymentTarget = { provider: providerId, model: deployment.model };
    const id = ids.claim(entry, report);
    if (id !== undefined) target.id = id;
    const weight = weights?.[index];
    if (weight !== undefined) target.weight = weight;
    if (chosen === 'priority') target.priority = settings.priority ?? lastPriority + 1;
    if (settings.region !== undefined) target.region = settings.region;
    if (settings.tags !== undefined) target.tags = settings.tags;
    if (settings.rpm !== undefined) target.rpm = settings.rpm;
    if (settings.tpm !== undefined) target.tpm = settings.tpm;
    if (settings.timeouts !== undefined) target.timeouts = settings.timeouts;
    return target;
  });
  if (chosen !== 'priority') {
    for (const { deployment } of placed) {
      if (deployment.target.priority !== undefined) {
        report.note(
          ['model_list', deployment.index, 'litellm_params', 'order'],
          'not needed: the only deployment of its group',
        );
      }
    }
  }
  return chosen === undefined ? { alias, targets } : { alias, strategy: chosen, targets };
}

/**
 * Weights for the weighted strategy: LiteLLM's simple-shuffle uses `weight`, else `rpm`, else
 * `tpm`, else picks uniformly; undefined entries keep Signalbox's default weight of 1.
 */
function weightsOf(
  alias: string,
  placed: readonly PlacedDeployment[],
  groupPath: LitellmPath,
  report: ConversionReport,
): (number | undefined)[] | undefined {
  const settings = placed.map(({ deployment }) => deployment.target);
  if (settings.some((target) => target.weight !== undefined)) {
    return settings.map((target) => target.weight);
  }
  for (const field of ['rpm', 'tpm'] as const) {
    if (settings.every((target) => target[field] !== undefined)) {
      report.note(
        groupPath,
        `carried: ${JSON.stringify(alias)} is weighted by ${field}, as LiteLLM's simple-shuffle does without weights`,
      );
      return settings.map((target) => Math.min(target[field] ?? 1, 1_000_000));
    }
  }
  return undefined;
}
