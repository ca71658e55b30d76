// A worker thread for the audit signing key race test: waits at a barrier shared with the other
// racers, then loads (creating when missing) the key of each round's state directory, and posts
// the public key it got in each round (or the error).
import { parentPort, workerData } from 'node:worker_threads';
import { loadAuditSigningKey } from '../../src/app/audit-signing-key.ts';

interface RacerData {
  readonly directories: readonly string[];
  readonly barrier: SharedArrayBuffer;
  readonly racers: number;
}

const data = workerData as RacerData;
const arrived = new Int32Array(data.barrier);
/** Per round: the public key in hex, or the error's message. */
const keys: string[] = [];
data.directories.forEach((stateDir, round) => {
  // Round `round` starts when every racer has arrived at it.
  Atomics.add(arrived, round, 1);
  while (Atomics.load(arrived, round) < data.racers) Atomics.wait(arrived, round, 0, 1);
  try {
    const key = loadAuditSigningKey({ environment: {}, stateDir, create: true });
    keys.push(Buffer.from(key?.verifier.publicKey ?? []).toString('hex'));
  } catch (error) {
    keys.push(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
});
parentPort?.postMessage(keys);
