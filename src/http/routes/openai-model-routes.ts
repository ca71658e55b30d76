import { openAiChatIngress } from '../../dialects/openai-chat/openai-chat-codec.ts';
import { openAiResponsesIngress } from '../../dialects/openai-responses/openai-responses-codec.ts';
import type { Route } from '../router.ts';
import { modelOperationHandler } from './model-operation-handler.ts';
import type { RouteHandler } from './route-handler.ts';

/**
 * `GET /v1/models`: the models the caller's key may use, in OpenAI's list format.
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
const listModels: RouteHandler = (exchange, dependencies) => {
  const principal = exchange.principal;
  if (principal === undefined) {
    throw new Error('model routes require an authenticated principal');
  }
  const data = dependencies.gateway.listModels(principal).map((model) => ({
    id: model.id,
    object: 'model',
    created: 0,
    owned_by: model.ownedBy,
  }));
  exchange.sendJson(200, { object: 'list', data });
  return Promise.resolve({ status: 200, outcome: 'completed' });
};

/** The OpenAI-dialect routes. */
export const openAiModelRoutes: readonly Route<RouteHandler>[] = [
  {
    method: 'POST',
    path: '/v1/chat/completions',
    access: 'model',
    modelRoute: 'chat',
    errorCodec: openAiChatIngress,
    handler: modelOperationHandler(openAiChatIngress, 'chat'),
  },
  {
    method: 'POST',
    path: '/v1/embeddings',
    access: 'model',
    modelRoute: 'embeddings',
    errorCodec: openAiChatIngress,
    handler: modelOperationHandler(openAiChatIngress, 'embeddings'),
  },
  {
    method: 'POST',
    path: '/v1/responses',
    access: 'model',
    modelRoute: 'responses',
    errorCodec: openAiResponsesIngress,
    handler: modelOperationHandler(openAiResponsesIngress, 'chat'),
  },
  { method: 'GET', path: '/v1/models', access: 'model', modelRoute: 'models', handler: listModels },
];
