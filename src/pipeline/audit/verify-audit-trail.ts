import type { AuditLogStore, AuditPayloadStore } from '../../storage/ports.ts';
import {
  verifyAuditLog,
  type AuditProblem,
  type AuditVerificationInput,
  type AuditVerificationReport,
} from './audit-verifier.ts';
import { verifyAuditPayloads } from './verify-audit-payloads.ts';

/** What `verifyAuditTrail` checks: the chained log, its kept payloads and its checkpoints. */
export interface AuditTrailVerificationInput extends AuditVerificationInput {
  readonly log: Pick<AuditLogStore, 'read'>;
  readonly payloads: Pick<AuditPayloadStore, 'list'>;
}

/** The report with the payload check's problems added (kept payloads must match their records). */
function withPayloadProblems(
  report: AuditVerificationReport,
  problems: readonly AuditProblem[],
): AuditVerificationReport {
  if (problems.length === 0) return report;
  const seqs = problems.flatMap((problem) => ('seq' in problem ? [problem.seq] : []));
  return {
    ...report,
    intact: false,
    firstBadSeq: Math.min(report.firstBadSeq ?? Number.MAX_SAFE_INTEGER, ...seqs),
    problems: [...report.problems, ...problems],
  };
}

/**
 * Everything `signalbox audit verify` checks, shared with `POST /admin/audit/verify`: the hash
 * chain and Merkle tree against the signed checkpoints (`verifyAuditLog`), then every kept
 * payload against its record. Reads page by page (memory stays bounded). Adds a warning when
 * checkpoints exist but no trusted key was given. Rejects only when a store fails.
 */
export async function verifyAuditTrail(
  input: AuditTrailVerificationInput,
): Promise<AuditVerificationReport> {
  const chain = await verifyAuditLog(input.log, input);
  const kept = await verifyAuditPayloads(input.log, input.payloads, input.pageSize);
  const report = withPayloadProblems(chain, kept.problems);
  return input.trustedKeys.length === 0 && input.checkpointText !== ''
    ? {
        ...report,
        warnings: [
          ...report.warnings,
          'no trusted public key: give --public-key to check signatures',
        ],
      }
    : report;
}
