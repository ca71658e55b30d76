import { describe, expect, it } from 'vitest';
import { errorClasses, type ErrorClass } from '../error-class.ts';
import { failureEffect, type FailureEffect } from './failure-effect.ts';

const expected: Record<ErrorClass, FailureEffect> = {
  'server-error': 'breaker-failure',
  overloaded: 'breaker-failure',
  timeout: 'breaker-failure',
  connection: 'breaker-failure',
  'invalid-response': 'breaker-failure',
  auth: 'breaker-failure',
  'not-found': 'breaker-failure',
  'rate-limited': 'cool-down',
  rejected: 'neutral',
  'context-length': 'neutral',
  'content-policy': 'neutral',
  'output-schema': 'neutral',
  'cascade-rejected': 'neutral',
  unsupported: 'neutral',
  'client-closed': 'neutral',
  internal: 'neutral',
};

describe('failureEffect', () => {
  it.each(errorClasses.map((errorClass) => [errorClass, expected[errorClass]] as const))(
    '%s → %s',
    (errorClass, effect) => {
      expect(failureEffect(errorClass)).toBe(effect);
    },
  );
});
