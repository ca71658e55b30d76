import { readFileSync } from 'node:fs';
import { safeParseJson } from '../../../lib/json.ts';
import {
  InjectionModelError,
  parseInjectionModel,
  type InjectionModel,
} from './injection-model.ts';

/** Where the shipped model lives: `data/guardrails/injection-model.json` at the package root. */
export const shippedInjectionModelPath = new URL(
  '../../../../data/guardrails/injection-model.json',
  import.meta.url,
);

/**
 * Reads and validates an injection model file. Throws {@link InjectionModelError} when the file is
 * unreadable, not JSON, or fails validation; the message names the file problem only.
 */
export function loadInjectionModel(path: string | URL = shippedInjectionModelPath): InjectionModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new InjectionModelError(`injection model: cannot read the file (${reason})`);
  }
  const json = safeParseJson(text);
  if (!json.ok) throw new InjectionModelError('injection model: the file is not valid JSON');
  return parseInjectionModel(json.value);
}
