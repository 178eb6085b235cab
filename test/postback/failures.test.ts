import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyedHash } from '../../src/domain/hashing';
import { DEFAULT_FAILURE_LIMIT, failureLimit } from '../../src/isolate/rate-limit';
import { createKey, createPartner } from '../support/builders';
import { newClientIp } from '../support/client-ip';
import { api, call } from '../support/http';
import { getWithToken, json, newTxn, postSigned } from './client';

const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

const ipHashOf = (ip: string) => keyedHash(env.HASH_KEY, 'postback-ip', ip);

/** The rows counting an address's failed attempts, and the attempts they count. */
async function countedFor(ip: string) {
  const row = await env.DB.prepare(
    'SELECT count(*) AS rows, coalesce(sum(count), 0) AS attempts FROM postback_failures WHERE ip_hash = ?',
  )
    .bind(await ipHashOf(ip))
    .first<{ rows: number; attempts: number }>();
  return { rows: row?.rows, attempts: row?.attempts };
}

const logRowsOf = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM postback_log WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

const conversionCount = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

const forged = (slug: string, ip: string) =>
  postSigned(slug, OTHER_SECRET, { transactionId: newTxn() }, { headers: { 'cf-connecting-ip': ip } });

describe('failed postbacks', () => {
  // The clock stands still: no bucket refills, and every attempt falls in the same minute.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('are counted in one row per partner, address, code and minute, never logged one by one', async () => {
    const p = await createPartner();
    const ip = newClientIp();
    for (let i = 0; i < 3; i++) expect((await forged(p.slug, ip)).status).toBe(401);
    for (let i = 0; i < 2; i++) {
      const res = await getWithToken(p.slug, 'pbt_wrong', { transactionId: newTxn() }, { 'cf-connecting-ip': ip });
      expect(res.status).toBe(401);
    }
    const counts = (await api('GET', `/api/v1/postbacks/failures?partnerId=${p.id}`, { expect: 200 })).body.data;
    const ipHash = await ipHashOf(ip);
    expect(counts).toHaveLength(2);
    expect(counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ partnerId: p.id, ipHash, errorCode: 'invalid_signature', httpStatus: 401, count: 3 }),
        expect.objectContaining({ partnerId: p.id, ipHash, errorCode: 'invalid_token', httpStatus: 401, count: 2 }),
      ]),
    );
    expect(counts[0].minute).toBe(new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString());
    expect(await logRowsOf(p.id)).toBe(0);
  });

  it('counts an address outside the allowlist the same way', async () => {
    const p = await createPartner({ ipAllowlist: ['192.0.2.0/24'] });
    const ip = newClientIp();
    const res = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn() },
      { headers: { 'cf-connecting-ip': ip } },
    );
    expect(res.status).toBe(403);
    expect(await countedFor(ip)).toEqual({ rows: 1, attempts: 1 });
    expect(await logRowsOf(p.id)).toBe(0);
  });

  it('answers 429 with Retry-After once an address has failed too often, whatever it sends, before reading anything', async () => {
    expect(failureLimit(env)).toEqual(DEFAULT_FAILURE_LIMIT);
    const p = await createPartner();
    const ip = newClientIp();
    for (let i = 0; i < DEFAULT_FAILURE_LIMIT.burst; i++) expect((await forged(p.slug, ip)).status).toBe(401);
    const signed = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn() },
      { headers: { 'cf-connecting-ip': ip } },
    );
    expect(signed.status).toBe(429);
    // One failure token comes back every 2 seconds.
    expect(signed.headers.get('retry-after')).toBe('2');
    expect((await json(signed)).error.code).toBe('rate_limited');
    // An unknown slug would need D1 to be told apart: it gets the same 429, and is not counted.
    const ghost = await call('GET', `/pb/ghost-${newTxn()}`.toLowerCase(), {
      key: null,
      headers: { 'cf-connecting-ip': ip },
    });
    expect(ghost.status).toBe(429);
    expect(await countedFor(ip)).toEqual({ rows: 1, attempts: DEFAULT_FAILURE_LIMIT.burst });
    const elsewhere = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn() },
      { headers: { 'cf-connecting-ip': newClientIp() } },
    );
    expect(elsewhere.status).toBe(200);
    // Two seconds later the address may try once more.
    vi.setSystemTime(Date.now() + 2_000);
    const later = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn() },
      { headers: { 'cf-connecting-ip': ip } },
    );
    expect(later.status).toBe(200);
    expect(await conversionCount(p.id)).toBe(2);
  });

  it('counts made-up slugs in one row, however many are tried', async () => {
    const ip = newClientIp();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await call('GET', `/pb/ghost-${i}-${newTxn()}`.toLowerCase(), {
        key: null,
        headers: { 'cf-connecting-ip': ip },
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 404)).toHaveLength(DEFAULT_FAILURE_LIMIT.burst);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100 - DEFAULT_FAILURE_LIMIT.burst);
    expect(await countedFor(ip)).toEqual({ rows: 1, attempts: DEFAULT_FAILURE_LIMIT.burst });
  });

  it('under a flood of 1,000 from one address, a signed postback from another is recorded, and the flood writes one row', async () => {
    const p = await createPartner();
    const floodIp = newClientIp();
    const partnerIp = newClientIp();
    const CHUNK = 50;
    const statuses: number[] = [];
    let real: Response | undefined;
    for (let i = 0; i < 1_000; i += CHUNK) {
      const sends = Array.from({ length: CHUNK }, () => forged(p.slug, floodIp).then((r) => r.status));
      // In the middle of the flood, the partner's own postback, correctly signed.
      const partner =
        i === 500
          ? postSigned(
              p.slug,
              p.signingSecret,
              { transactionId: newTxn() },
              { headers: { 'cf-connecting-ip': partnerIp } },
            )
          : null;
      statuses.push(...(await Promise.all(sends)));
      real = (await partner) ?? real;
    }
    expect(real?.status).toBe(200);
    expect(await conversionCount(p.id)).toBe(1);
    const refused = statuses.filter((s) => s === 401).length;
    expect(refused + statuses.filter((s) => s === 429).length).toBe(1_000);
    // The burst, plus at most the attempts already under way when the address first failed.
    expect(refused).toBeGreaterThanOrEqual(DEFAULT_FAILURE_LIMIT.burst);
    expect(refused).toBeLessThanOrEqual(DEFAULT_FAILURE_LIMIT.burst + CHUNK);
    // D1: one row counts the flood; the log holds the partner's postback only.
    expect(await countedFor(floodIp)).toEqual({ rows: 1, attempts: refused });
    expect(await logRowsOf(p.id)).toBe(1);
  }, 60_000);
});

