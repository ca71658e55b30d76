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

/**
 * How many malloc arenas glibc may keep in `signalbox serve` (`MALLOC_ARENA_MAX`). By default it
 * allows 8 per core and gives each thread that allocates its own (the request log's worker
 * thread, V8's compiler and GC threads, the libuv pool), each keeping memory it has freed. With 2
 * the gateway's resident memory was ~3 MB lower after start and ~5 MB lower at its peak at 16
 * connections, with no CPU per request measurably added (docs/benchmarks.md). Other C libraries
 * ignore the variable.
 */
export const serveMallocArenas = 2;

/** Whether the Node options already choose a semi-space size (the operator's choice wins). */
function choosesSemiSpace(options: readonly string[]): boolean {
  return options.some((option) => option.startsWith(semiSpaceFlag));
}

/**
 * For `signalbox serve` only: replaces this process (same PID, same standard streams, same
 * arguments and environment) by one started with `--max-semi-space-size`, unless the Node options
 * (`NODE_OPTIONS` or the command line) already set it, and with `MALLOC_ARENA_MAX` in its
 * environment, unless that is set already. V8 reads the flag only when the heap is created, and
 * the C library the variable only when the process starts, so neither can be applied from inside
 * the running process. Call it at the entry point, before the gateway's modules are imported; it
 * returns without doing anything where `process.execve` does not exist (Windows), when the
 * operator chose both, and for every other command.
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
    process.platform === 'win32'
  ) {
    return;
  }
  const semiSpaceChosen =
    choosesSemiSpace(process.execArgv) ||
    choosesSemiSpace((environment.NODE_OPTIONS ?? '').split(/\s+/));
  const arenas = environment.MALLOC_ARENA_MAX;
  if (semiSpaceChosen && arenas !== undefined) return;
  process.execve(
    process.execPath,
    [
      process.execPath,
      ...process.execArgv,
      ...(semiSpaceChosen ? [] : [`${semiSpaceFlag}=${serveSemiSpaceMb}`]),
      script,
      ...args,
    ],
    { ...environment, MALLOC_ARENA_MAX: arenas ?? String(serveMallocArenas) },
  );
}
