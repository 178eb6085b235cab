import { describe, expect, it } from 'vitest';
import { bloomFilterOf, mayContain, mayContainAny } from '../../src/domain/bloom-filter';

describe('Bloom filters', () => {
  it('always answer maybe for a value put in', async () => {
    const values = Array.from({ length: 500 }, (_, i) => `visitor-${i}`);
    const filter = await bloomFilterOf(values);
    for (const value of values) expect(await mayContain(filter, value)).toBe(true);
    expect(await mayContainAny(filter, ['nobody', 'visitor-7'])).toBe(true);
  });

  it('answer surely not for about 99% of values never put in', async () => {
    const filter = await bloomFilterOf(Array.from({ length: 1000 }, (_, i) => `in-${i}`));
    let falsePositives = 0;
    for (let i = 0; i < 2000; i++) if (await mayContain(filter, `out-${i}`)) falsePositives++;
    expect(falsePositives).toBeLessThan(60);
  });

  it('are sized by distinct values, about 10 bits each', async () => {
    const filter = await bloomFilterOf(['a', 'a', 'b']);
    expect(filter).toMatchObject({ m: 64, k: 7 });
    expect((await bloomFilterOf(Array.from({ length: 1000 }, (_, i) => `v${i}`))).m).toBe(10_000);
    expect(await mayContainAny(await bloomFilterOf([]), ['a'])).toBe(false);
  });
});
