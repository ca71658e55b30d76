import { anthropicMessagesIngress } from '../../dialects/anthropic-messages/anthropic-messages-codec.ts';
import type { Route } from '../router.ts';
import { modelOperationHandler } from './model-operation-handler.ts';
import type { RouteHandler } from './route-handler.ts';

/**
 * The Anthropic-dialect routes, for the Anthropic SDKs and tools built on them (Claude Code):
 * errors in Anthropic's shape, keys accepted as `x-api-key` or a bearer token.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export const anthropicModelRoutes: readonly Route<RouteHandler>[] = [
  {
    method: 'POST',
    path: '/v1/messages',
    access: 'model',
    modelRoute: 'messages',
    errorCodec: anthropicMessagesIngress,
    handler: modelOperationHandler(anthropicMessagesIngress, 'chat'),
  },
  {
    method: 'POST',
    path: '/v1/messages/count_tokens',
    access: 'model',
    modelRoute: 'messages',
    errorCodec: anthropicMessagesIngress,
    handler: modelOperationHandler(anthropicMessagesIngress, 'count-tokens'),
  },
];
