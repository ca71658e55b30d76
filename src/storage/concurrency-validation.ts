import type { ConcurrencyLease, ConcurrencyRequest } from './ports.ts';

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** Throws `RangeError` unless `id` is a non-empty string. Pure. */
export function validateLeaseId(id: string): void {
  if (typeof id !== 'string' || id === '') {
    throw new RangeError('A concurrency lease id must be a non-empty string.');
  }
}

/** Throws `RangeError` unless `ttlMs` is a positive integer. Pure. */
export function validateLeaseTtl(ttlMs: number): void {
  if (!isPositiveInteger(ttlMs)) {
    throw new RangeError('A concurrency lease ttlMs must be a positive integer.');
  }
}

/** Throws `RangeError` unless every key is a non-empty string listed once. Pure. */
export function validateConcurrencyKeys(keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (typeof key !== 'string' || key === '') {
      throw new RangeError('A concurrency key must be a non-empty string.');
    }
    if (seen.has(key)) {
      throw new RangeError(`The concurrency key "${key}" is listed twice in one call.`);
    }
    seen.add(key);
  }
}

/**
 * Throws `RangeError` unless the keys are valid (see {@link validateConcurrencyKeys}), every limit
 * is a positive integer and the lease has a non-empty id and a positive integer TTL. Pure.
 */
export function validateConcurrencyAcquire(
  requests: readonly ConcurrencyRequest[],
  lease: ConcurrencyLease,
): void {
  validateConcurrencyKeys(requests.map((request) => request.key));
  for (const request of requests) {
    if (!isPositiveInteger(request.limit)) {
      throw new RangeError(`Concurrency limit "${request.key}": limit must be a positive integer.`);
    }
  }
  validateLeaseId(lease.id);
  validateLeaseTtl(lease.ttlMs);
}
