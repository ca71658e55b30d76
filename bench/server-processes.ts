// Servers that benchmarks and the soak run as child processes: started with only PATH and the
// given variables in their environment, read back from /proc, and killed however the parent ends
// (a normal exit, a throw, Ctrl-C or SIGTERM), so that no run leaves a server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every process started here; killed when this process exits. */
const children: ChildProcess[] = [];
let exitHandlersInstalled = false;

function killChildrenOnExit(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on('exit', () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => process.exit(130));
  }
}

export interface StartedProcess {
  readonly child: ChildProcess;
  /** What the pattern's first group matched (the URL the process printed). */
  readonly url: string;
}

/**
 * Starts `node <args>` in the repository root and resolves with the URL it prints on standard
 * error (the first group of `pattern`). Standard error is kept only until then, so a long run
 * does not accumulate it; afterwards it goes to `stderrLog` when given, else nowhere.
 */
export function startProcess(
  args: readonly string[],
  pattern: RegExp,
  environment: Readonly<Record<string, string>> = {},
  stderrLog?: WriteStream,
): Promise<StartedProcess> {
  killChildrenOnExit();
  const child = spawn(process.execPath, [...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not start:\n${stderr}`)),
      20_000,
    );
    const waitForUrl = (chunk: Buffer): void => {
      stderrLog?.write(chunk);
      stderr += chunk.toString();
      const match = pattern.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stderr.off('data', waitForUrl);
        child.stderr.on('data', (later: Buffer) => stderrLog?.write(later));
        stderr = '';
        resolve({ child, url: match[1] });
      }
    };
    child.stderr.on('data', waitForUrl);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
  });
}

/** Sends SIGTERM and resolves when the process has exited (SIGKILL after `graceMs`). */
export function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMilliseconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory now (VmRSS) and its peak so far (VmHWM), in kB, from /proc. */
export function residentMemoryKb(pid: number | undefined): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const read = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 'NaN');
  return { rss: read('VmRSS'), peak: read('VmHWM') };
}

/** {@link residentMemoryKb} in whole MB (MiB). */
export function residentMemoryMb(pid: number | undefined): { rss: number; peak: number } {
  const { rss, peak } = residentMemoryKb(pid);
  return { rss: Math.round(rss / 1024), peak: Math.round(peak / 1024) };
}

/**
 * A process and its descendants (the workers of `serve --workers N` are children of the
 * primary), from `/proc/<pid>/task/<tid>/children`. Processes that exit meanwhile are skipped.
 */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const found = [pid];
  // The loop also visits the children it appends.
  for (const parent of found) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
        for (const child of children.split(' ')) if (child.trim() !== '') found.push(Number(child));
      } catch {
        // the task ended while it was read
      }
    }
  }
  return found;
}

/** {@link cpuMilliseconds} summed over the given processes (those that have exited count 0). */
export function totalCpuMilliseconds(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMilliseconds(pid);
    } catch {
      // the process has exited
    }
  }
  return total;
}

/** Resident memory (VmRSS) summed over the given processes, in kB. */
export function totalResidentMemoryKb(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += residentMemoryKb(pid).rss;
    } catch {
      // the process has exited
    }
  }
  return total;
}
