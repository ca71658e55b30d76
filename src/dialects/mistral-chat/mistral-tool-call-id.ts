import { createHash } from 'node:crypto';

const mistralIdPattern = /^[A-Za-z0-9]{9}$/;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A tool call id Mistral accepts. Mistral requires ids of exactly nine letters and digits; ids
 * Mistral made are kept, others (from another provider earlier in the conversation) are replaced
 * by nine characters derived from them, the same for a call and its result so they still pair.
 * @see https://docs.mistral.ai/capabilities/function_calling/
 */
export function mistralToolCallId(id: string): string {
  if (mistralIdPattern.test(id)) {
    return id;
  }
  const digest = createHash('sha256').update(id).digest();
  let result = '';
  for (let index = 0; index < 9; index += 1) {
    result += alphabet.charAt((digest[index] ?? 0) % alphabet.length);
  }
  return result;
}
