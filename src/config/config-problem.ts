/** One thing wrong with a configuration, located by a readable path. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Renders problems one per line, as `path: message`. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}
