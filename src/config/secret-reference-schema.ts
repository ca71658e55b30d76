import { z } from 'zod';

/**
 * `${env:NAME}`, `${file:PATH}` or `${credential:NAME}` (a credential stored encrypted through the
 * admin API): the only way a secret may appear in a configuration file.
 */
export const secretReferencePattern = /^\$\{(env|file|credential):([^}]+)\}$/;

export const secretReference = z
  .string()
  .regex(
    secretReferencePattern,
    'must be a secret reference such as ${env:OPENAI_API_KEY} or ${file:/run/secrets/openai}; secrets are never written into the file',
  );
