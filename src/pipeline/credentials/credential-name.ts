/** What a stored credential's name may be: a lowercase identifier such as `openai-prod`. */
export const credentialNamePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** How {@link credentialNamePattern} reads in an error message. */
export const credentialNameRule =
  'must be 1-63 characters: lowercase letters, digits, "-" and "_", starting with a letter or digit';

/** The longest credential value accepted, in bytes of UTF-8. */
export const maxCredentialValueBytes = 16 * 1024;
