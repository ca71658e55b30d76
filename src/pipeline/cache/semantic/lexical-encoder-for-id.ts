import { defaultFamilyWeights, LexicalEncoder } from './lexical-encoder.ts';
import type { LexicalFamily } from './lexical-features.ts';

const idPattern = /^lexical-v\d+-(\d+)-[0-9a-f]+(?:-w([\d.]+),([\d.]+),([\d.]+))?$/u;

/**
 * The built-in lexical encoder an id names (`lexical-v1-256-<idf>` or, with other family
 * weights, `...-w<word>,<pair>,<characters>`), as routers and caches record it. Undefined when the
 * id is not a lexical encoder's, or names a version or IDF table this build does not have.
 */
export function lexicalEncoderForId(id: string): LexicalEncoder | undefined {
  const match = idPattern.exec(id);
  if (match === null) return undefined;
  const weights: Record<LexicalFamily, number> =
    match[2] === undefined
      ? { ...defaultFamilyWeights }
      : { word: Number(match[2]), wordPair: Number(match[3]), characters: Number(match[4]) };
  let encoder: LexicalEncoder;
  try {
    encoder = new LexicalEncoder({ dimensions: Number(match[1]), familyWeights: weights });
  } catch {
    return undefined;
  }
  return encoder.id === id ? encoder : undefined;
}

/**
 * The encoder learned routers are trained with by default: words and word pairs only. Character
 * grams cost most of the encoding time and added nothing measurable to routing quality
 * (docs/routing-quality.md), and a router's decision sits on every request's path.
 */
export function routingLexicalEncoder(): LexicalEncoder {
  return new LexicalEncoder({
    dimensions: 256,
    familyWeights: { word: 1, wordPair: 0.6, characters: 0 },
  });
}
