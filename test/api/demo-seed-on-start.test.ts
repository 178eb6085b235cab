import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type Worker from '../../src/index';
import { SEED_PARTNERS } from '../../src/seed/partners';
import { freshWorker } from '../support/fresh-worker';
import { ADMIN_KEY, ORIGIN } from '../support/http';

// Every test meets the Worker as a new isolate on empty storage does: nothing seeded yet.
let worker: typeof Worker;
beforeEach(async () => {
  await freshWorker();
  worker = (await import('../../src/index')).default;
});

/** A request to the Worker under `vars`, as `npm start` runs it (SEED_DEMO) or as deployed. */
async function fetchWith(vars: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...vars },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** What `npm start` sets. */
const LOCAL_RUN: Partial<Env> = { SEED_DEMO: 'true', ENVIRONMENT: 'development' };
const asAdmin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };

describe('demo data on start', () => {
  it('is not seeded where SEED_DEMO is not "true"', async () => {
    const res = await fetchWith({ SEED_DEMO: 'false', ENVIRONMENT: 'development' }, '/api/v1/partners', asAdmin);
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('is never seeded outside local development, whatever SEED_DEMO says', async () => {
    const res = await fetchWith({ SEED_DEMO: 'true', ENVIRONMENT: 'production' }, '/api/v1/partners', asAdmin);
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('is in D1 before the first answer when SEED_DEMO is "true", for every request that came meanwhile', async () => {
    const [link, partners, health] = await Promise.all([
      fetchWith(LOCAL_RUN, '/autodoc-freins'),
      fetchWith(LOCAL_RUN, '/api/v1/partners?limit=500', asAdmin),
      fetchWith(LOCAL_RUN, '/health'),
    ]);
    expect(link.status).toBe(302);
    expect(new URL(link.headers.get('location') ?? '').hostname).toBe('www.autodoc.fr');
    const body = (await partners.json()) as { data: { slug: string }[] };
    expect(body.data.map((p) => p.slug).sort()).toEqual(SEED_PARTNERS.map((p) => p.slug).sort());
    expect(health.status).toBe(200);
  });
});
