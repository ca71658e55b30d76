/** A read-only view of environment variables. Only `src/config/` reads the real process environment. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The process environment, as an `Environment`. */
export function readProcessEnvironment(): Environment {
  return process.env;
}
