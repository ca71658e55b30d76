import type { AuditProblem } from './audit-verifier.ts';

/** One sentence saying what is wrong, for people (the CLI and the admin API). Pure. */
export function describeAuditProblem(problem: AuditProblem): string {
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
