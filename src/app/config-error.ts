import { formatConfigProblems, type ConfigProblem } from '../config/config-problem.ts';

/** The gateway cannot start because its configuration is invalid. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  readonly source: string;

  constructor(problems: readonly ConfigProblem[], source: string) {
    super(`invalid configuration (${source}):\n${formatConfigProblems(problems)}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.source = source;
  }
}
