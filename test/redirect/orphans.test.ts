// Requests for unknown slugs: the 404 page at once, counted per day and path in the isolate, written in batches.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { flushOrphanVisits, MAX_ORPHAN_PATHS_PER_DAY, ORPHAN_FLUSH_DELAY_MS } from '../../src/isolate/orphan-visits';
import { createKey, createLink, createPartner, uniqueSlug } from '../support/builders';
import { api, ORIGIN } from '../support/http';
import { BROWSER_ACCEPT, BROWSER_UA, visit } from './helpers';

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' };
const today = () => new Date().toISOString().slice(0, 10);

/** Today's counts as the report answers them, by path. */
async function orphansToday(): Promise<Record<string, { hits: number; botHits: number }>> {
  const day = today();
  const res = await api('GET', `/api/v1/reports/orphans?from=${day}&to=${day}`, { expect: 200 });
  return Object.fromEntries(
    res.body.data.map((r: { path: string; hits: number; botHits: number }) => [
      r.path,
      { hits: r.hits, botHits: r.botHits },
    ]),
  );
}

/** The test's env with its D1 batches counted: the writes a window makes. */
function countedEnv() {
  const writes = { batches: 0 };
  const db = new Proxy(env.DB, {
    get(target, name) {
      if (name === 'batch') writes.batches++;
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { env: { ...env, DB: db } as Env, writes };
}

afterEach(async () => {
  vi.useRealTimers();
  await flushOrphanVisits(env);
});

describe('GET /:slug of an unknown slug', () => {
  it('answers the 404 page and counts the path per day, bots apart, case kept', async () => {
    const slug = uniqueSlug('ghost');
    for (const headers of [{}, {}, CURL]) expect((await visit(`/${slug}`, { headers })).status).toBe(404);
    expect((await visit(`/${slug}`, { method: 'HEAD' })).status).toBe(404);
    expect((await visit(`/${slug.toUpperCase()}`)).status).toBe(404);
    await flushOrphanVisits(env);
    const counts = await orphansToday();
    expect(counts[`/${slug}`]).toEqual({ hits: 3, botHits: 1 });
    expect(counts[`/${slug.toUpperCase()}`]).toEqual({ hits: 1, botHits: 0 });
  });

  it('counts nothing for a link that exists', async () => {
    const link = await createLink((await createPartner()).id);
    expect((await visit(`/${link.slug}`)).status).toBe(302);
    await flushOrphanVisits(env);
    expect(await orphansToday()).not.toHaveProperty(`/${link.slug}`);
  });

  it('writes the hits of one window in one D1 batch, once the window is over', async () => {
    await flushOrphanVisits(env);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const counted = countedEnv();
    const slugs = [uniqueSlug('burst'), uniqueSlug('burst'), uniqueSlug('burst')];
    const backgrounds: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      const ctx = createExecutionContext();
      const request = new Request(`${ORIGIN}/${slugs[i % 3]}`, {
        headers: { 'user-agent': BROWSER_UA, accept: BROWSER_ACCEPT },
      });
      const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, counted.env, ctx);
      expect(res.status).toBe(404);
      backgrounds.push(waitOnExecutionContext(ctx));
    }
    expect(counted.writes.batches).toBe(0);
    vi.advanceTimersByTime(ORPHAN_FLUSH_DELAY_MS);
    await Promise.all(backgrounds);
    expect(counted.writes.batches).toBe(1);
    vi.useRealTimers();
    const counts = await orphansToday();
    for (const slug of slugs) expect(counts[`/${slug}`]).toEqual({ hits: 10, botHits: 0 });
  });

  it(`counts a day's paths past the first ${MAX_ORPHAN_PATHS_PER_DAY} under (other)`, async () => {
    const day = today();
    const known = uniqueSlug('known');
    await visit(`/${known}`);
    await flushOrphanVisits(env);
    // The day filled up to its cap, as a scan of random slugs would.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - (SELECT count(*) FROM orphan_visits WHERE date = ?1 AND path <> '(other)'))
       INSERT INTO orphan_visits (date, path, hits, bot_hits) SELECT ?1, '/filler-' || i, 1, 0 FROM n`,
    )
      .bind(day, MAX_ORPHAN_PATHS_PER_DAY)
      .run();
    const before = (await orphansToday())['(other)'] ?? { hits: 0, botHits: 0 };
    const late = uniqueSlug('late');
    await visit(`/${late}`);
    await visit(`/${late}`, { headers: CURL });
    await visit(`/${known}`);
    await flushOrphanVisits(env);
    const counts = await orphansToday();
    expect(Object.keys(counts).filter((p) => p !== '(other)')).toHaveLength(MAX_ORPHAN_PATHS_PER_DAY);
    expect(counts).not.toHaveProperty(`/${late}`);
    expect(counts['(other)']).toEqual({ hits: before.hits + 1, botHits: before.botHits + 1 });
    expect(counts[`/${known}`]).toEqual({ hits: 2, botHits: 0 });
    await env.DB.prepare("DELETE FROM orphan_visits WHERE path LIKE '/filler-%'").run();
  });
});

describe('GET /api/v1/reports/orphans', () => {
  it('lists by day, then most hits first', async () => {
    const rows = [
      ['2026-01-02', '/b', 1, 0],
      ['2026-01-01', '/a', 2, 5],
      ['2026-01-01', '/c', 7, 0],
    ] as const;
    await env.DB.batch(
      rows.map((r) =>
        env.DB.prepare('INSERT INTO orphan_visits (date, path, hits, bot_hits) VALUES (?, ?, ?, ?)').bind(...r),
      ),
    );
    const res = await api('GET', '/api/v1/reports/orphans?from=2026-01-01&to=2026-01-02', { expect: 200 });
    expect(res.body).toEqual({
      data: [
        { date: '2026-01-01', path: '/c', hits: 7, botHits: 0 },
        { date: '2026-01-01', path: '/a', hits: 2, botHits: 5 },
        { date: '2026-01-02', path: '/b', hits: 1, botHits: 0 },
      ],
    });
  });

  it.each([
    ['from=2025-01-01&to=2026-01-02', 'from'],
    ['from=2026-02-01&to=2026-01-01', 'from'],
    ['from=2026-02-30', 'from'],
    ['to=yesterday', 'to'],
  ])('refuses %s with 400 naming `%s`', async (query, field) => {
    const res = await api('GET', `/api/v1/reports/orphans?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: [field] })]);
  });

  it('is for admins: a partner key gets 403, since these paths belong to no partner', async () => {
    const key = await createKey('partner', (await createPartner()).id);
    const res = await api('GET', '/api/v1/reports/orphans', { key: key.key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});
