// Signing in to the console: invitations, passwords, the session cookie, sign-out, forms from elsewhere.
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { browse, cookieFrom, page, signedIn, submit } from '../support/console';
import { api } from '../support/http';

const PASSWORD = 'correct horse battery staple';

async function invite(email = `p-${crypto.randomUUID().slice(0, 8)}@people.test`) {
  const created = await api('POST', '/api/v1/users', { body: { email, role: 'admin' }, expect: 201 });
  return { email, id: created.body.id as string, path: new URL(created.body.inviteUrl).pathname };
}

describe('the invitation', () => {
  it('shows a labelled password field, then signs the person in and lands on the overview', async () => {
    const { email, path } = await invite();
    const form = await (await browse(path)).text();
    expect(form).toContain('<label for="password">Password</label>');
    expect(form).toContain(email);
    const res = await browse(path, { form: { password: PASSWORD } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
    const overview = await browse('/console', { cookie: cookieFrom(res, 'relais_session') });
    expect(overview.status).toBe(200);
  });

  it('sets the session cookie HttpOnly, Secure, SameSite=Lax, for the whole origin', async () => {
    const { path } = await invite();
    const res = await browse(path, { form: { password: PASSWORD } });
    const line = res.headers.getSetCookie().find((c) => c.startsWith('relais_session='))!;
    const attributes = line.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    expect(attributes.some((a) => a.startsWith('expires='))).toBe(true);
  });

  it('refuses a password under 12 characters and keeps the form', async () => {
    const { path } = await invite();
    const res = await browse(path, { form: { password: 'short-11chr' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('at least 12 characters');
    expect(cookieFrom(res, 'relais_session')).toBeUndefined();
  });

  it('refuses a password over 256 characters and keeps the invitation open', async () => {
    const { path } = await invite();
    const res = await browse(path, { form: { password: 'x'.repeat(257) } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('at most 256 characters');
    expect((await browse(path, { form: { password: PASSWORD } })).status).toBe(303);
  });

  it('works once', async () => {
    const { path } = await invite();
    expect((await browse(path, { form: { password: PASSWORD } })).status).toBe(303);
    expect((await browse(path)).status).toBe(404);
    expect((await browse(path, { form: { password: PASSWORD } })).status).toBe(404);
  });
});

describe('POST /console/login', () => {
  it('signs in with the password chosen, back to the page asked for', async () => {
    const { email, path } = await invite();
    await browse(path, { form: { password: PASSWORD } });
    const res = await browse('/console/login', { form: { email, password: PASSWORD, next: '/console/reports' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/reports');
    expect(cookieFrom(res, 'relais_session')).toMatch(/^relais_session=.{20,}/);
  });

  it('ignores a place to go next that holds a control character', async () => {
    const { email, path } = await invite();
    await browse(path, { form: { password: PASSWORD } });
    const res = await browse('/console/login', { form: { email, password: PASSWORD, next: '/console/\r\nX: y' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
  });

  it('answers an unknown email and a wrong password alike', async () => {
    const { email, path } = await invite();
    await browse(path, { form: { password: PASSWORD } });
    const wrong = await browse('/console/login', { form: { email, password: 'not the password at all' } });
    const unknown = await browse('/console/login', {
      form: { email: `nobody-${crypto.randomUUID()}@people.test`, password: 'not the password at all' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const problem = (html: string) => /role="alert"[^>]*>([^<]+)</.exec(html)?.[1];
    expect(problem(await wrong.text())).toBe(problem(await unknown.text()));
  });

  it('stops guessing on one account, with Retry-After, even with the right password next', async () => {
    const { email, path } = await invite();
    await browse(path, { form: { password: PASSWORD } });
    const headers = { 'cf-connecting-ip': '203.0.113.77' };
    for (let i = 0; i < 5; i++) {
      expect(
        (await browse('/console/login', { form: { email, password: `guess number ${i}!` }, headers })).status,
      ).toBe(401);
    }
    const blocked = await browse('/console/login', { form: { email, password: PASSWORD }, headers });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain('Too many failed attempts');
  });
});

describe('a session', () => {
  it('ends when the person signs out', async () => {
    const admin = await signedIn({ role: 'admin' });
    const res = await submit(admin, '/console/logout');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    expect(res.headers.getSetCookie().join()).toMatch(/relais_session=;/);
    expect((await browse('/console', { cookie: admin.cookie })).status).toBe(302);
  });

  it('stops working once the person is removed', async () => {
    const admin = await signedIn({ role: 'admin' });
    await page(admin, '/console');
    await api('DELETE', `/api/v1/users/${admin.userId}`);
    const res = await browse('/console', { cookie: admin.cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/login?next=%2Fconsole');
  });

  it('refuses a form posted from another site, even with the cookie and the token', async () => {
    const admin = await signedIn({ role: 'admin' });
    const res = await submit(admin, '/console/logout', {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await browse('/console', { cookie: admin.cookie })).status).toBe(200);
  });

  it("refuses a form without the session's token", async () => {
    const admin = await signedIn({ role: 'admin' });
    const res = await browse('/console/logout', { cookie: admin.cookie, form: { _csrf: 'guessed' } });
    expect(res.status).toBe(403);
    expect((await browse('/console', { cookie: admin.cookie })).status).toBe(200);
  });

  it('keeps a partner user out of the admin-only sections', async () => {
    const partner = await createPartner();
    const user = await signedIn({ role: 'partner', partnerId: partner.id });
    for (const path of ['/console/users', '/console/statements', '/console/anomalies']) {
      expect((await browse(path, { cookie: user.cookie })).status, path).toBe(404);
    }
  });
});

describe('GET /console/sign-in/:token', () => {
  it('is a one-time door for the demo users', async () => {
    const links = await api('POST', '/api/v1/dev/console-links', { expect: 200 });
    const path = new URL(links.body.admin.signInUrl).pathname;
    const res = await browse(path);
    expect(res.status).toBe(303);
    expect(cookieFrom(res, 'relais_session')).toMatch(/^relais_session=.{20,}/);
    expect((await browse(path)).status).toBe(404);
  });
});
