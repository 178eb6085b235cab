// Reading the commission plans of many partners at once, within D1's limits.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { plansOfPartners } from '../../src/db/commission-plans';
import { createPartner } from '../support/builders';

describe('plansOfPartners', () => {
  it('reads the plans of more partners than D1 binds in one statement', async () => {
    const real = await createPartner();
    // 150 ids: one statement would bind more than the 100 values D1 accepts.
    const ids = [...Array.from({ length: 149 }, (_, i) => `ptn_missing_${i}`), real.id];
    const byPartner = await plansOfPartners(dbOf(env), ids);
    expect(byPartner.size).toBe(150);
    expect(byPartner.get(real.id)).toHaveLength(1);
    expect(byPartner.get('ptn_missing_0')).toEqual([]);
  });
});
