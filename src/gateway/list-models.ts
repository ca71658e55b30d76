import { isModelAllowed } from '../pipeline/identity/model-access.ts';
import type { Principal } from '../pipeline/identity/principal.ts';
import type { ListedModel } from '../routing/model-catalog.ts';
import type { RoutingTable } from '../routing/routing-table.ts';

/** The models a caller may use, in catalogue order. */
export function listModels(table: RoutingTable, principal: Principal): ListedModel[] {
  return table.catalog.list().filter((model) => isModelAllowed(principal.allowedModels, model.id));
}
