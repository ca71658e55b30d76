import type { AcceptanceCheck, AcceptanceVerdict, CascadeAnswer } from './acceptance-verdict.ts';

/**
 * Verifies the arithmetic an answer shows: every `a op b = c` step written in the text (and every
 * GSM8K-style calculator annotation `<<a*b=c>>`) is recomputed, and steps whose stated result is
 * wrong are reported. Only steps that parse completely as arithmetic (numbers, `+ - * / x × ÷`,
 * parentheses, `$`, `%`, thousands separators) are checked; prose and algebra are ignored.
 */

export interface ArithmeticStep {
  readonly expression: string;
  readonly claimed: number;
  readonly actual: number;
  readonly correct: boolean;
}

export interface ArithmeticReading {
  readonly steps: readonly ArithmeticStep[];
  readonly wrong: number;
}

type Token =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'op'; readonly op: string };

const numberPattern = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?|^\d+(?:\.\d+)?|^\.\d+/u;

function tokenize(source: string): Token[] | undefined {
  const tokens: Token[] = [];
  let rest = source;
  while (rest.length > 0) {
    const space = /^[\s$€£]+/u.exec(rest);
    if (space !== null) {
      rest = rest.slice(space[0].length);
      continue;
    }
    const number = numberPattern.exec(rest);
    if (number !== null) {
      tokens.push({ kind: 'number', value: Number(number[0].replaceAll(',', '')) });
      rest = rest.slice(number[0].length);
      continue;
    }
    const character = rest.charAt(0);
    const op =
      ({ '×': '*', '·': '*', x: '*', X: '*', '÷': '/', '−': '-' } as Record<string, string>)[
        character
      ] ?? character;
    if (!'+-*/()%'.includes(op)) return undefined;
    tokens.push({ kind: 'op', op });
    rest = rest.slice(1);
  }
  return tokens;
}

/** A recursive-descent evaluator of the tokens; undefined when they are not one expression. */
function evaluateTokens(tokens: readonly Token[]): number | undefined {
  let position = 0;
  const peekOp = (): string | undefined => {
    const token = tokens[position];
    return token?.kind === 'op' ? token.op : undefined;
  };
  const primary = (): number | undefined => {
    const token = tokens[position];
    if (token === undefined) return undefined;
    if (token.kind === 'number') {
      position += 1;
      if (peekOp() === '%') {
        position += 1;
        return token.value / 100;
      }
      return token.value;
    }
    if (token.op === '-') {
      position += 1;
      const value = primary();
      return value === undefined ? undefined : -value;
    }
    if (token.op === '(') {
      position += 1;
      const value = sum();
      if (value === undefined || peekOp() !== ')') return undefined;
      position += 1;
      return value;
    }
    return undefined;
  };
  const product = (): number | undefined => {
    let value = primary();
    while (value !== undefined && (peekOp() === '*' || peekOp() === '/')) {
      const op = peekOp();
      position += 1;
      const right = primary();
      if (right === undefined) return undefined;
      value = op === '*' ? value * right : value / right;
    }
    return value;
  };
  const sum = (): number | undefined => {
    let value = product();
    while (value !== undefined && (peekOp() === '+' || peekOp() === '-')) {
      const op = peekOp();
      position += 1;
      const right = product();
      if (right === undefined) return undefined;
      value = op === '+' ? value + right : value - right;
    }
    return value;
  };
  const value = sum();
  return position === tokens.length ? value : undefined;
}

