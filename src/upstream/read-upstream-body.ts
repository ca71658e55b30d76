import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamResponse } from './send-upstream-request.ts';

/**
 * Reads a whole (non-streamed) upstream body, refusing more than `maxBytes`. Releases the
 * exchange in every case. Throws `GatewayError`.
 */
export async function readUpstreamBody(
  response: UpstreamResponse,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) {
        throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
          internalDetail: `response body exceeded ${maxBytes} bytes`,
        });
      }
      chunks.push(buffer);
    }
  } catch (error) {
    throw response.explainFailure(error);
  } finally {
    response.release();
  }
  return chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks, size);
}
