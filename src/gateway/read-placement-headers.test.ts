import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { readPlacementHeaders } from './read-placement-headers.ts';

type Headers = Parameters<typeof readPlacementHeaders>[0];

function refusal(headers: Headers): GatewayError {
  try {
    readPlacementHeaders(headers);
  } catch (error) {
    if (error instanceof GatewayError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(headers)} to be refused`);
}

const thirtyTwo = Array.from({ length: 32 }, (_, index) => `t${index}`);

describe('readPlacementHeaders', () => {
  it('requires nothing without the headers', () => {
    expect(readPlacementHeaders({ 'content-type': 'application/json' })).toEqual({
      tags: [],
      region: undefined,
    });
  });

  it.each([
    { header: 'zdr', tags: ['zdr'] },
    { header: 'zdr,hipaa', tags: ['zdr', 'hipaa'] },
    { header: ' zdr ,  hipaa\t', tags: ['zdr', 'hipaa'] },
    { header: 'ZDR, Hipaa', tags: ['zdr', 'hipaa'] },
    { header: 'zdr,ZDR, zdr ,hipaa,zdr', tags: ['zdr', 'hipaa'] },
    { header: 'zdr,,hipaa,', tags: ['zdr', 'hipaa'] },
    { header: '', tags: [] },
    { header: ' , ,', tags: [] },
    { header: 'eu-west.1:a_b', tags: ['eu-west.1:a_b'] },
    { header: '0', tags: ['0'] },
    { header: 'a'.repeat(63), tags: ['a'.repeat(63)] },
    { header: thirtyTwo.join(','), tags: thirtyTwo },
    // Duplicates count once towards the limit of 32.
    { header: [...thirtyTwo, ...thirtyTwo].join(','), tags: thirtyTwo },
  ])('reads tags $header as $tags', ({ header, tags }) => {
    expect(readPlacementHeaders({ 'x-signalbox-tags': header })).toEqual({
      tags,
      region: undefined,
    });
  });

  it.each([
    { header: 'eu-west-1', region: 'eu-west-1' },
    { header: ' EU-West-1 ', region: 'eu-west-1' },
    { header: 'eu', region: 'eu' },
    { header: '1', region: '1' },
    { header: 'a'.repeat(63), region: 'a'.repeat(63) },
    // Regression: an empty region header was refused as malformed, although an empty tags header
    // means "no requirement" and the code meant the same for the region.
    { header: '', region: undefined },
    { header: '   ', region: undefined },
  ])('reads region $header as $region', ({ header, region }) => {
    expect(readPlacementHeaders({ 'x-signalbox-region': header })).toEqual({ tags: [], region });
  });

  it('reads both together', () => {
    expect(
      readPlacementHeaders({ 'x-signalbox-tags': 'zdr, eu', 'x-signalbox-region': 'eu-west-1' }),
    ).toEqual({ tags: ['zdr', 'eu'], region: 'eu-west-1' });
  });

  it.each([
    'zdr hipaa',
    'zdr;hipaa',
    '-zdr',
    '.zdr',
    '_zdr',
    'zdr/eu',
    'zdŕ',
    'a'.repeat(64),
    'zdr,ok,"quoted"',
    [...thirtyTwo, 't32'].join(','),
  ])('refuses tags %j with 400', (header) => {
    const error = refusal({ 'x-signalbox-tags': header });
    expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
    expect(error.status).toBe(400);
    expect(error.param).toBe('header x-signalbox-tags');
  });

  it.each(['eu_west_1', 'eu west', '-eu', 'eu.west', 'eu/west', 'a'.repeat(64), 'éu'])(
    'refuses region %j with 400',
    (header) => {
      const error = refusal({ 'x-signalbox-region': header });
      expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
      expect(error.status).toBe(400);
      expect(error.param).toBe('header x-signalbox-region');
    },
  );

  it.each(['x-signalbox-tags', 'x-signalbox-region'])('refuses a repeated %s with 400', (name) => {
    const error = refusal({ [name]: ['eu', 'eu'] });
    expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
    expect(error.status).toBe(400);
    expect(error.param).toBe(`header ${name}`);
    expect(error.publicMessage).toContain(`Send \`${name}\` once.`);
  });

  it('refuses a malformed region even with valid tags', () => {
    expect(refusal({ 'x-signalbox-tags': 'zdr', 'x-signalbox-region': 'eu west' }).param).toBe(
      'header x-signalbox-region',
    );
  });
});
