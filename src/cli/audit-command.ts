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
import { describeAuditProblem } from '../pipeline/audit/describe-audit-problem.ts';
import { verifyAuditTrail } from '../pipeline/audit/verify-audit-trail.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import { auditExitCode, type AuditVerificationReport } from '../pipeline/audit/audit-verifier.ts';
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
  for (const problem of report.problems) lines.push(`  problem: ${describeAuditProblem(problem)}`);
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
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
    const report = await verifyAuditTrail({
      log: opened.store,
      payloads: opened.payloads,
      origin,
      checkpointText,
      trustedKeys,
    });
    io.out(values.json === true ? JSON.stringify(report, null, 2) : formatAuditReport(report));
    return auditExitCode(report);
  } finally {
    await opened.close();
  }
}
