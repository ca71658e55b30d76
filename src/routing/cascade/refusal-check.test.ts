import { describe, expect, it } from 'vitest';
import { checkNotEmptyOrRefusal, isRefusal, readRefusal } from './refusal-check.ts';

const answer = (text: string, refusal?: boolean) => ({ question: 'q', text, refusal });

describe('isRefusal', () => {
  it.each([
    "I can't help with that.",
    'I can’t help with that request.',
    'I cannot assist with creating malware.',
    "I'm unable to provide medical diagnoses.",
    'I am not able to share personal information about private individuals.',
    "I'm sorry, but I can't help with that.",
    'Sorry, I cannot comply with this request.',
    'I apologize, but as an AI I must decline.',
    'Unfortunately, I am unable to fulfill this request.',
    'As an AI language model, I cannot browse the internet or form opinions.',
    "As an AI, I don't have personal opinions.",
    'I must decline to answer that.',
    '**I can’t help with that.**',
    "  \n\n> I won't write that.",
    "I can't really help with that, sorry.",
  ])('flags %j', (text) => {
    expect(isRefusal(text)).toBe(true);
  });

  it.each([
    'The capital of France is Paris.',
    'To reset your password, open Settings. If the app says "I can\'t help with that", contact support.',
    'Many chatbots answer "As an AI language model, I cannot…" when asked for opinions; here is why that happens.',
    '"I can\'t help with that" is the most common refusal string in the data set.',
    'Here is the summary. Note: I am unable to verify the second source, so treat it with care.',
    'As an AI researcher, I can help you design the experiment: start with a baseline.',
    'I can help with that! First, install the package.',
    'Sorry for the delay. The answer is 42.',
    "I can't believe how simple this is: 2 + 2 = 4.",
  ])('does not flag %j', (text) => {
    expect(isRefusal(text)).toBe(false);
  });

  it('treats an opening disclaimer followed by a substantive answer as an answer', () => {
    const text = `I can't help with bypassing the lock. However, here is how to contact a locksmith. ${'Step. '.repeat(100)}`;
    expect(readRefusal(text)).toEqual({ refusal: false, disclaimer: true });
  });
});

describe('checkNotEmptyOrRefusal', () => {
  it('rejects empty and whitespace answers', () => {
    expect(checkNotEmptyOrRefusal(answer('')).accepted).toBe(false);
    expect(checkNotEmptyOrRefusal(answer(' \n\t ')).reason).toBe('the answer is empty');
  });

  it('rejects a provider-marked refusal whatever the text', () => {
    const verdict = checkNotEmptyOrRefusal(answer('Here you go.', true));
    expect(verdict).toMatchObject({ accepted: false, confidence: 0 });
  });

  it('rejects a textual refusal and accepts a normal answer', () => {
    expect(
      checkNotEmptyOrRefusal(answer("I'm sorry, but I can't assist with that.")),
    ).toMatchObject({
      accepted: false,
      reason: 'the answer opens with a refusal',
    });
    expect(checkNotEmptyOrRefusal(answer('Paris.'))).toMatchObject({
      accepted: true,
      confidence: 1,
    });
  });

  it('rejects truncated and filtered answers unless truncation is allowed', () => {
    const cut = { question: 'q', text: 'The first step is', finishReason: 'length' as const };
    expect(checkNotEmptyOrRefusal(cut).accepted).toBe(false);
    expect(checkNotEmptyOrRefusal(cut, { acceptTruncated: true }).accepted).toBe(true);
    const filtered = { question: 'q', text: 'Partial', finishReason: 'content-filter' as const };
    expect(checkNotEmptyOrRefusal(filtered, { acceptTruncated: true }).accepted).toBe(false);
    expect(
      checkNotEmptyOrRefusal({ question: 'q', text: 'Done.', finishReason: 'stop' }).accepted,
    ).toBe(true);
  });

  it('honours minCharacters', () => {
    expect(checkNotEmptyOrRefusal(answer('ok'), { minCharacters: 3 }).accepted).toBe(false);
    expect(checkNotEmptyOrRefusal(answer('okay'), { minCharacters: 3 }).accepted).toBe(true);
  });
});
