// The micro-batcher: gathering concurrent callers, sorting by cost, cutting by a padded-token
// budget, restoring each caller's order, and failing only the callers of a failed batch.
import { describe, expect, it } from 'vitest';
import { MicroBatcher, cutBatches } from '../../src/scorers/micro-batcher.js';

describe('cutBatches', () => {
  it('cuts ascending costs so that rows x longest row fits the budget', () => {
    // costs 10,10,20,30,100 with budget 60: [10,10,20] = 3x20 = 60; [30] (2x100 > 60); [100].
    expect(cutBatches([10, 10, 20, 30, 100], 60)).toEqual([
      [0, 3],
      [3, 4],
      [4, 5],
    ]);
  });
  it('runs an input over budget alone rather than dropping it', () => {
    expect(cutBatches([500], 60)).toEqual([[0, 1]]);
  });
  it('honours a row cap', () => {
    expect(cutBatches([1, 1, 1, 1, 1], 1000, 2)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
  });
});

/**
 * Upper-cases texts; `prepare` answers "cached" from a cache, fails "bad", and sets the cost of the
 * rest (costs are read only after prepare). Records what was prepared and what ran.
 */
function textBatcher(prepareOnSubmit: boolean) {
  const prepared: string[][] = [];
  const ran: string[][] = [];
  const b = new MicroBatcher<{ text: string; len?: number }, string>({
    prepareOnSubmit,
    prepare: (inputs) => {
      prepared.push(inputs.map((i) => i.text));
      return inputs.map((i) => {
        if (i.text === 'cached') return { value: 'from cache' };
        if (i.text === 'bad') return { error: new Error('cannot encode "bad"') };
        i.len = i.text.length;
        return undefined;
      });
    },
    dedupeKey: (i) => i.text,
    cost: (i) => i.len!,
    maxBatchTokens: 100,
    runBatch: async (batch) => {
      ran.push(batch.map((i) => i.text));
      return batch.map((i) => i.text.toUpperCase());
    },
  });
  return { b, prepared, ran };
}

describe('MicroBatcher', () => {
  it('gathers concurrent callers into length-sorted batches and returns each caller its order', async () => {
    const seen: string[][] = [];
    const b = new MicroBatcher<string, string>({
      cost: (s) => s.length,
      maxBatchTokens: 12,
      runBatch: async (batch) => {
        seen.push(batch);
        return batch.map((s) => s.toUpperCase());
      },
    });
    const [x, y, z] = await Promise.all([b.submit(['aaaa', 'b']), b.submit(['cc', 'dddd', 'eee']), b.submit(['ffffff'])]);
    expect(x).toEqual(['AAAA', 'B']);
    expect(y).toEqual(['CC', 'DDDD', 'EEE']);
    expect(z).toEqual(['FFFFFF']);
    // Sorted: b(1) cc(2) eee(3) aaaa(4) dddd(4) ffffff(6); budget 12:
    // [b, cc, eee, aaaa] = 4x4 = 16 > 12 -> [b, cc, eee] = 9; [aaaa, dddd] = 8 (3x6 > 12); [ffffff].
    // Run longest rows first.
    expect(seen).toEqual([['ffffff'], ['aaaa', 'dddd'], ['b', 'cc', 'eee']]);
    expect(b.stats).toEqual({
      batches: 3,
      rows: 6,
      paddedCost: 9 + 8 + 6,
      realCost: 1 + 2 + 3 + 4 + 4 + 6,
      resolvedEarly: 0,
      deduplicated: 0,
    });
  });

  it('requests arriving during a batch form the next generation', async () => {
    const seen: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>({
      cost: (n) => n,
      maxBatchTokens: 1000,
      runBatch: async (batch) => {
        seen.push(batch);
        if (seen.length === 1) await gate;
        return batch.map((n) => n * 2);
      },
    });
    const first = b.submit([5, 3]);
    await new Promise((r) => setTimeout(r, 5));
    const second = b.submit([1]);
    const third = b.submit([2]);
    expect(b.queued).toBe(2);
    release();
    expect(await first).toEqual([10, 6]);
    expect(await Promise.all([second, third])).toEqual([[2], [4]]);
    expect(seen).toEqual([[3, 5], [1, 2]]);
  });

  it('a free worker starts the next generation while a slow batch of the previous one still runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>({
      cost: (n) => n,
      maxBatchTokens: 100,
      concurrency: 2,
      runBatch: async (batch) => {
        if (batch.includes(100)) await gate;
        return batch.map((n) => n + 1);
      },
    });
    // Generation 1: [1] and [100] (2 x 100 > budget), one per worker; [100] blocks.
    const slow = b.submit([100, 1]);
    await new Promise((r) => setTimeout(r, 5));
    expect(await b.submit([2])).toEqual([3]);
    release();
    expect(await slow).toEqual([101, 2]);
  });

  it('prepare answers known inputs at once, fails bad ones alone, and runs the rest once per key', async () => {
    const { b, prepared, ran } = textBatcher(false);
    const [x, y, z] = await Promise.allSettled([
      b.submit([{ text: 'abc' }, { text: 'cached' }, { text: 'z' }]),
      b.submit([{ text: 'z' }, { text: 'abc' }]),
      b.submit([{ text: 'ok' }, { text: 'bad' }]),
    ]);
    expect(x).toEqual({ status: 'fulfilled', value: ['ABC', 'from cache', 'Z'] });
    expect(y).toEqual({ status: 'fulfilled', value: ['Z', 'ABC'] });
    expect(z.status).toBe('rejected');
    expect(String((z as PromiseRejectedResult).reason)).toMatch(/cannot encode "bad"/);
    // One generation, prepared once; 'ok' belongs to a failed caller and is not computed.
    expect(prepared).toEqual([['abc', 'cached', 'z', 'z', 'abc', 'ok', 'bad']]);
    expect(ran).toEqual([['z', 'abc']]);
    expect(b.stats).toMatchObject({ resolvedEarly: 1, deduplicated: 2, rows: 2, realCost: 4 });
  });

  it('prepareOnSubmit prepares each caller as it submits; results, dedupe and failures are the same', async () => {
    const { b, prepared, ran } = textBatcher(true);
    const x = b.submit([{ text: 'abc' }, { text: 'cached' }, { text: 'z' }]);
    // Prepared synchronously, before any batch could run.
    expect(prepared).toEqual([['abc', 'cached', 'z']]);
    const onlyCached = b.submit([{ text: 'cached' }]);
    const y = b.submit([{ text: 'z' }, { text: 'abc' }]);
    const z = b.submit([{ text: 'ok' }, { text: 'bad' }]);
    // A caller whose inputs are all known resolves without a batch; a bad input fails its caller at once.
    await expect(onlyCached).resolves.toEqual(['from cache']);
    await expect(z).rejects.toThrow('cannot encode "bad"');
    expect(ran).toEqual([]);
    expect(await x).toEqual(['ABC', 'from cache', 'Z']);
    expect(await y).toEqual(['Z', 'ABC']);
    expect(prepared).toEqual([['abc', 'cached', 'z'], ['cached'], ['z', 'abc'], ['ok', 'bad']]);
    expect(ran).toEqual([['z', 'abc']]);
    expect(b.stats).toMatchObject({ resolvedEarly: 2, deduplicated: 2, rows: 2, realCost: 4 });
  });

  it('a failing batch rejects only its callers; others still resolve', async () => {
    const b = new MicroBatcher<number, number>({
      cost: (n) => n,
      maxBatchTokens: 10,
      runBatch: async (batch) => {
        if (batch.includes(7)) throw new Error('boom');
        return batch.map((n) => -n);
      },
    });
    const ok = b.submit([1, 2]);
    const bad = b.submit([1, 7]);
    await expect(bad).rejects.toThrow('boom');
    expect(await ok).toEqual([-1, -2]);
  });

  it('rejects a runBatch that returns the wrong number of results', async () => {
    const b = new MicroBatcher<number, number>({ cost: () => 1, maxBatchTokens: 10, runBatch: async () => [1] });
    await expect(b.submit([1, 2])).rejects.toThrow(/batch of 2 returned 1 results/);
  });

  it('resolves an empty submit at once and refuses a non-positive budget', async () => {
    const b = new MicroBatcher<number, number>({ cost: () => 1, maxBatchTokens: 1, runBatch: async (x) => x });
    expect(await b.submit([])).toEqual([]);
    expect(() => new MicroBatcher<number, number>({ cost: () => 1, maxBatchTokens: 0, runBatch: async (x) => x })).toThrow(
      /maxBatchTokens must be positive/,
    );
  });

  it('runs up to `concurrency` batches at once', async () => {
    let active = 0;
    let peak = 0;
    const b = new MicroBatcher<number, number>({
      cost: () => 1,
      maxBatchTokens: 1,
      concurrency: 2,
      runBatch: async (x) => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return x;
      },
    });
    expect(await b.submit([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
