/** The ways Signalbox can prove its identity to a provider; each is implemented in `src/auth/`. */
export type AuthSchemeId =
  | 'bearer'
  | 'none'
  | 'x-api-key'
  | 'azure-api-key'
  | 'google-api-key'
  | 'gcp-service-account'
  | 'aws-sigv4'
  | 'azure-entra';
