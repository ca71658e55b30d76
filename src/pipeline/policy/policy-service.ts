import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import type { PolicyActivation, PolicyStore, PolicyVersionRecord } from '../../storage/ports.ts';
import { scoreInjection } from '../guardrails/injection/detect-injection.ts';
import { compilePolicy, type CompiledPolicy } from './compiled-policy.ts';

/** A stored version as the admin API shows it. */
export interface PolicyVersionView {
  readonly version: string;
  readonly name: string;
  readonly created_at: string;
  readonly created_by: string;
}

/** The policy in force, as the admin API shows it. */
export interface ActivePolicyView extends PolicyVersionView {
  readonly text: string;
  readonly activated_at: string;
  readonly activated_by: string;
}

/**
 * A policy ready to serve: the injection model is loaded now (once per process), not by the
 * first request, whose detector time budget it would spend.
 */
function warmed(policy: CompiledPolicy): CompiledPolicy {
  if (policy.usesInjectionScore) {
    try {
      scoreInjection('');
    } catch {
      // A broken model file fails the requests that need it (closed), not the rollout.
    }
  }
  return policy;
}

/** The largest policy document accepted, in bytes. */
export const maxPolicyBytes = 256 * 1024;

function toView(record: PolicyVersionRecord): PolicyVersionView {
  return {
    version: record.version,
    name: record.name,
    created_at: new Date(record.createdAt).toISOString(),
    created_by: record.createdBy,
  };
}

function toActiveView(record: PolicyVersionRecord, activation: PolicyActivation): ActivePolicyView {
  return {
    ...toView(record),
    text: record.text,
    activated_at: new Date(activation.activatedAt).toISOString(),
    activated_by: activation.activatedBy,
  };
}

/**
 * Policies as admin actions and the policy in force. A document is validated and stored under its
 * version (the hash of its meaning), then put in force with one append to the activation history,
 * so every replica switches atomically from one version to the next when it next refreshes (about
 * once a second); a rollback activates an earlier version. `current()` never waits on storage.
 */
export class PolicyService {
  readonly #store: PolicyStore;
  readonly #clock: Clock;
  #current: CompiledPolicy | undefined;

  constructor(store: PolicyStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** The policy in force in this process (undefined: none, every request is permitted). */
  current(): CompiledPolicy | undefined {
    return this.#current;
  }

  /** Loads the version in force if it changed. Rejects only on storage failure. */
  async refresh(): Promise<void> {
    const active = await this.#store.active();
    if (active === undefined) {
      this.#current = undefined;
      return;
    }
    if (this.#current?.version === active.record.version) return;
    const compiled = compilePolicy(active.record.text);
    if (!compiled.ok) {
      // Stored versions were valid when stored; an older Signalbox may have stored one this one
      // reads differently. Keep what is in force rather than drop every rule.
      throw new Error(`the policy in force (${active.record.version}) no longer compiles`);
    }
    this.#current = warmed(compiled.policy);
  }

  /**
   * Validates, stores and puts a document in force. Throws `GatewayError` 400 listing every
   * problem of an invalid document (nothing is stored then).
   */
  async apply(
    text: string,
    by: string,
  ): Promise<{ readonly policy: ActivePolicyView; readonly unchanged: boolean }> {
    if (Buffer.byteLength(text) > maxPolicyBytes) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: '(body)',
        detail: `A policy document may be at most ${String(maxPolicyBytes / 1024)} KiB.`,
      });
    }
    const compiled = compilePolicy(text);
    if (!compiled.ok) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: '(body)',
        detail: `The policy is not valid: ${compiled.problems.slice(0, 20).join('; ')}.`,
      });
    }
    const policy = compiled.policy;
    const now = this.#clock.now();
    const before = await this.#store.active();
    await this.#store.saveVersion({
      version: policy.version,
      name: policy.name,
      text,
      createdAt: now,
      createdBy: by,
    });
    const record = (await this.#store.findVersion(policy.version)) ?? {
      version: policy.version,
      name: policy.name,
      text,
      createdAt: now,
      createdBy: by,
    };
    if (before?.record.version === policy.version) {
      return { policy: toActiveView(before.record, before.activation), unchanged: true };
    }
    const activation = await this.#store.activate(policy.version, now, by);
    this.#current = warmed(policy);
    return { policy: toActiveView(record, activation), unchanged: false };
  }

  /** Puts a stored version back in force (a rollback); undefined when there is no such version. */
  async activate(version: string, by: string): Promise<ActivePolicyView | undefined> {
    const record = await this.#store.findVersion(version);
    if (record === undefined) return undefined;
    const compiled = compilePolicy(record.text);
    if (!compiled.ok) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'version',
        detail: 'That version does not compile with this Signalbox.',
      });
    }
    const activation = await this.#store.activate(version, this.#clock.now(), by);
    this.#current = warmed(compiled.policy);
    return toActiveView(record, activation);
  }

  async active(): Promise<ActivePolicyView | undefined> {
    const active = await this.#store.active();
    return active === undefined ? undefined : toActiveView(active.record, active.activation);
  }

  async versions(limit: number): Promise<PolicyVersionView[]> {
    return (await this.#store.listVersions(limit)).map(toView);
  }

  async version(version: string): Promise<(PolicyVersionView & { text: string }) | undefined> {
    const record = await this.#store.findVersion(version);
    return record === undefined ? undefined : { ...toView(record), text: record.text };
  }

  async activations(
    limit: number,
  ): Promise<
    { readonly version: string; readonly activated_at: string; readonly activated_by: string }[]
  > {
    return (await this.#store.listActivations(limit)).map((activation) => ({
      version: activation.version,
      activated_at: new Date(activation.activatedAt).toISOString(),
      activated_by: activation.activatedBy,
    }));
  }

  /**
   * A unified diff between two stored versions; undefined when either is unknown. The diff
   * package loads on the first call: only the admin API and the console ask for diffs.
   */
  async diff(from: string, to: string): Promise<string | undefined> {
    const [left, right] = await Promise.all([
      this.#store.findVersion(from),
      this.#store.findVersion(to),
    ]);
    if (left === undefined || right === undefined) return undefined;
    const { createTwoFilesPatch } = await import('diff');
    return createTwoFilesPatch(
      `policy@${from.slice(0, 12)}`,
      `policy@${to.slice(0, 12)}`,
      left.text,
      right.text,
    );
  }
}
