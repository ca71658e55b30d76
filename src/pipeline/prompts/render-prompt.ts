import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject } from '../../lib/json.ts';
import { shortened } from './prompt-names.ts';
import { valueProblem, type PromptTemplate, type PromptVariable } from './prompt-template.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

function asText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/** The text of one variable: the request's value, else its default, else empty (optional). */
function textOf(
  variable: PromptVariable,
  given: Readonly<Record<string, unknown>>,
  param: string,
): string {
  // An own-property test, so `constructor` or `__proto__` never reads the prototype's member.
  if (!Object.hasOwn(given, variable.name)) {
    if (variable.default !== undefined) return asText(variable.default);
    if (variable.required) {
      throw invalid(
        `${param}.${variable.name}`,
        `The prompt variable \`${variable.name}\` is required.`,
      );
    }
    return '';
  }
  const value = given[variable.name];
  const problem = valueProblem(variable, value);
  if (problem !== undefined) {
    throw invalid(
      `${param}.${variable.name}`,
      `The prompt variable \`${variable.name}\` ${problem}.`,
    );
  }
  return asText(value as string | number | boolean);
}

/**
 * Renders a template with a request's variables (`param` names them in errors, as
 * `prompt.variables`). Pure. Substitution is one pass over the template's text: each value is
 * inserted as it is and never read again, so braces, `${…}` or tags in a value stay literal, and
 * nothing is ever evaluated. Throws `GatewayError` `SB_ERR_REQUEST_INVALID` naming the variable
 * for variables that are not an object, an undeclared name, a missing required one, or a value of
 * the wrong type or too long.
 */
export function renderPrompt(
  template: PromptTemplate,
  variables: unknown,
  param: string,
): RequestPreamble {
  const given = variables ?? {};
  if (!isJsonObject(given)) {
    throw invalid(param, 'The prompt variables must be an object of names and values.');
  }
  for (const name of Object.keys(given)) {
    if (!template.variables.has(name)) {
      const shown = shortened(name);
      throw invalid(`${param}.${shown}`, `\`${shown}\` is not a variable of this prompt.`);
    }
  }
  const texts = new Map<string, string>();
  for (const variable of template.variables.values()) {
    texts.set(variable.name, textOf(variable, given, param));
  }
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: string }[] = [];
  for (const message of template.messages) {
    let content = '';
    for (const segment of message.segments) {
      content += typeof segment === 'string' ? segment : (texts.get(segment.name) ?? '');
    }
    if (message.role === 'system') system.push(content);
    else messages.push({ role: message.role, content });
  }
  return { system, messages };
}
