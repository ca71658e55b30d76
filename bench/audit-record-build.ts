// Audit record build time: what chaining one request's audit event costs the event loop
// (canonical JSON of the payload, then the record hash), without the store. Builds a chain of
// realistic request events many times in this process and reports the time per record.
//
// Run: node bench/audit-record-build.ts [--records N] [--rounds N]
import { parseArgs } from 'node:util';
import { buildAuditRecords, type AuditEvent } from '../src/pipeline/audit/audit-record.ts';
import { median } from './sample-statistics.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
  },
});
const records = Number(values.records);
const rounds = Number(values.rounds);

/** The payload of one model request's audit event, shaped as `auditEventOfRequest` writes it. */
function requestEvent(index: number): AuditEvent {
  return {
    at: 1_795_000_000_000 + index,
    kind: 'request',
    payload: {
      request_id: `req_01JX${String(index).padStart(20, '0')}`,
      route: '/v1/chat/completions',
      status: 200,
      outcome: 'completed',
      error_code: null,
      identity: { key_id: 'key_bench', org: 'default', user: null, agent: null, end_user: null },
      requested_model: 'gpt-4o-mini',
      served: { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', deployment: 'openai-east' },
      route_reason: 'priority',
      attempts: [{ deployment: 'openai-east', outcome: 'ok', error_code: null, status: 200 }],
      policy: {
        outcome: 'permit',
        rules: ['flag-pii'],
        detected: { email: 1, phone: 0 },
        redacted: {},
      },
      tokens: { input: 42 + (index % 7), output: 128 },
      cost_micro_usd: 97,
      duration_ms: 412,
      stream: false,
    },
  };
}

const events = Array.from({ length: records }, (_, index) => requestEvent(index));
const perRecordUs: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const started = performance.now();
  buildAuditRecords(undefined, events);
  perRecordUs.push(((performance.now() - started) * 1000) / records);
}
// The first round warms the compiler up; the median of the others is the figure.
const measured = perRecordUs.slice(1).sort((a, b) => a - b);
console.log(
  `audit record build: ${median(measured).toFixed(2)} µs per record (median of ${String(measured.length)} rounds of ${String(records)}; rounds ${measured.map((value) => value.toFixed(2)).join(', ')})`,
);
