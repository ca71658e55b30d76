import { isJsonObject } from '../../lib/json.ts';
import { formatLitellmPath } from './conversion-report.ts';

const sections = [
  'router_settings',
  'litellm_settings',
  'general_settings',
  'environment_variables',
];

/**
 * The problems that make a file unusable as a LiteLLM proxy configuration, one line each as
 * `litellm.<path>: <problem>`; empty when the file has the shape the conversion relies on: a
 * mapping with a `model_list` of entries that each have a `model_name` and a
 * `litellm_params.model`. Pure.
 */
export function checkLitellmShape(input: unknown): string[] {
  if (input === null || input === undefined) {
    return ['litellm: the file is empty'];
  }
  if (!isJsonObject(input)) {
    return ['litellm: expected a mapping with model_list, router_settings, litellm_settings, ...'];
  }
  const problems: string[] = [];
  const problem = (path: (string | number)[], message: string): void => {
    problems.push(`${formatLitellmPath(path)}: ${message}`);
  };
  if (!('model_list' in input)) {
    problem(['model_list'], 'is missing; is this a LiteLLM proxy config.yaml?');
  } else if (!Array.isArray(input.model_list)) {
    problem(['model_list'], 'must be a list of deployments');
  } else {
    input.model_list.forEach((entry: unknown, index) => {
      const at = ['model_list', index];
      if (!isJsonObject(entry)) {
        problem(at, 'must be a mapping with model_name and litellm_params');
        return;
      }
      if (typeof entry.model_name !== 'string' || entry.model_name.trim() === '') {
        problem([...at, 'model_name'], 'is required (the name clients send)');
      }
      if (!isJsonObject(entry.litellm_params)) {
        problem([...at, 'litellm_params'], 'is required (a mapping with at least model)');
      } else if (
        typeof entry.litellm_params.model !== 'string' ||
        entry.litellm_params.model.trim() === ''
      ) {
        problem([...at, 'litellm_params', 'model'], 'is required (such as openai/gpt-4o)');
      }
    });
  }
  for (const section of sections) {
    const value = input[section];
    if (value !== undefined && value !== null && !isJsonObject(value)) {
      problem([section], 'must be a mapping');
    }
  }
  if (
    input.credential_list !== undefined &&
    input.credential_list !== null &&
    !Array.isArray(input.credential_list)
  ) {
    problem(['credential_list'], 'must be a list');
  }
  return problems;
}
