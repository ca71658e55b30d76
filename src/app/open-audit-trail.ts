import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { RequestRecord } from '../observability/request-record.ts';
import type { AuditEvent } from '../pipeline/audit/audit-record.ts';
import { AuditWriter } from '../pipeline/audit/audit-writer.ts';
import { CheckpointScheduler } from '../pipeline/audit/checkpoint-scheduler.ts';
import { FileCheckpointSink } from './audit-checkpoint-file.ts';
import { auditEventOfRequest, AuthFailureCounter } from './audit-events-of-requests.ts';
import {
  auditCheckpointFileName,
  defaultAuditOrigin,
  loadAuditSigningKey,
} from './audit-signing-key.ts';
import { openAuditLogStore } from './open-audit-log-store.ts';
import type { AuditLogStore } from '../storage/ports.ts';

/** Events that may wait in memory while the database is down. */
const auditBacklogCapacity = 100_000;
/** How long an event waits for others to share its commit (the answer never waits). */
const auditFlushDelayMs = 20;
const checkpointEveryRecords = 1000;
const checkpointEveryMs = 60_000;
/** How often checkpoints are considered and authentication failures reported. */
const tickMs = 5_000;
const authFailureWindowMs = 60_000;
const readPageSize = 1000;

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** The audit trail of one gateway process. */
export interface OpenedAuditTrail {
  readonly store: AuditLogStore;
  /** Records what a finished request did (a request record listener). */
  recordRequest(record: RequestRecord): void;
  /** Records an event that is not a request (a configuration change). */
  record(event: AuditEvent): void;
  /** Writes what waits (at most `graceMs`), signs a last checkpoint, and closes storage. */
  close(graceMs: number): Promise<void>;
}

/**
 * Opens the tamper-evident audit trail (docs/audit.md): the chained log in the configured
 * database, written behind the requests in group commits; signed checkpoints (Ed25519, key from
 * the environment or generated into the state directory) appended to a file in the state
 * directory every 1,000 records or minute; authentication failures counted per minute.
 */
export async function openAuditTrail(
  config: GatewayConfig,
  environment: Environment,
  logger: Logger,
  clock: Clock,
): Promise<OpenedAuditTrail> {
  const opened = await openAuditLogStore(config.storage, config.stateDir);
  // The key and the checkpoint file live in the state directory, also when the log is in
  // PostgreSQL (then nothing else may have created it).
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const key = loadAuditSigningKey({ environment, stateDir: config.stateDir, create: true });
  if (key === undefined) {
    throw new Error('no audit signing key could be loaded or created');
  }
  const scheduler = new CheckpointScheduler({
    origin: defaultAuditOrigin,
    signer: key.signer,
    sink: new FileCheckpointSink(join(config.stateDir, auditCheckpointFileName)),
    clock,
    everyRecords: checkpointEveryRecords,
    everyMs: checkpointEveryMs,
  });
  // The frontier follows the whole log (every replica's records), read in seq order.
  let catchingUp: Promise<void> = Promise.resolve();
  const catchUp = (): Promise<void> => {
    catchingUp = catchingUp
      .then(async () => {
        for (;;) {
          const records = await opened.store.read(scheduler.treeSize, readPageSize);
          if (records.length === 0) return;
          await scheduler.recordsAppended(records);
          if (records.length < readPageSize) return;
        }
      })
      .catch((error: unknown) => {
        logger.error({ err: errorName(error) }, 'audit checkpoints could not follow the log');
      });
    return catchingUp;
  };
  await catchUp();
  const writer = new AuditWriter({
    store: opened.store,
    capacity: auditBacklogCapacity,
    flushDelayMs: auditFlushDelayMs,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onAppended: () => void catchUp(),
    onWriteFailed(error, pending) {
      logger.error(
        { err: errorName(error), pending },
        'the audit log could not be written; events wait in memory and are retried',
      );
    },
  });
  const authFailures = new AuthFailureCounter(clock.now());
  let windowStarted = clock.monotonic();
  const timer = setInterval(() => {
    if (clock.monotonic() - windowStarted >= authFailureWindowMs) {
      windowStarted = clock.monotonic();
      const event = authFailures.drain(clock.now());
      if (event !== undefined) writer.record(event);
    }
    void catchUp().then(() => scheduler.poll().catch(() => undefined));
  }, tickMs);
  timer.unref();
  return {
    store: opened.store,
    recordRequest(record) {
      authFailures.count(record);
      const event = auditEventOfRequest(record, clock.now());
      if (event !== undefined) writer.record(event);
    },
    record: (event) => {
      writer.record(event);
    },
    async close(graceMs) {
      clearInterval(timer);
      const last = authFailures.drain(clock.now());
      if (last !== undefined) writer.record(last);
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        writer.flush(),
        new Promise((resolve) => {
          graceTimer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(graceTimer);
      if (writer.pending > 0) {
        logger.error(
          { pending: writer.pending },
          'audit events could not be written before shutdown',
        );
      }
      await catchUp();
      if (scheduler.treeSize > 0) {
        await scheduler.checkpointNow().catch((error: unknown) => {
          logger.error({ err: errorName(error) }, 'the last audit checkpoint could not be written');
        });
      }
      await opened.close();
    },
  };
}
