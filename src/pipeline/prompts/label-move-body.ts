import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject } from '../../lib/json.ts';
import { readVersionNumber } from '../../lib/version-number.ts';
import type { PromptLabelTarget } from '../../storage/prompt-store.ts';

/** The most versions one label may split its traffic between. */
export const maxLabelTargets = 10;

/** The largest relative weight of one target. */
export const maxTargetWeight = 10_000;

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

function readTarget(value: unknown, index: number): PromptLabelTarget {
  const at = `targets[${String(index)}]`;
  if (!isJsonObject(value)) throw invalid(at, 'A target is an object with version and weight.');
  for (const name of Object.keys(value)) {
    if (name !== 'version' && name !== 'weight') {
      throw invalid(`${at}.${name.slice(0, 80)}`, 'A target has only version and weight.');
    }
  }
  const version = readVersionNumber(value.version);
  if (version === undefined) throw invalid(`${at}.version`, 'A version is a positive integer.');
  const weight = value.weight;
  if (
    typeof weight !== 'number' ||
    !Number.isInteger(weight) ||
    weight < 1 ||
    weight > maxTargetWeight
  ) {
    throw invalid(
      `${at}.weight`,
      `A weight is an integer from 1 to ${String(maxTargetWeight)} (weights are relative).`,
    );
  }
  return { version, weight };
}

/**
 * Reads the body of `PUT /admin/prompts/{id}/labels/{label}`: `{"version": 3}` (weight 1) or
 * `{"targets": [{"version": 3, "weight": 90}, …]}` (1–10 distinct versions). Pure; throws
 * `GatewayError` `SB_ERR_REQUEST_INVALID` naming the field at fault.
 */
export function readLabelMoveBody(body: unknown): PromptLabelTarget[] {
  if (!isJsonObject(body)) {
    throw invalid(
      '(body)',
      'The body is {"version": n} or {"targets": [{"version": n, "weight": w}]}.',
    );
  }
  for (const name of Object.keys(body)) {
    if (name !== 'version' && name !== 'targets') {
      throw invalid(name.slice(0, 80), 'The body has only version or targets.');
    }
  }
  if (body.version !== undefined && body.targets !== undefined) {
    throw invalid('version', 'Give version or targets, not both.');
  }
  if (body.version !== undefined) {
    const version = readVersionNumber(body.version);
    if (version === undefined) throw invalid('version', 'A version is a positive integer.');
    return [{ version, weight: 1 }];
  }
  const targets = body.targets;
  if (!Array.isArray(targets) || targets.length < 1 || targets.length > maxLabelTargets) {
    throw invalid(
      'targets',
      `Give version, or targets: a list of 1 to ${String(maxLabelTargets)} versions with weights.`,
    );
  }
  const read = targets.map((target: unknown, index) => readTarget(target, index));
  if (new Set(read.map((target) => target.version)).size !== read.length) {
    throw invalid('targets', 'Each version may appear once among the targets.');
  }
  return read;
}
