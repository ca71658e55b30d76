import type { Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';

const wordPattern = /[\p{L}\p{N}_]+/gu;

function tokensOf(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(wordPattern) ?? [];
}

/**
 * A detector for an operator-defined word list: whole words (or phrases of words) matched
 * case-insensitively. The text is tokenised once and each run of up to the longest phrase's word
 * count is looked up in one Set, so the cost is linear in the text whatever the list's size.
 * Phrase words match across any non-word separator (`project x` matches `Project-X`).
 */
export function createWordListDetector(classId: string, words: readonly string[]): Detector {
  const phrases = new Set<string>();
  let longest = 0;
  for (const word of words) {
    const tokens = tokensOf(word);
    if (tokens.length === 0) continue;
    phrases.add(tokens.join(' '));
    longest = Math.max(longest, tokens.length);
  }
  return {
    detect(text, budget) {
      const findings: Finding[] = [];
      if (longest === 0) return findings;
      const tokens = [...text.matchAll(wordPattern)].map((match) => ({
        word: match[0].toLowerCase(),
        start: match.index,
        end: match.index + match[0].length,
      }));
      let index = 0;
      while (index < tokens.length) {
        let matched = 0;
        let key = '';
        for (let count = 1; count <= longest && index + count <= tokens.length; count += 1) {
          key =
            count === 1
              ? (tokens[index]?.word ?? '')
              : `${key} ${tokens[index + count - 1]?.word ?? ''}`;
          if (phrases.has(key)) matched = count;
        }
        const first = tokens[index];
        const last = tokens[index + matched - 1];
        if (matched > 0 && first !== undefined && last !== undefined) {
          findings.push({ type: classId, start: first.start, end: last.end });
          index += matched;
        } else {
          index += 1;
        }
        if (index % 1024 === 0 && budget.expired()) break;
      }
      return findings;
    },
  };
}
