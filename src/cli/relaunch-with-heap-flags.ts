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

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again, in percent, in `signalbox serve` (`--heap-growing-percent`). V8 otherwise picks
 * a factor of up to 4 from how fast it collects. Under load every request that waits for the event
 * loop outlives two scavenges and is promoted, so the old generation filled with garbage. Peak
 * resident memory in five benchmark runs at 16 to 256 connections: 212–320 MB (median 263)
 * without it, 194–220 MB (median 205) with 50. Requests/s against the bare proxy did not change
 * measurably; CPU per request at 64 connections was about 13% higher (docs/benchmarks.md).
 */
export const serveHeapGrowingPercent = 50;

/** The V8 flags `serve` runs with, each unless the operator's own Node options set it. */
const serveV8Flags: readonly { readonly name: string; readonly value: number }[] = [
  { name: '--max-semi-space-size', value: serveSemiSpaceMb },
  { name: '--heap-growing-percent', value: serveHeapGrowingPercent },
];

/**
 * How many malloc arenas glibc may keep in `signalbox serve` (`MALLOC_ARENA_MAX`). By default it
 * allows 8 per core and gives each thread that allocates its own (the request log's worker
 * thread, V8's compiler and GC threads, the libuv pool), each keeping memory it has freed. With 2
 * the gateway's resident memory was ~3 MB lower after start and ~5 MB lower at its peak at 16
 * connections, with no CPU per request measurably added (docs/benchmarks.md). Other C libraries
 * ignore the variable.
 */
export const serveMallocArenas = 2;

/** Whether the Node options already set this flag (the operator's choice wins). */
function chooses(options: readonly string[], flag: string): boolean {
  return options.some((option) => {
    const name = option.split('=', 1)[0]?.replaceAll('_', '-');
    return name === flag;
  });
}

/**
 * For `signalbox serve` only: replaces this process (same PID, same standard streams, same
 * arguments and environment) by one started with `--max-semi-space-size` and
 * `--heap-growing-percent`, each unless the Node options (`NODE_OPTIONS` or the command line)
 * already set it, and with `MALLOC_ARENA_MAX` in its environment, unless that is set already. V8
 * reads the semi-space size only when the heap is created, and the C library the variable only
 * when the process starts, so they cannot be applied from inside the running process. Call it at
 * the entry point, before the gateway's modules are imported; it returns without doing anything
 * where `process.execve` does not exist (Windows), when the operator chose all three, and for
 * every other command.
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
  const nodeOptions = [...process.execArgv, ...(environment.NODE_OPTIONS ?? '').split(/\s+/)];
  const added = serveV8Flags
    .filter((flag) => !chooses(nodeOptions, flag.name))
    .map((flag) => `${flag.name}=${String(flag.value)}`);
  const arenas = environment.MALLOC_ARENA_MAX;
  if (added.length === 0 && arenas !== undefined) return;
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...added, script, ...args],
    { ...environment, MALLOC_ARENA_MAX: arenas ?? String(serveMallocArenas) },
  );
}
