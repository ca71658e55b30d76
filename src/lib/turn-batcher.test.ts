import { describe, expect, it } from 'vitest';
import { TurnBatcher } from './turn-batcher.ts';

describe('TurnBatcher', () => {
  it('runs the calls of one turn as one batch, in order, and later calls as another', async () => {
    const batches: number[][] = [];
    const batcher = new TurnBatcher<number, string>((inputs) => {
      batches.push([...inputs]);
      return Promise.resolve(inputs.map((input) => `#${input}`));
    });
    const first = await Promise.all([1, 2, 3].map((input) => batcher.call(input)));
    const second = await batcher.call(4);
    expect(first).toEqual(['#1', '#2', '#3']);
    expect(second).toBe('#4');
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('runs a failed batch again call by call, so only the call at fault fails', async () => {
    const batches: number[][] = [];
    const batcher = new TurnBatcher<number, number>((inputs) => {
      batches.push([...inputs]);
      return inputs.includes(13)
        ? Promise.reject(new Error('unlucky'))
        : Promise.resolve(inputs.map((input) => input * 2));
    });
    const settled = await Promise.allSettled([1, 13, 3].map((input) => batcher.call(input)));
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: new Error('unlucky') });
    expect(batches).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it('rejects when the batch answers a different number of outputs than calls', async () => {
    const batcher = new TurnBatcher<number, number>(() => Promise.resolve([]));
    await expect(batcher.call(1)).rejects.toThrow('a batch of 1 calls answered 0');
  });
});
