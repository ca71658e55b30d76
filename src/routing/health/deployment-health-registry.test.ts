import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import { DeploymentHealthRegistry } from './deployment-health-registry.ts';
import { defaultHealthPolicies, type HealthPolicies } from './deployment-health.ts';

const policies: HealthPolicies = {
  ...defaultHealthPolicies,
  breaker: { windowMs: 10_000, minRequests: 1, failureRate: 1, openMs: 5000, halfOpenProbes: 1 },
};

describe('DeploymentHealthRegistry', () => {
  it('creates a deployment’s health on first use and returns the same one after', () => {
    const registry = new DeploymentHealthRegistry(new ManualClock(0), policies);
    expect(registry.find('a')).toBeUndefined();
    const health = registry.get('a');
    expect(registry.get('a')).toBe(health);
    expect(registry.find('a')).toBe(health);
    expect(health.id).toBe('a');
    expect(health.policies).toBe(policies);
  });

  it('uses the documented defaults without policies', () => {
    const registry = new DeploymentHealthRegistry(new ManualClock(0));
    expect(registry.policies).toBe(defaultHealthPolicies);
    expect(defaultHealthPolicies.cooldownMs).toBe(5000);
  });

  it('applies new policies to existing and future deployments, keeping their state', () => {
    const registry = new DeploymentHealthRegistry(new ManualClock(0), policies);
    const health = registry.get('a');
    const ticket = health.begin(0, 100);
    expect(ticket).toBeDefined();
    const next: HealthPolicies = { ...policies, cooldownMs: 9000 };
    registry.setPolicies(next);
    expect(registry.policies).toBe(next);
    expect(health.policies).toBe(next);
    expect(registry.get('b').policies).toBe(next);
    expect(health.load(0)).toMatchObject({
      inFlight: 1,
      requestsLastMinute: 1,
      tokensLastMinute: 100,
    });
  });

  it('lists views of every deployment sorted by id', () => {
    const registry = new DeploymentHealthRegistry(new ManualClock(0), policies);
    registry.get('openai/gpt-4o');
    registry.get('anthropic/claude');
    const failing = registry.get('groq/llama');
    const ticket = failing.begin(0, 0);
    if (ticket !== undefined) {
      failing.failed(ticket, 0, 'server-error');
    }
    const views = registry.views(0);
    expect(views.map((view) => view.id)).toEqual([
      'anthropic/claude',
      'groq/llama',
      'openai/gpt-4o',
    ]);
    expect(views.map((view) => view.circuit)).toEqual(['closed', 'open', 'closed']);
  });

  it('keeps health across a reload for the deployments still configured, dropping the rest', () => {
    const registry = new DeploymentHealthRegistry(new ManualClock(0), policies);
    const kept = registry.get('kept');
    const dropped = registry.get('dropped');
    const keptTicket = kept.begin(0, 0);
    if (keptTicket !== undefined) {
      kept.failed(keptTicket, 0, 'timeout');
    }
    const staleTicket = dropped.begin(0, 0);
    registry.retain(new Set(['kept', 'added']));
    expect(registry.find('dropped')).toBeUndefined();
    expect(registry.get('kept')).toBe(kept);
    expect(registry.get('kept').availability(100)).toMatchObject({ reason: 'circuit-open' });
    expect(registry.views(0).map((view) => view.id)).toEqual(['kept']);
    // A deployment configured again starts afresh and ignores what its predecessor issued.
    const again = registry.get('dropped');
    expect(again).not.toBe(dropped);
    if (staleTicket !== undefined) {
      again.failed(staleTicket, 0, 'server-error');
      again.finished(staleTicket);
    }
    expect(again.view(0)).toMatchObject({ circuit: 'closed', inFlight: 0 });
  });

  it('accepts any iterable of ids to retain', () => {
    const registry = new DeploymentHealthRegistry(new ManualClock(0), policies);
    registry.get('a');
    registry.get('b');
    registry.retain(['b']);
    expect(registry.views(0).map((view) => view.id)).toEqual(['b']);
    registry.retain([]);
    expect(registry.views(0)).toEqual([]);
  });
});
