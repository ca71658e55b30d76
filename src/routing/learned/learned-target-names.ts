/** What a learned router needs to know to match a group's targets to its models. */
export interface LearnedModelNames {
  /** The artifact's models. */
  readonly models: readonly string[];
  /** Artifact model name to the model name the gateway serves it under. */
  readonly modelNames: ReadonlyMap<string, string>;
}

/**
 * The artifact model a group target stands for, or undefined. A target matches a model when one
 * of its names (a deployment's id, its provider's model name or `<provider>/<model>`; a nested
 * group's alias) is the model's own name or the name `models:` maps it to.
 */
export function learnedModelOfTarget(
  router: LearnedModelNames,
  targetNames: readonly string[],
): string | undefined {
  for (const model of router.models) {
    const served = router.modelNames.get(model);
    if (targetNames.includes(model) || (served !== undefined && targetNames.includes(served))) {
      return model;
    }
  }
  return undefined;
}
