import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import type { AuditInspection, AuditVerifyView } from '../gateway/audit-inspection.ts';
import type { Clock } from '../lib/clock.ts';
import { parseSignedCheckpoint, splitCheckpointFile } from '../pipeline/audit/checkpoint.ts';
import { describeAuditProblem } from '../pipeline/audit/describe-audit-problem.ts';
import { verifyAuditTrail } from '../pipeline/audit/verify-audit-trail.ts';
import type { AuditLogStore, AuditPayloadStore } from '../storage/ports.ts';
import { readCheckpointFile } from './audit-checkpoint-file.ts';
import {
  auditCheckpointFileName,
  defaultAuditOrigin,
  loadAuditSigningKey,
} from './audit-signing-key.ts';

export interface AuditInspectionOptions {
  readonly log: AuditLogStore;
  readonly payloads: AuditPayloadStore;
  readonly stateDir: string;
  readonly environment: Environment;
  readonly clock: Clock;
  /** A verification stops after this long (default 60 s); `signalbox audit verify` has none. */
  readonly timeLimitMs?: number;
}

/** Thrown by the page reader once the time limit passed, to stop the verifier. */
class TimeLimitReached extends Error {}

/**
 * Audit status and verification for the running gateway, with what `signalbox audit verify`
 * uses by default: the checkpoint file in the state directory and the public half of the
 * configured signing key (SIGNALBOX_AUDIT_SIGNING_KEY or the key file). One verification runs at
 * a time; callers arriving meanwhile get its result. Memory stays bounded (pages of 1000).
 */
export function createAuditInspection(options: AuditInspectionOptions): AuditInspection {
  const checkpointPath = join(options.stateDir, auditCheckpointFileName);
  const timeLimitMs = options.timeLimitMs ?? 60_000;
  let running: Promise<AuditVerifyView> | undefined;

  const verify = async (): Promise<AuditVerifyView> => {
    const key = loadAuditSigningKey({
      environment: options.environment,
      stateDir: options.stateDir,
      create: false,
    });
    const checkpointText = await readCheckpointFile(checkpointPath);
    const deadline = options.clock.monotonic() + timeLimitMs;
    let checked = 0;
    const log = {
      read: async (fromSeq: number, limit: number) => {
        if (options.clock.monotonic() > deadline) throw new TimeLimitReached();
        const page = await options.log.read(fromSeq, limit);
        checked = Math.max(checked, fromSeq + page.length);
        return page;
      },
    };
    try {
      const report = await verifyAuditTrail({
        log,
        payloads: options.payloads,
        origin: defaultAuditOrigin,
        checkpointText,
        trustedKeys: key === undefined ? [] : [key.verifier],
      });
      const problems = report.problems.map(describeAuditProblem);
      return {
        ok: report.intact,
        complete: true,
        records_checked: report.recordCount,
        first_bad_seq: report.firstBadSeq,
        checkpoints_verified: report.checkpointsVerified,
        detail:
          problems.length > 0
            ? problems.join('; ')
            : report.warnings.length > 0
              ? `intact; ${report.warnings.join('; ')}`
              : 'intact',
        problems,
        warnings: report.warnings,
      };
    } catch (error) {
      if (!(error instanceof TimeLimitReached)) throw error;
      return {
        ok: false,
        complete: false,
        records_checked: checked,
        first_bad_seq: null,
        checkpoints_verified: 0,
        detail: `not finished within ${String(timeLimitMs / 1000)} s; run \`signalbox audit verify\` for the whole log`,
        problems: [],
        warnings: [],
      };
    }
  };

  return {
    async status() {
      const [records, last, checkpointText] = await Promise.all([
        options.log.count(),
        options.log.last(),
        readCheckpointFile(checkpointPath),
      ]);
      const notes = splitCheckpointFile(checkpointText);
      let checkpoint = null;
      for (let index = notes.length - 1; index >= 0 && checkpoint === null; index -= 1) {
        const parsed = parseSignedCheckpoint(notes[index] ?? '');
        if (parsed.ok) {
          checkpoint = {
            origin: parsed.value.checkpoint.origin,
            tree_size: parsed.value.checkpoint.treeSize,
            root_hash: Buffer.from(parsed.value.checkpoint.rootHash).toString('hex'),
            signed_by: parsed.value.signatures.map((signature) => signature.keyName),
          };
        }
      }
      return {
        records,
        head: last === undefined ? null : { seq: last.seq, hash: last.hash },
        checkpoint,
      };
    },
    verify() {
      running ??= verify().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
