/**
 * A varied, reproducible text corpus for token-count tests: natural languages, code, JSON, emoji,
 * whitespace runs, special-token text, random Unicode (astral planes, lone surrogates, controls)
 * and long unbroken runs. Generated from a seed so failures replay.
 */

/** mulberry32: a tiny seeded PRNG, good enough to vary test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fragments chosen for tokenizer edge cases; joined at random below. */
export const tokenCorpusFragments: readonly string[] = [
  'The quick brown fox jumps over the lazy dog. ',
  "It's, we're, they'll, I'd, you've, she's, DON'T, Y'ALL ",
  'function add(a: number, b: number): number {\n  return a + b;\n}\n',
  '    if (x !== undefined && y >= 0x1F) { console.log(`${x}`); }\n',
  '{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}',
  '[1,2,3,4.5e-10,-0.0001,null,true,false,"\\u00e9\\n"]',
  '12345678901234567890 3.14159265358979 1,000,000 ١٢٣٤ ①②③ Ⅻ ',
  '敏捷的棕色狐狸跳过了懒狗。',
  '日本語のテキスト、カタカナとひらがな。',
  '한국어 텍스트입니다. ',
  'مرحبا بالعالم، هذا نصٌّ عربيٌّ مُشَكَّلٌ. ',
  'שלום עולם ',
  'नमस्ते दुनिया, यह हिंदी है। ',
  'สวัสดีชาวโลกนี่คือข้อความภาษาไทย',
  'Привет, мир! Ёжик. ',
  'Γειά σου Κόσμε ',
  '😀😃😄👍🏽👨‍👩‍👧‍👦🏳️‍🌈🇯🇵🇺🇸 ',
  '❤️‍🔥 🧑🏿‍🚀 ',
  'é vs é (combining) ',
  'Z̴̡̛̖̬̪̈́͌a̷̢͚̽l̸̰̈g̶̱͐ő̵̗ ',
  '     ',
  '\t\t\t',
  '\n\n\n\n',
  '\r\n\r\n',
  ' \n \n ',
  '\u00a0\u00a0\u3000\u2003\u200b\ufeff',
  '<|endoftext|>',
  '<|im_start|>system<|im_sep|>',
  '<|im_end|>',
  '<|fim_prefix|><|endofprompt|>',
  'aGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0IGRhdGEu+/==',
  'https://example.com/a/b?c=d&e=f#g ',
  '!!!???...,,,;;;:::---___===+++***&&&%%%$$$###@@@',
  '////\n//\n/',
  '\u0000\u0001\u001f\u007f',
  '\ud800',
  '\udfff',
  '\ud83d',
  'x\udc00y',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕄𝕒𝕥𝕙 ',
  '\u{10ffff}\u{e0001}\u{1f3fb}',
];

function randomCodePoint(random: () => number): string {
  const roll = random();
  if (roll < 0.4) {
    return String.fromCharCode(32 + Math.floor(random() * 95));
  }
  if (roll < 0.7) {
    return String.fromCodePoint(0x80 + Math.floor(random() * (0xd7ff - 0x80)));
  }
  if (roll < 0.8) {
    // Lone surrogates: JSON can carry them ("\ud800"); UTF-8 encodes each as U+FFFD.
    return String.fromCharCode(0xd800 + Math.floor(random() * 0x800));
  }
  if (roll < 0.9) {
    return String.fromCharCode(Math.floor(random() * 32));
  }
  return String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
}

function longRun(random: () => number): string {
  const alphabets = ['a', 'ACGT', '敏捷狐狸', ' ', '!?', '/\n', 'ab', '\t '];
  const alphabet = alphabets[Math.floor(random() * alphabets.length)] ?? 'a';
  const length = 500 + Math.floor(random() * 2500);
  let run = '';
  for (let index = 0; index < length; index++) {
    run += alphabet.charAt(Math.floor(random() * alphabet.length));
  }
  return run;
}

/** One corpus text of up to about `maxPieces` fragments, random code points and runs. */
export function corpusText(random: () => number, maxPieces: number): string {
  const pieces = 1 + Math.floor(random() * maxPieces);
  let text = '';
  for (let index = 0; index < pieces; index++) {
    const roll = random();
    if (roll < 0.6) {
      text += tokenCorpusFragments[Math.floor(random() * tokenCorpusFragments.length)] ?? '';
    } else if (roll < 0.97) {
      const length = 1 + Math.floor(random() * 40);
      for (let count = 0; count < length; count++) {
        text += randomCodePoint(random);
      }
    } else {
      text += longRun(random);
    }
  }
  return text;
}

/** `count` corpus texts from `seed`. */
export function tokenCorpus(seed: number, count: number, maxPieces = 12): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => corpusText(random, maxPieces));
}
