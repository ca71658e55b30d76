import { GatewayError } from '../errors/gateway-error.ts';

const tagPattern = /^[a-z0-9][a-z0-9_.:-]{0,62}$/;
const regionPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What the client requires of the deployment that serves it. */
export interface PlacementRequirements {
  /** Tags every eligible deployment must carry (`x-signalbox-tags: zdr, hipaa`). */
  readonly tags: readonly string[];
  /** The region an eligible deployment must be in (`x-signalbox-region: eu`). */
  readonly region: string | undefined;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function single(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: `header ${name}`,
      detail: `Send \`${name}\` once.`,
    });
  }
  return value;
}

/**
 * Reads the client's placement requirements. They only narrow the deployments an operator
 * configured (compliance: "only zero-data-retention deployments"); they never name a destination.
 * Throws `GatewayError` (400) for malformed values, so a misspelt requirement is never ignored.
 */
export function readPlacementHeaders(headers: Headers): PlacementRequirements {
  const tagText = single(headers, 'x-signalbox-tags');
  const regionText = single(headers, 'x-signalbox-region');
  const tags =
    tagText === undefined
      ? []
      : [...new Set(tagText.split(',').map((tag) => tag.trim().toLowerCase()))].filter(
          (tag) => tag !== '',
        );
  if (tags.length > 32 || !tags.every((tag) => tagPattern.test(tag))) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'header x-signalbox-tags',
      detail: 'x-signalbox-tags must be up to 32 comma-separated lowercase labels such as zdr, eu.',
    });
  }
  const region = regionText?.trim().toLowerCase();
  if (region !== undefined && region !== '' && !regionPattern.test(region)) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'header x-signalbox-region',
      detail: 'x-signalbox-region must be a region name such as eu-west-1.',
    });
  }
  return { tags, region: region === '' ? undefined : region };
}
