import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyedHash } from '../../src/domain/hashing';
import { DEFAULT_LIMITS, ipBucket, limiterOf, partnerBucket, postbackLimits } from '../../src/isolate/rate-limit';
import type { RateLimiter } from '../../src/objects/rate-limiter';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { getWithToken, json, newTxn, postSigned, signedHeaders } from './client';

const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

const conversionCount = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

/** Empties a bucket as a flood would. */
const drain = (bucket: string) => limiterOf(env, bucket).take(100, 1_000_000, 1_000_000);

describe('/pb/:partnerSlug rate limits', () => {
  // The clock stands still, so that an emptied bucket does not refill while the test runs.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('answers 429 with Retry-After once the partner’s bucket is empty, and stores nothing', async () => {
    const p = await createPartner();
    await drain(partnerBucket(p.id));
    const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(res)).error.code).toBe('rate_limited');
    expect(await conversionCount(p.id)).toBe(0);
    // A flood is not written to the log either.
    expect((await api('GET', `/api/v1/postbacks?partnerId=${p.id}`, { expect: 200 })).body.data).toEqual([]);
  });

  it('limits one client address whatever partner it posts for', async () => {
    const [a, b] = [await createPartner(), await createPartner()];
    const ip = `192.0.2.${Math.floor(Math.random() * 200) + 20}`;
    await drain(ipBucket(await keyedHash(env.HASH_KEY, 'postback-ip', ip)));
    const headers = { 'cf-connecting-ip': ip };
    expect((await postSigned(a.slug, a.signingSecret, { transactionId: newTxn() }, { headers })).status).toBe(429);
    expect((await postSigned(b.slug, b.signingSecret, { transactionId: newTxn() }, { headers })).status).toBe(429);
    const elsewhere = { 'cf-connecting-ip': '192.0.2.250' };
    expect(
      (await postSigned(a.slug, a.signingSecret, { transactionId: newTxn() }, { headers: elsewhere })).status,
    ).toBe(200);
  });

  it('lets a partner post a burst of 200 at once by default', async () => {
    expect(postbackLimits(env)).toEqual(DEFAULT_LIMITS);
    const p = await createPartner();
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () =>
        postSigned(p.slug, p.signingSecret, { transactionId: newTxn() }).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('takes nothing from the partner’s bucket for 300 failed postbacks from several addresses', async () => {
    const p = await createPartner();
    const forged = Array.from({ length: 300 }, (_, i) => {
      const headers = { 'cf-connecting-ip': `198.18.${i % 6}.${10 + (i % 6)}` };
      return () =>
        i % 2 === 0
          ? getWithToken(p.slug, 'pbt_wrong', { transactionId: newTxn() }, headers)
          : postSigned(p.slug, OTHER_SECRET, { transactionId: newTxn() }, { headers });
    });
    const statuses: number[] = [];
    for (let i = 0; i < forged.length; i += 50) {
      statuses.push(...(await Promise.all(forged.slice(i, i + 50).map((send) => send().then((r) => r.status)))));
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    // The clock stands still: had the forged postbacks spent the burst of 200, these would be refused.
    expect((await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() })).status).toBe(200);
    expect((await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn() })).status).toBe(200);
    expect(await conversionCount(p.id)).toBe(2);
  }, 60_000);

  it('reads limits from the environment when set', () => {
    const vars = { POSTBACK_RATE_PER_SEC: '5', POSTBACK_BURST: '10', POSTBACK_IP_RATE_PER_SEC: 'x' } as unknown as Env;
    expect(postbackLimits(vars)).toEqual({ partner: { ratePerSec: 5, burst: 10 }, ip: DEFAULT_LIMITS.ip });
  });
});

describe('RateLimiter', () => {
  afterEach(() => vi.useRealTimers());

  it('gives out its burst, then refuses with the wait until the next token', async () => {
    const stub = limiterOf(env, `test:${newTxn()}`);
    for (let i = 0; i < 3; i++) expect((await stub.take(2, 3)).allowed).toBe(true);
    expect(await stub.take(2, 3)).toEqual({ allowed: false, remaining: 0, retryAfterSec: 1 });
  });

  it('refills at its rate, never above its burst', async () => {
    const stub = limiterOf(env, `test:${newTxn()}`);
    await runInDurableObject(stub, (limiter: RateLimiter) => {
      vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
      expect(limiter.take(10, 20, 20).allowed).toBe(true);
      expect(limiter.take(10, 20).allowed).toBe(false);
      vi.advanceTimersByTime(500);
      expect(limiter.take(10, 20, 5)).toMatchObject({ allowed: true, remaining: 0 });
      vi.advanceTimersByTime(3600_000);
      expect(limiter.take(10, 20)).toMatchObject({ allowed: true, remaining: 19 });
    });
  });

  it('takes back tokens handed back, never above its burst', async () => {
    const stub = limiterOf(env, `test:${newTxn()}`);
    await stub.take(0.001, 2, 2);
    expect((await stub.take(0.001, 2)).allowed).toBe(false);
    expect(await stub.giveBack(0.001, 2)).toMatchObject({ remaining: 1 });
    expect((await stub.take(0.001, 2)).allowed).toBe(true);
    expect(await stub.giveBack(0.001, 2, 5)).toMatchObject({ remaining: 2 });
    expect((await stub.take(0.001, 2, 3)).allowed).toBe(false);
  });

  it('tells how long to wait for a large cost', async () => {
    const stub = limiterOf(env, `test:${newTxn()}`);
    await stub.take(1, 10, 10);
    expect((await stub.take(1, 10, 5)).retryAfterSec).toBe(5);
  });
});

describe('/pb/:partnerSlug body size', () => {
  it('answers 413 payload_too_large for a body over 256 KiB', async () => {
    const p = await createPartner();
    const body = JSON.stringify({ transactionId: newTxn(), pad: 'x'.repeat(300 * 1024) });
    const res = await postSigned(p.slug, p.signingSecret, body);
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
  });

  it('counts the bytes that arrive when no Content-Length is sent', async () => {
    const p = await createPartner();
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await exports.default.fetch(
      new Request(`https://relais.test/pb/${p.slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(p.signingSecret, 'x') },
        body: stream,
      }),
    );
    expect(res.status).toBe(413);
  });

  it('accepts a body just under the limit', async () => {
    const p = await createPartner();
    const body = JSON.stringify({ transactionId: newTxn(), pad: 'x'.repeat(250 * 1024) });
    expect((await postSigned(p.slug, p.signingSecret, body)).status).toBe(200);
  });
});
