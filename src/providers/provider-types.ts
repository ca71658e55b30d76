import { firstPartyProviderTypes } from './first-party-provider-types.ts';
import { openAiCompatibleProviderTypes } from './openai-compatible-provider-types.ts';
import type { ProviderType } from './provider-type.ts';

/** Every provider type Signalbox knows, first-party APIs first. */
export const providerTypes: readonly ProviderType[] = [
  ...firstPartyProviderTypes,
  ...openAiCompatibleProviderTypes,
];
