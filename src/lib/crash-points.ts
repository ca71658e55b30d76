/**
 * Named places where a test may have the process killed (SIGKILL, nothing flushed), to prove
 * what survives a crash there (docs/reliability.md, "Crash consistency"). Inert unless the
 * gateway is started with `SIGNALBOX_CRASH_POINT` set to `<name>` or `<name>:<n>` (the n-th time
 * the point is reached, default the first; see {@link armCrashPoint}): a test harness sets it on
 * a child process it then restarts. Reaching a point when nothing is armed costs one comparison.
 */
export const crashPointNames = [
  /** A request's budget hold is committed; nothing was sent upstream yet. */
  'after-reservation',
  /** The provider answered with its status and headers; nothing was relayed yet. */
  'after-upstream-connect',
  /** Part of a streamed answer reached the client. */
  'mid-stream',
  /** The provider's answer ended; its ledger row is about to be committed. */
  'before-ledger-commit',
  /** A batch of ledger rows was committed. */
  'after-ledger-commit',
  /** A batch of audit records is about to be committed. */
  'before-audit-commit',
  /** A batch of audit records was committed. */
  'after-audit-commit',
  /** Half of a signed checkpoint note was written to the checkpoint file. */
  'during-checkpoint-write',
] as const;

export type CrashPointName = (typeof crashPointNames)[number];

interface ArmedCrashPoint {
  readonly name: CrashPointName;
  remaining: number;
}

/** Reads `<name>` or `<name>:<n>`; anything else arms nothing (and says so on stderr once). */
export function parseCrashPoint(text: string | undefined): ArmedCrashPoint | undefined {
  if (text === undefined || text === '') return undefined;
  const [name, count] = text.split(':');
  const known = crashPointNames.find((candidate) => candidate === name);
  const remaining = count === undefined ? 1 : Number(count);
  if (known === undefined || !Number.isSafeInteger(remaining) || remaining < 1) {
    process.stderr.write(
      `SIGNALBOX_CRASH_POINT=${JSON.stringify(text)} is not <name>[:<n>] with a name of ${crashPointNames.join(', ')}; nothing is armed\n`,
    );
    return undefined;
  }
  return { name: known, remaining };
}

let armed: ArmedCrashPoint | undefined;

/** Arms the point `SIGNALBOX_CRASH_POINT` names (the gateway calls this once, at start). */
export function armCrashPoint(text: string | undefined): void {
  armed = parseCrashPoint(text);
}

/** Whether this process has `name` armed (to prepare a torn write before `crashPoint`). */
export function crashPointArmed(name: CrashPointName): boolean {
  return armed?.name === name && armed.remaining === 1;
}

/** Kills the process here when `name` is armed and this is the n-th time it is reached. */
export function crashPoint(name: CrashPointName): void {
  if (armed?.name !== name) return;
  armed.remaining -= 1;
  if (armed.remaining > 0) return;
  process.kill(process.pid, 'SIGKILL');
}
