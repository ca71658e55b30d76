import { readProcessEnvironment, type Environment } from '../config/environment.ts';

/**
 * The most memory, in MB, each of V8's two young-generation semi-spaces may take in
 * `signalbox serve`. V8 sizes them from the machine's memory: with several GB they reach 32 MB
 * each at start-up and 64 MB each under load, ~100 MB of resident memory (measured: new space
 * 128 MB, 105 MB resident, at 16 connections) for garbage that lives for one request. With 8 MB
 * the gateway's resident memory is ~20 MB lower idle and 60–100 MB lower under load, for no
 * throughput loss measurable on the benchmark machine (docs/configuration.md, "Memory").
 */
export const serveSemiSpaceMb = 8;

const semiSpaceFlag = '--max-semi-space-size';

/** Whether the Node options already choose a semi-space size (the operator's choice wins). */
function choosesSemiSpace(options: readonly string[]): boolean {
  return options.some((option) => option.startsWith(semiSpaceFlag));
}

/**
 * For `signalbox serve` only: replaces this process (same PID, same standard streams, same
 * arguments and environment) by one started with `--max-semi-space-size`, unless the Node options
 * (`NODE_OPTIONS` or the command line) already set it. V8 reads that flag only when the heap is
 * created, so it cannot be applied from inside the running process. Call it at the entry point,
 * before the gateway's modules are imported; it returns without doing anything where
 * `process.execve` does not exist (Windows) and for every other command.
 */
export function relaunchWithHeapFlags(
  args: readonly string[],
  environment: Environment = readProcessEnvironment(),
): void {
  const script = process.argv[1];
  if (
    args[0] !== 'serve' ||
    script === undefined ||
    typeof process.execve !== 'function' ||
    process.platform === 'win32' ||
    choosesSemiSpace(process.execArgv) ||
    choosesSemiSpace((environment.NODE_OPTIONS ?? '').split(/\s+/))
  ) {
    return;
  }
  process.execve(
    process.execPath,
    [
      process.execPath,
      ...process.execArgv,
      `${semiSpaceFlag}=${serveSemiSpaceMb}`,
      script,
      ...args,
    ],
    { ...environment },
  );
}
