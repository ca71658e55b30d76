import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../../src/lib/json.ts';

// security.md §1 I1 (a malicious release of a dependency): what a test can hold in place.
// Versions are pinned exactly, the lockfile pins every package by integrity hash, and the
// packages allowed to run install scripts are a reviewed list: a new dependency with an install
// script fails here until someone has looked at it.

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

interface Lockfile {
  readonly lockfileVersion: number;
  readonly packages: Record<
    string,
    { readonly integrity?: string; readonly link?: boolean; readonly hasInstallScript?: boolean }
  >;
}

function readJson(name: string): unknown {
  const parsed = safeParseJson(readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(`${name} is not JSON`);
  return parsed.value;
}

/** Packages whose install scripts were reviewed (native builds or prebuilt binaries). */
const reviewedInstallScripts = [
  'node_modules/node',
  'node_modules/protobufjs',
  'node_modules/usearch',
];

describe('I1: the dependency supply chain', () => {
  it('pins every direct dependency to an exact version, and npm keeps it so', () => {
    const manifest = readJson('package.json') as Manifest;
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    expect(Object.keys(all).length).toBeGreaterThan(10);
    const ranged = Object.entries(all).filter(
      ([, version]) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version),
    );
    expect(ranged).toEqual([]);
    expect(readFileSync(new URL('../../.npmrc', import.meta.url), 'utf8')).toMatch(
      /^save-exact=true$/m,
    );
  });

  it('locks every installed package by a sha512 integrity hash', () => {
    const lock = readJson('package-lock.json') as Lockfile;
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    const unpinned = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.link !== true)
      .filter(([, entry]) => entry.integrity?.startsWith('sha512-') !== true)
      .map(([path]) => path);
    expect(unpinned).toEqual([]);
  });

  it('lets only reviewed packages run install scripts', () => {
    const lock = readJson('package-lock.json') as Lockfile;
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([path]) => path)
      .sort();
    expect(withScripts).toEqual(reviewedInstallScripts);
  });
});
