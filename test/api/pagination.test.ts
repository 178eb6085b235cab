import { describe, expect, it } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';

describe('list pagination', () => {
  it('walks every item once, newest first, with limit and cursor', async () => {
    const p = await createPartner();
    const created = [];
    for (let i = 0; i < 7; i++) created.push((await createLink(p.id)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await api('GET', `/api/v1/links?partnerId=${p.id}&limit=3${q}`, { expect: 200 });
      expect(res.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.data.map((l: { id: string }) => l.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
  });

  it('answers nextCursor null on the last page', async () => {
    const p = await createPartner();
    await createLink(p.id);
    const res = await api('GET', `/api/v1/links?partnerId=${p.id}`, { expect: 200 });
    expect(res.body).toEqual({ data: [expect.objectContaining({ partnerId: p.id })], nextCursor: null });
  });

  it.each(['limit=0', 'limit=501', 'limit=abc', 'cursor=%%%'])('refuses %s with 400', async (query) => {
    const res = await api('GET', `/api/v1/links?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
