import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  auditCheckpointFileName,
  defaultAuditOrigin,
  loadAuditSigningKey,
  parseAuditPublicKey,
} from '../app/audit-signing-key.ts';
import { readCheckpointFile } from '../app/audit-checkpoint-file.ts';
import { loadGatewayConfig } from '../app/load-gateway-config.ts';
import { openAuditLogStore } from '../app/open-audit-log-store.ts';
import { verifyAuditPayloads } from '../pipeline/audit/verify-audit-payloads.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import {
  auditExitCode,
  verifyAuditLog,
  type AuditProblem,
  type AuditVerificationReport,
} from '../pipeline/audit/audit-verifier.ts';
import type { CheckpointVerifierKey } from '../pipeline/audit/checkpoint.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const auditUsage = `Usage: signalbox audit verify [options]

Recomputes every audit record hash, the hash chain and the Merkle tree, and checks them against
the signed checkpoints in the checkpoint file. Exit status 0 when intact, 1 when anything is
wrong, 2 on a usage error. See docs/audit.md.

Options:
  --config FILE            configuration whose state directory and storage to use
  --state-dir DIR          embedded state directory (default ./.signalbox; env SIGNALBOX_STATE_DIR)
  --checkpoints FILE       checkpoint file (default <state dir>/${auditCheckpointFileName})
  --origin NAME            the log name checkpoints must carry (default ${defaultAuditOrigin})
  --key-name NAME          the name the trusted key signs under (default: the origin)
  --public-key FILE        trusted Ed25519 public key (PEM, or base64 of the 32 raw bytes)
  --public-key-base64 KEY  trusted public key as base64 of the 32 raw bytes
                           (default: the public half of the configured signing key)
  --json                   print the report as JSON`;

function describeProblem(problem: AuditProblem): string {
  switch (problem.kind) {
    case 'record-hash-mismatch':
      return `record ${String(problem.seq)}: its hash does not match its content`;
    case 'prev-hash-mismatch':
      return `record ${String(problem.seq)}: prevHash does not match the record before it`;
    case 'seq-gap':
      return `records ${String(problem.missingFrom)}..${String(problem.seq - 1)} are missing`;
    case 'seq-out-of-order':
      return `record ${String(problem.seq)} comes after record ${String(problem.after)}`;
    case 'reordered':
      return `record ${String(problem.seq)} links to record ${String(problem.linksTo)}: records were reordered`;
    case 'checkpoint-unparseable':
      return `checkpoint #${String(problem.checkpoint)} is malformed: ${problem.message}`;
    case 'checkpoint-origin-mismatch':
      return `checkpoint #${String(problem.checkpoint)} is from another log (${JSON.stringify(problem.origin)})`;
    case 'checkpoint-unknown-key':
      return `checkpoint #${String(problem.checkpoint)} is signed by no trusted key (${problem.keys.join(', ')})`;
    case 'checkpoint-bad-signature':
      return `checkpoint #${String(problem.checkpoint)} has a bad signature by ${problem.keys.join(', ')}`;
    case 'checkpoint-truncated':
      return `checkpoint #${String(problem.checkpoint)} covers ${String(problem.treeSize)} records but only ${String(problem.recordCount)} exist: the log was truncated`;
    case 'checkpoint-root-mismatch':
      return `checkpoint #${String(problem.checkpoint)}: the root of the first ${String(problem.treeSize)} records differs from the signed root`;
    case 'payload-digest-mismatch':
      return `record ${String(problem.seq)}: its kept payload is not the one the record names`;
    case 'payload-without-record':
      return `a payload is kept for record ${String(problem.seq)}, which does not exist`;
    case 'checkpoint-size-decreased':
      return `checkpoint #${String(problem.checkpoint)} has size ${String(problem.treeSize)}, smaller than an earlier ${String(problem.previousSize)}`;
  }
}

/** The human form of a report. */
export function formatAuditReport(report: AuditVerificationReport): string {
  const lines = [
    report.intact ? 'Audit log intact.' : 'Audit log NOT intact.',
    `Records: ${String(report.recordCount)}; checkpoints verified: ${String(report.checkpointsVerified)}` +
      (report.latestCheckpointSize === null
        ? ''
        : `; latest covers ${String(report.latestCheckpointSize)} records`),
  ];
  if (report.firstBadSeq !== null) lines.push(`First bad record: ${String(report.firstBadSeq)}`);
  for (const problem of report.problems) lines.push(`  problem: ${describeProblem(problem)}`);
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
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

/** `signalbox audit verify`. */
export async function auditCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      'state-dir': { type: 'string' },
      checkpoints: { type: 'string' },
      origin: { type: 'string' },
      'key-name': { type: 'string' },
      'public-key': { type: 'string' },
      'public-key-base64': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (action !== 'verify') throw new UsageError('audit needs an action: verify');
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`);
  if (values['public-key'] !== undefined && values['public-key-base64'] !== undefined) {
    throw new UsageError('give only one of --public-key and --public-key-base64');
  }
  const environment = readProcessEnvironment();
  const { config } = loadGatewayConfig(values.config, environment, {
    stateDir: values['state-dir'],
  });
  const origin = values.origin ?? defaultAuditOrigin;
  const keyName = values['key-name'] ?? origin;
  const trustedKeys: CheckpointVerifierKey[] = [];
  if (values['public-key'] !== undefined) {
    const path = values['public-key'];
    trustedKeys.push({
      name: keyName,
      publicKey: parseAuditPublicKey(readFileSync(path, 'utf8'), path),
    });
  } else if (values['public-key-base64'] !== undefined) {
    trustedKeys.push({
      name: keyName,
      publicKey: parseAuditPublicKey(values['public-key-base64'], '--public-key-base64'),
    });
  } else {
    const key = loadAuditSigningKey({
      environment,
      stateDir: config.stateDir,
      keyName,
      create: false,
    });
    if (key !== undefined) trustedKeys.push(key.verifier);
  }
  const checkpointText = await readCheckpointFile(
    values.checkpoints ?? join(config.stateDir, auditCheckpointFileName),
  );
  const opened = await openAuditLogStore(config.storage, config.stateDir);
  try {
    const chain = await verifyAuditLog(opened.store, { origin, checkpointText, trustedKeys });
    const kept = await verifyAuditPayloads(opened.store, opened.payloads);
    const report = withPayloadProblems(chain, kept.problems);
    const warnings =
      trustedKeys.length === 0 && checkpointText !== ''
        ? [...report.warnings, 'no trusted public key: give --public-key to check signatures']
        : report.warnings;
    const shown = { ...report, warnings };
    io.out(values.json === true ? JSON.stringify(shown, null, 2) : formatAuditReport(shown));
    return auditExitCode(report);
  } finally {
    await opened.close();
  }
}
