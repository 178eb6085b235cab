// The management API's rate limit: a token bucket per key, spent in the isolate, kept by the RateLimiter objects.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { apiKeyBucket, apiLimits, DEFAULT_API_LIMITS } from '../../src/isolate/api-rate-limit';
import { limiterOf } from '../../src/isolate/rate-limit';
import { createKey, createPartner } from '../support/builders';
import { ADMIN_KEY, api, ORIGIN } from '../support/http';

/** Empties a bucket as a flood would: every whole token it holds is leased away. */
const drain = (bucket: string) => limiterOf(env, bucket).lease(1, 1_000_000, 1_000_000);

/** The Worker called with the default limits, whatever the test configuration raises them to. */
async function callWithDefaults(key: string, path: string): Promise<Response> {
  const defaults = {
    ...env,
    API_RATE_PER_SEC: undefined,
    API_BURST: undefined,
    API_ADMIN_RATE_PER_SEC: undefined,
    API_ADMIN_BURST: undefined,
  } as unknown as Env;
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, { headers: { authorization: `Bearer ${key}` } }),
    defaults,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** Statuses of `n` requests sent one after the other. */
async function burst(n: number, key: string, path: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await callWithDefaults(key, path);
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

describe('API rate limit per key', () => {
  // The clock stands still, so that a bucket does not refill while the test runs.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('is 20 requests a second with bursts of 60 for partner keys, 100 and 300 for admin keys, by default', () => {
    expect(DEFAULT_API_LIMITS).toEqual({
      partner: { ratePerSec: 20, burst: 60 },
      admin: { ratePerSec: 100, burst: 300 },
    });
    expect(apiLimits({} as Env)).toEqual(DEFAULT_API_LIMITS);
    const vars = { API_RATE_PER_SEC: '5', API_BURST: '10', API_ADMIN_RATE_PER_SEC: '50', API_ADMIN_BURST: 'x' };
    expect(apiLimits(vars as unknown as Env)).toEqual({
      partner: { ratePerSec: 5, burst: 10 },
      admin: { ratePerSec: 50, burst: 300 },
    });
  });

  it('lets a partner key send a burst of 60, then answers 429 with Retry-After and the contract body', async () => {
    const partner = await createPartner();
    const { key } = await createKey('partner', partner.id);
    const statuses = await burst(61, key, `/api/v1/partners/${partner.id}`);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    const res = await callWithDefaults(key, `/api/v1/partners/${partner.id}`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(typeof body.error.message).toBe('string');
  });

  it('gives admin keys a larger burst', async () => {
    const { key } = await createKey('admin');
    const statuses = await burst(100, key, '/api/v1/keys?limit=1');
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('keeps one bucket per key', async () => {
    const partner = await createPartner();
    const [a, b] = [await createKey('partner', partner.id), await createKey('partner', partner.id)];
    await drain(apiKeyBucket(a.id));
    const refused = await api('GET', '/api/v1/links', { key: a.key });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect((await api('GET', '/api/v1/links', { key: b.key })).status).toBe(200);
  });

  it('limits admin keys too, the deploy-time one included', async () => {
    const { id, key } = await createKey('admin');
    await drain(apiKeyBucket(id));
    expect((await api('POST', '/api/v1/partners', { key, body: {} })).status).toBe(429);
    // This isolate may still hold tokens it leased for the deploy-time key: at most one lease.
    await drain(apiKeyBucket(null));
    const statuses: number[] = [];
    for (let i = 0; i <= 16 && !statuses.includes(429); i++) {
      statuses.push((await api('GET', '/api/v1/keys?limit=1', { key: ADMIN_KEY })).status);
    }
    expect(statuses).toContain(429);
  });

  it('never limits the public OpenAPI document, nor answers 429 before 401', async () => {
    await drain(apiKeyBucket(null));
    expect((await api('GET', '/api/v1/openapi.json', { key: null })).status).toBe(200);
    expect((await api('GET', '/api/v1/partners', { key: null })).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('documents 429 with Retry-After on every route', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    let routes = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/') || path === '/api/v1/openapi.json') continue;
      for (const [method, op] of Object.entries(ops)) {
        routes++;
        expect(op.responses, `${method} ${path}`).toHaveProperty('429');
        expect(Object.keys(op.responses['429']?.headers ?? {}), `${method} ${path}`).toContain('Retry-After');
      }
    }
    expect(routes).toBeGreaterThan(30);
  });
});