/** Evaluates a plain arithmetic expression; undefined when it is not one. Never evaluates code. */
export function evaluateArithmetic(expression: string): number | undefined {
  const tokens = tokenize(expression);
  if (tokens === undefined || tokens.length === 0) return undefined;
  const value = evaluateTokens(tokens);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** Whether `claimed` is `actual` as written: within 1%, or `actual` rounded to the claim's decimals. */
export function matchesClaim(actual: number, claimed: number, claimedText: string): boolean {
  const tolerance = Math.max(Math.abs(actual) * 0.01, 1e-9);
  if (Math.abs(actual - claimed) <= tolerance) return true;
  const decimals = /\.(\d+)/u.exec(claimedText)?.[1]?.length ?? 0;
  return Math.abs(actual - claimed) <= 0.5 * 10 ** -decimals + 1e-9;
}

/** The characters an arithmetic left-hand side is made of. */
const leftSide = /[\d\s.,$€£%()+\-*/x×÷·−]+$/u;
/** A stated result: optional sign and currency, a number, optionally a fraction `a/b` or a `%`. */
const rightSide =
  /^\s*(-?)\s*[$€£]?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?(\s*%)?/u;

function hasOperator(tokens: readonly Token[] | undefined): boolean {
  if (tokens === undefined) return false;
  const numbers = tokens.filter((token) => token.kind === 'number').length;
  return numbers >= 2 && tokens.some((token) => token.kind === 'op' && '+-*/'.includes(token.op));
}

/** The value of an arithmetic expression right after `=`, up to the next `=` or line end. */
function rightExpression(after: string): number | undefined {
  let run = /^[\d\s.,$€£%()+\-*/x×÷·−]+/u.exec(after.split(/[=\n]/u)[0] ?? '')?.[0] ?? '';
  const sentenceEnd = run.search(/\.(?:\s|$)/u);
  if (sentenceEnd >= 0) run = run.slice(0, sentenceEnd);
  run = run.replace(/[\sx×·]+$/u, '').trim();
  return hasOperator(tokenize(run)) ? evaluateArithmetic(run) : undefined;
}

function stepAt(text: string, equals: number): ArithmeticStep | undefined {
  const before = text.slice(Math.max(0, equals - 120), equals);
  let left = leftSide.exec(before)?.[0] ?? '';
  // A sentence end ("… $5. 3 + 2 = 5") starts a new expression.
  const sentenceBreak = left.search(/\.\s(?=[^.]*$)/u);
  if (sentenceBreak >= 0) left = left.slice(sentenceBreak + 2);
  left = left.replace(/^[\s,.]+/u, '').trim();
  // A lone letter x at the start is a variable, not a multiplication.
  left = left.replace(/^[xX×·]\s*/u, '');
  const right = rightSide.exec(text.slice(equals + 1));
  if (right === null || left.length === 0) return undefined;
  let candidate = left;
  let actual = hasOperator(tokenize(candidate)) ? evaluateArithmetic(candidate) : undefined;
  while (actual === undefined && candidate.startsWith('(')) {
    candidate = candidate.slice(1).trim();
    actual = hasOperator(tokenize(candidate)) ? evaluateArithmetic(candidate) : undefined;
  }
  if (actual === undefined) return undefined;
  const [, sign = '', whole = '', denominator, percent] = right;
  let claimed = Number(whole.replaceAll(',', '')) * (sign === '-' ? -1 : 1);
  if (denominator !== undefined) claimed /= Number(denominator);
  if (percent !== undefined) claimed /= 100;
  // A chained step ("22 + 4 x 12 = 22 + 48 = 70") states an expression, not a number, on the
  // right: compare with its value.
  const chained = rightExpression(text.slice(equals + 1));
  if (chained !== undefined) {
    return {
      expression: candidate,
      claimed: chained,
      actual,
      correct: matchesClaim(actual, chained, String(chained)),
    };
  }
  // "1/2" and "50%" are checked as written; "x = 50%" may also mean 50 (e.g. 100 * 0.5 = 50%).
  const correct =
    matchesClaim(actual, claimed, whole) ||
    (percent !== undefined && matchesClaim(actual, claimed * 100, whole));
  return { expression: candidate, claimed, actual, correct };
}

/** Recomputes every arithmetic step in `text`. Pure. */
export function readArithmetic(text: string): ArithmeticReading {
  const steps: ArithmeticStep[] = [];
  // Calculator annotations are checked on their own and removed from the prose.
  const prose = text.replace(
    /<<([^<>=]+)=([^<>]+)>>/gu,
    (_match, expression: string, result: string) => {
      const actual = evaluateArithmetic(expression);
      const claimed = Number(result.replaceAll(',', '').trim());
      if (actual !== undefined && Number.isFinite(claimed)) {
        steps.push({
          expression: expression.trim(),
          claimed,
          actual,
          correct: matchesClaim(actual, claimed, result),
        });
      }
      return '';
    },
  );
  for (let index = prose.indexOf('='); index >= 0; index = prose.indexOf('=', index + 1)) {
    if (
      prose[index - 1] === '=' ||
      prose[index + 1] === '=' ||
      '<>!'.includes(prose.charAt(index - 1))
    )
      continue;
    const step = stepAt(prose, index);
    if (step !== undefined) steps.push(step);
  }
  return { steps, wrong: steps.filter((step) => !step.correct).length };
}

/** Rejects an answer that shows at least one wrong arithmetic step; confidence = share correct. */
export function checkArithmetic(answer: CascadeAnswer): AcceptanceVerdict {
  const check = 'arithmetic';
  const reading = readArithmetic(answer.text);
  if (reading.steps.length === 0) {
    return {
      check,
      accepted: true,
      reason: 'the answer shows no arithmetic to verify',
      skipped: true,
    };
  }
  const confidence = (reading.steps.length - reading.wrong) / reading.steps.length;
  if (reading.wrong > 0) {
    const first = reading.steps.find((step) => !step.correct);
    return {
      check,
      accepted: false,
      reason: `${reading.wrong} of ${reading.steps.length} arithmetic steps are wrong${first === undefined ? '' : ` (${first.expression} is ${first.actual}, not ${first.claimed})`}`,
      confidence,
    };
  }
  return {
    check,
    accepted: true,
    reason: `all ${reading.steps.length} arithmetic steps check out`,
    confidence,
  };
}

export function arithmeticCheck(): AcceptanceCheck {
  return { name: 'arithmetic', stage: 'local', run: checkArithmetic };
}
