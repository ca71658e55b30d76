import type { z } from 'zod';
import { compileRuleExpression } from '../routing/rules/compile-rule-expression.ts';
import type { GroupTargetEntry, ModelGroupEntry } from './model-group-schema.ts';

/** Nesting deeper than this is refused: plans stay small and cheap to build. */
const maximumNestingDepth = 8;

/** The deployment id a target gets when it names none. */
export function deploymentIdOf(target: {
  provider: string;
  model: string;
  id?: string | undefined;
}) {
  return target.id ?? `${target.provider}/${target.model}`;
}

function isNested(
  target: GroupTargetEntry,
): target is Extract<GroupTargetEntry, { alias: string }> {
  return 'alias' in target;
}

interface Issue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Cross-checks the model groups of a configuration file: providers and aliases they refer to
 * exist, nesting has no cycle and stays shallow, deployment ids mean one thing, rules compile,
 * canaries and `route_to` name something in reach. Adds one issue per problem to `context`.
 */
export function checkModelGroups(
  groups: readonly ModelGroupEntry[],
  providerIds: ReadonlySet<string>,
  context: z.RefinementCtx,
): void {
  for (const issue of findModelGroupIssues(groups, providerIds)) {
    context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
}

/** The problems of a set of model groups, as (path, message) pairs. Pure. */
export function findModelGroupIssues(
  groups: readonly ModelGroupEntry[],
  providerIds: ReadonlySet<string>,
): Issue[] {
  const issues: Issue[] = [];
  const byAlias = new Map<string, ModelGroupEntry>();
  groups.forEach((group, index) => {
    if (byAlias.has(group.alias)) {
      issues.push({
        path: ['models', index, 'alias'],
        message: `"${group.alias}" is defined more than once`,
      });
    }
    byAlias.set(group.alias, group);
    const slash = group.alias.indexOf('/');
    if (slash > 0 && providerIds.has(group.alias.slice(0, slash))) {
      issues.push({
        path: ['models', index, 'alias'],
        message: `"${group.alias}" looks like a direct "<provider>/<model>" name of provider "${group.alias.slice(0, slash)}"; pick an alias without that prefix`,
      });
    }
  });
  const deploymentShapes = new Map<string, string>();
  groups.forEach((group, groupIndex) => {
    const at = (...path: (string | number)[]) => ['models', groupIndex, ...path];
    const deploymentIds = new Set<string>();
    group.targets.forEach((target, targetIndex) => {
      if (isNested(target)) {
        if (!byAlias.has(target.alias)) {
          issues.push({
            path: at('targets', targetIndex, 'alias'),
            message: `refers to model group "${target.alias}", which is not defined`,
          });
        }
        return;
      }
      if (!providerIds.has(target.provider)) {
        const known = [...providerIds].join(', ') || 'none';
        issues.push({
          path: at('targets', targetIndex, 'provider'),
          message: `refers to provider "${target.provider}", which is not configured (configured: ${known})`,
        });
      }
      const id = deploymentIdOf(target);
      if (deploymentIds.has(id)) {
        issues.push({
          path: at('targets', targetIndex),
          message: `deployment "${id}" appears twice in this group; give one an id`,
        });
      }
      deploymentIds.add(id);
      const shape = JSON.stringify([
        target.provider,
        target.model,
        target.region,
        [...new Set(target.tags ?? [])].sort(),
        target.rpm,
        target.tpm,
        target.timeouts ?? {},
      ]);
      const seen = deploymentShapes.get(id);
      if (seen !== undefined && seen !== shape) {
        issues.push({
          path: at('targets', targetIndex),
          message: `deployment "${id}" is defined elsewhere with other settings; one id is one deployment (give this one its own id)`,
        });
      }
      deploymentShapes.set(id, shape);
    });
    (group.fallbacks ?? []).forEach((alias, index) => {
      if (!byAlias.has(alias)) {
        issues.push({
          path: at('fallbacks', index),
          message: `refers to model group "${alias}", which is not defined`,
        });
      }
    });
    if (group.canary !== undefined && !deploymentIds.has(group.canary.target)) {
      issues.push({
        path: at('canary', 'target'),
        message: `must be the id of a deployment of this group (${[...deploymentIds].join(', ') || 'none'})`,
      });
    }
    (group.rules ?? []).forEach((rule, ruleIndex) => {
      const compiled = compileRuleExpression(rule.when);
      if (!compiled.ok) {
        issues.push({ path: at('rules', ruleIndex, 'when'), message: compiled.message });
      }
      if (
        rule.route_to !== undefined &&
        !deploymentIds.has(rule.route_to) &&
        !byAlias.has(rule.route_to)
      ) {
        issues.push({
          path: at('rules', ruleIndex, 'route_to'),
          message: `must be a deployment id of this group or a model group ("${rule.route_to}" is neither)`,
        });
      }
    });
    const judge = group.cascade?.judge?.model;
    if (judge !== undefined) {
      const slash = judge.indexOf('/');
      const direct = slash > 0 && providerIds.has(judge.slice(0, slash));
      if (judge === group.alias) {
        issues.push({
          path: at('cascade', 'judge', 'model'),
          message: 'a cascade cannot judge its answers with its own group',
        });
      } else if (!byAlias.has(judge) && !direct) {
        issues.push({
          path: at('cascade', 'judge', 'model'),
          message: `must be a model group or "<provider>/<model>" of a configured provider ("${judge}" is neither)`,
        });
      }
    }
    (group.semantic_routes?.routes ?? []).forEach((route, routeIndex) => {
      if (!deploymentIds.has(route.route_to) && !byAlias.has(route.route_to)) {
        issues.push({
          path: at('semantic_routes', 'routes', routeIndex, 'route_to'),
          message: `must be a deployment id of this group or a model group ("${route.route_to}" is neither)`,
        });
      }
    });
  });
  issues.push(...findNestingIssues(groups, byAlias));
  return issues;
}

/** Cycles among nested groups and fallbacks, and nesting deeper than allowed. */
function findNestingIssues(
  groups: readonly ModelGroupEntry[],
  byAlias: ReadonlyMap<string, ModelGroupEntry>,
): Issue[] {
  const issues: Issue[] = [];
  const depthOf = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (alias: string, trail: string[]): number => {
    const known = depthOf.get(alias);
    if (known !== undefined) {
      return known;
    }
    const group = byAlias.get(alias);
    if (group === undefined) {
      return 0;
    }
    if (visiting.has(alias)) {
      throw new CycleFound([...trail, alias]);
    }
    visiting.add(alias);
    let deepest = 0;
    for (const target of group.targets) {
      if (isNested(target)) {
        deepest = Math.max(deepest, depth(target.alias, [...trail, alias]) + 1);
      }
    }
    visiting.delete(alias);
    depthOf.set(alias, deepest);
    return deepest;
  };
  groups.forEach((group, index) => {
    try {
      if (depth(group.alias, []) > maximumNestingDepth) {
        issues.push({
          path: ['models', index, 'targets'],
          message: `nests groups more than ${maximumNestingDepth} deep`,
        });
      }
    } catch (error) {
      if (!(error instanceof CycleFound)) {
        throw error;
      }
      visiting.clear();
      issues.push({
        path: ['models', index, 'targets'],
        message: `nested groups form a cycle: ${error.cycle.join(' -> ')}`,
      });
    }
  });
  return issues;
}

class CycleFound extends Error {
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super('cycle');
    this.cycle = cycle;
  }
}
