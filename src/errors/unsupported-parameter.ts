import { GatewayError } from './gateway-error.ts';

/**
 * The 400 for a request parameter the chosen target cannot honour, naming both, so the client
 * can drop the parameter or pick another model.
 */
export function unsupportedParameterError(
  parameter: string,
  target: string,
  reason?: string,
): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', {
    param: parameter,
    detail: `\`${parameter}\` cannot be sent to ${target}${reason === undefined ? '' : ` (${reason})`}. Remove it, choose another model, or set drop_unsupported_params on the provider.`,
  });
}