describe('GET /api/v1/postbacks/failures', () => {
  it('shows a partner key the counts of its own partner only', async () => {
    const [p, other] = [await createPartner(), await createPartner()];
    await forged(p.slug, newClientIp());
    await forged(other.slug, newClientIp());
    const { key } = await createKey('partner', p.id);
    const own = (await api('GET', '/api/v1/postbacks/failures', { key, expect: 200 })).body;
    expect(own.data).toMatchObject([{ partnerId: p.id, errorCode: 'invalid_signature', count: 1 }]);
    expect(own.data).toHaveLength(1);
    expect((await api('GET', `/api/v1/postbacks/failures?partnerId=${other.id}`, { key })).status).toBe(404);
  });

  it('pages newest minute first', async () => {
    const p = await createPartner();
    const ip = newClientIp();
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 10, 0, 30), toFake: ['Date'] });
    try {
      // Signed with the frozen time, so that the forged signature is what fails, not the timestamp.
      await forged(p.slug, ip);
      vi.setSystemTime(Date.UTC(2026, 0, 5, 10, 1, 30));
      await forged(p.slug, ip);
    } finally {
      vi.useRealTimers();
    }
    const first = (await api('GET', `/api/v1/postbacks/failures?partnerId=${p.id}&limit=1`, { expect: 200 })).body;
    expect(first.data).toMatchObject([{ minute: '2026-01-05T10:01:00.000Z', count: 1 }]);
    const next = (
      await api('GET', `/api/v1/postbacks/failures?partnerId=${p.id}&limit=1&cursor=${first.nextCursor}`, {
        expect: 200,
      })
    ).body;
    expect(next.data).toMatchObject([{ minute: '2026-01-05T10:00:00.000Z', count: 1 }]);
    expect(next.nextCursor).toBeNull();
  });
});
