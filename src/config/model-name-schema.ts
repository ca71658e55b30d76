import { z } from 'zod';

function hasSpaceOrControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code <= 0x20 || code === 0x7f || /\s/.test(value.charAt(index))) {
      return true;
    }
  }
  return false;
}

/** A model name as configuration files write it: 1-256 characters, no spaces or controls. */
export const modelNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .refine(
    (value) => !hasSpaceOrControlCharacter(value),
    'must not contain spaces or control characters',
  );
