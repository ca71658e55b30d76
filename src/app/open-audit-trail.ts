import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { loadEncryptionKeyRing } from '../config/load-encryption-key-ring.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { RequestRecord } from '../observability/request-record.ts';
import { AuditPayloadVault } from '../pipeline/audit/audit-payload-vault.ts';
import type { AuditEvent } from '../pipeline/audit/audit-record.ts';
import { AuditLogFollower } from '../pipeline/audit/audit-log-follower.ts';
import { AuditWriter } from '../pipeline/audit/audit-writer.ts';
import { checkpointSizes } from '../pipeline/audit/checkpoint.ts';
import { CheckpointScheduler } from '../pipeline/audit/checkpoint-scheduler.ts';
import { purgeExpiredPayloads, type PayloadPurge } from '../pipeline/audit/payload-retention.ts';
import {
  FileCheckpointSink,
  readCheckpointFile,
  repairTornCheckpointTail,
} from './audit-checkpoint-file.ts';
import { auditEventOfRequest, AuthFailureCounter } from './audit-events-of-requests.ts';
import {
  auditCheckpointFileName,
  defaultAuditOrigin,
  loadAuditSigningKey,
} from './audit-signing-key.ts';
import { ConfigError } from './config-error.ts';
import { openAuditLogStore } from './open-audit-log-store.ts';
import type { AuditLogStore } from '../storage/ports.ts';
import type { AuditPayloadAccess } from '../gateway/audit-payload-access.ts';
import type { AuditInspection } from '../gateway/audit-inspection.ts';
import { createAuditInspection } from './audit-inspection-service.ts';
import type { ReaperAudit } from '../pipeline/budgets/hold-reaper.ts';
import { createReaperAudit } from './reaper-audit.ts';

/** Events that may wait in memory while the database is down. */
const auditBacklogCapacity = 100_000;
/** How long an event waits for others to share its commit (the answer never waits). */
const auditFlushDelayMs = 20;
/** How often checkpoints are considered and authentication failures reported. */
const tickMs = 5_000;
const authFailureWindowMs = 60_000;
/** How often expired payloads are looked for. */
const retentionEveryMs = 60_000;
const readPageSize = 1000;

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** The audit trail of one gateway process. */
export interface OpenedAuditTrail {
  readonly store: AuditLogStore;
  /** Kept payloads, when `audit.payloads` is on. */
  readonly payloads: AuditPayloadAccess | undefined;
  /** Status and full verification for the admin API (`/admin/audit/status`, `/verify`). */
  readonly inspection: AuditInspection;
  /** Records what a finished request did (a request record listener). */
  recordRequest(record: RequestRecord): void;
  /** Records an event that is not a request (a configuration change). */
  record(event: AuditEvent): void;
  /** Lookups and records for the budget hold reaper; undefined when the trail is off. */
  readonly reaperAudit: ReaperAudit | undefined;
  /** Purges payloads of whole checkpoint intervals past retention now (also done every minute). */
  purgeExpiredPayloads(): Promise<PayloadPurge | undefined>;
  /** Writes what waits (at most `graceMs`), signs a last checkpoint, and closes storage. */
  close(graceMs: number): Promise<void>;
}

/**
 * Opens the tamper-evident audit trail (docs/audit.md): the chained log in the configured
 * database, written behind the requests in group commits; signed checkpoints (Ed25519, key from
 * the environment or generated into the state directory) appended to a file in the state
 * directory every `audit.checkpoint_every_records` records or `checkpoint_every_seconds`;
 * authentication failures counted per minute; with `audit.payloads`, each forwarded request and
 * its answer sealed per organisation and purged after retention. With `audit.enabled: false`
 * nothing is recorded (proofs still serve the log as it is).
 */
