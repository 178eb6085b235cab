// `npm start`'s console links: a demo admin and a demo Autodoc user, each signed in by a one-time link.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type Worker from '../../src/index';
import { DEMO_ADMIN_EMAIL, DEMO_PARTNER_EMAIL } from '../../src/seed/console-users';
import { seedDemo } from '../../src/seed/seed';
import { sessionOf, signInWithLink } from '../../src/services/console-sessions';
import { createKey, createPartner, tokenOf } from '../support/builders';
import { freshWorker } from '../support/fresh-worker';
import { ADMIN_KEY, api, ORIGIN } from '../support/http';

// Each test starts from storage where nothing is seeded and no demo user exists.
let worker: typeof Worker;
beforeEach(async () => {
  await freshWorker();
  worker = (await import('../../src/index')).default;
});

const SIGN_IN_URL = new RegExp(`^${ORIGIN.replaceAll('.', '\\.')}/console/sign-in/[\\w-]{43}$`);

const links = async () => (await api('POST', '/api/v1/dev/console-links', { expect: 200 })).body;

describe('POST /api/v1/dev/console-links', () => {
  it('signs in the demo admin and the demo Autodoc user with one click each', async () => {
    await seedDemo(env);
    const body = await links();
    expect(body).toEqual({
      admin: { email: DEMO_ADMIN_EMAIL, signInUrl: expect.stringMatching(SIGN_IN_URL) },
      partner: { email: DEMO_PARTNER_EMAIL, signInUrl: expect.stringMatching(SIGN_IN_URL) },
    });
    const admin = await sessionOf(env, (await signInWithLink(env, tokenOf(body.admin.signInUrl))).token);
    expect(admin).toMatchObject({ user: { email: DEMO_ADMIN_EMAIL, role: 'admin' }, scope: { partnerId: null } });
    const autodoc = (await api('GET', '/api/v1/partners?limit=500', { expect: 200 })).body.data.find(
      (p: { slug: string }) => p.slug === 'autodoc',
    );
    const partner = await sessionOf(env, (await signInWithLink(env, tokenOf(body.partner.signInUrl))).token);
    expect(partner).toMatchObject({
      user: { email: DEMO_PARTNER_EMAIL, role: 'partner', partnerId: autodoc.id },
      scope: { partnerId: autodoc.id },
    });
  });

  it('gives fresh links each time, for the same two people; the earlier links stop working', async () => {
    await seedDemo(env);
    const first = await links();
    const second = await links();
    expect(second.admin.signInUrl).not.toBe(first.admin.signInUrl);
    await expect(signInWithLink(env, tokenOf(first.admin.signInUrl))).rejects.toMatchObject({ code: 'link_not_found' });
    await signInWithLink(env, tokenOf(second.admin.signInUrl));
    const users = (await api('GET', '/api/v1/users', { expect: 200 })).body.data;
    expect(users.map((u: { email: string }) => u.email).sort()).toEqual([DEMO_ADMIN_EMAIL, DEMO_PARTNER_EMAIL]);
  });

  it('gives the admin link alone while Autodoc is not seeded', async () => {
    const body = await links();
    expect(body.partner).toBeNull();
    expect(body.admin.email).toBe(DEMO_ADMIN_EMAIL);
  });

  it('is for admin keys only', async () => {
    const { key } = await createKey('partner', (await createPartner()).id);
    expect((await api('POST', '/api/v1/dev/console-links', { key })).status).toBe(403);
  });

  it('does not exist outside local development', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${ORIGIN}/api/v1/dev/console-links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      }) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, ENVIRONMENT: 'production' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(404);
    expect((await api('GET', '/api/v1/users', { expect: 200 })).body.data).toEqual([]);
  });
});