export async function openAuditTrail(
  config: GatewayConfig,
  environment: Environment,
  logger: Logger,
  clock: Clock,
  /** Told the request ids of `request` records once they are committed (in commit order). */
  onRequestsAudited: (requestIds: readonly string[]) => void = () => undefined,
): Promise<OpenedAuditTrail> {
  const settings = config.audit;
  const ring = settings.payloads === undefined ? undefined : loadEncryptionKeyRing(environment);
  if (settings.payloads !== undefined && ring === undefined) {
    throw new ConfigError(
      [
        {
          path: 'audit.payloads',
          message:
            'needs an encryption key: set SIGNALBOX_ENCRYPTION_KEY or SIGNALBOX_ENCRYPTION_KEY_FILE (make one with: openssl rand -base64 32)',
        },
      ],
      config.source.kind === 'file' ? config.source.path : 'defaults',
    );
  }
  const opened = await openAuditLogStore(config.storage, config.stateDir);
  const inspection = createAuditInspection({
    log: opened.store,
    payloads: opened.payloads,
    stateDir: config.stateDir,
    environment,
    clock,
  });
  if (!settings.enabled) {
    logger.warn('the audit trail is off (audit.enabled: false): nothing is recorded');
    return {
      store: opened.store,
      inspection,
      payloads: undefined,
      recordRequest: () => undefined,
      record: () => undefined,
      reaperAudit: undefined,
      purgeExpiredPayloads: () => Promise.resolve(undefined),
      close: () => opened.close(),
    };
  }
  // The key and the checkpoint file live in the state directory, also when the log is in
  // PostgreSQL (then nothing else may have created it).
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const key = loadAuditSigningKey({ environment, stateDir: config.stateDir, create: true });
  if (key === undefined) {
    throw new Error('no audit signing key could be loaded or created');
  }
  const checkpointPath = join(config.stateDir, auditCheckpointFileName);
  if ((await repairTornCheckpointTail(checkpointPath)) === 'repaired') {
    logger.warn('the audit checkpoint file ended in a note cut short by a crash; it was repaired');
  }
  // Checkpoints already signed: catching up on the log (from seq 0) must not sign a smaller
  // tree after them, which verification rightly reports as the log having shrunk.
  const signedSizes = checkpointSizes(await readCheckpointFile(checkpointPath), defaultAuditOrigin);
  const scheduler = new CheckpointScheduler({
    lastCheckpointSize: Math.max(0, ...signedSizes),
    origin: defaultAuditOrigin,
    signer: key.signer,
    sink: new FileCheckpointSink(checkpointPath),
    clock,
    everyRecords: settings.checkpointEveryRecords,
    everyMs: settings.checkpointEveryMs,
  });
  // The frontier follows the whole log (every replica's records), in seq order.
  const follower = new AuditLogFollower({
    store: opened.store,
    frontier: scheduler,
    pageSize: readPageSize,
    onError(error) {
      logger.error({ err: errorName(error) }, 'audit checkpoints could not follow the log');
    },
  });
  await follower.catchUp();
  const vault =
    ring === undefined ? undefined : new AuditPayloadVault(opened.payloads, ring, clock);
  const writer = new AuditWriter({
    store: opened.store,
    capacity: auditBacklogCapacity,
    flushDelayMs: auditFlushDelayMs,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onAppended(records, events) {
      const requestIds: string[] = [];
      for (const event of events) {
        const requestId = event.payload.request_id;
        if (event.kind === 'request' && typeof requestId === 'string') requestIds.push(requestId);
      }
      if (requestIds.length > 0) onRequestsAudited(requestIds);
      void follower.appended(records);
    },
    onWriteFailed(error, pending) {
      logger.error(
        { err: errorName(error), pending },
        'the audit log could not be written; events wait in memory and are retried',
      );
    },
    seal: vault === undefined ? undefined : (attachment) => vault.seal(attachment),
    onSealFailed(error) {
      logger.error(
        { err: errorName(error) },
        'an audit payload could not be sealed (its organisation key cannot be opened); the record is kept without it',
      );
    },
  });
  const purge = async (): Promise<PayloadPurge | undefined> => {
    if (settings.payloads === undefined) return undefined;
    const sizes = checkpointSizes(await readCheckpointFile(checkpointPath), defaultAuditOrigin);
    const now = clock.now();
    const purged = await purgeExpiredPayloads({
      log: opened.store,
      payloads: opened.payloads,
      checkpointSizes: sizes,
      cutoff: now - settings.payloads.retentionMs,
      retentionMs: settings.payloads.retentionMs,
      now,
    });
    if (purged === undefined) return undefined;
    writer.record(purged.event);
    logger.info(purged.purge, 'audit payloads past retention were purged');
    return purged.purge;
  };
  const authFailures = new AuthFailureCounter(clock.now());
  let windowStarted = clock.monotonic();
  let retentionChecked = clock.monotonic();
  const timer = setInterval(() => {
    if (clock.monotonic() - windowStarted >= authFailureWindowMs) {
      windowStarted = clock.monotonic();
      const event = authFailures.drain(clock.now());
      if (event !== undefined) writer.record(event);
    }
    void follower.catchUp().then(() => scheduler.poll().catch(() => undefined));
    if (clock.monotonic() - retentionChecked >= retentionEveryMs) {
      retentionChecked = clock.monotonic();
      purge().catch((error: unknown) => {
        logger.error({ err: errorName(error) }, 'expired audit payloads could not be purged');
      });
    }
  }, tickMs);
  timer.unref();
  return {
    store: opened.store,
    inspection,
    payloads:
      vault === undefined
        ? undefined
        : {
            async read(seq, reader) {
              const opened = await vault.open(seq);
              writer.record({
                at: clock.now(),
                kind: 'audit.payload_read',
                payload: {
                  seq,
                  status: opened.status,
                  reader: { agent: reader.agent, org: reader.org ?? null },
                },
              });
              return opened;
            },
            async erase(org, by) {
              const keyIds = await vault.erase(org);
              writer.record({
                at: clock.now(),
                kind: 'audit.tenant_key_erased',
                payload: { org, key_ids: keyIds, by: { agent: by.agent, org: by.org ?? null } },
              });
              return keyIds;
            },
          },
    recordRequest(record) {
      authFailures.count(record);
      const event = auditEventOfRequest(record, clock.now());
      if (event !== undefined) writer.record(event);
    },
    record: (event) => {
      writer.record(event);
    },
    reaperAudit: createReaperAudit({
      store: opened.store,
      recordAndFlush: async (events) => {
        for (const event of events) writer.record(event);
        await writer.flush();
      },
      now: () => clock.now(),
    }),
    purgeExpiredPayloads: purge,
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
      await follower.catchUp();
      if (scheduler.treeSize > 0) {
        await scheduler.checkpointNow().catch((error: unknown) => {
          logger.error({ err: errorName(error) }, 'the last audit checkpoint could not be written');
        });
      }
      await opened.close();
    },
  };
}
