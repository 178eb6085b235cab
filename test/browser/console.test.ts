// The console in Chromium, across its sections: sign-in by invitation and with the keyboard,
// the session cookie, sign-out, every page of each role accessible, and a partner's user
// confined to its own partner whatever URL it types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { useBrowserContext } from './support/context';
import { signInThroughInvite, TEST_PASSWORD } from './support/invite';
import { screenshot } from './support/screenshot';

type Partner = { id: string; name: string; slug: string };

const admin = useBrowserContext();

let partners: Partner[] = [];
let autodoc: Partner;

beforeAll(async () => {
  const res = await api('/api/v1/partners?limit=500');
  partners = ((await res.json()) as { data: Partner[] }).data;
  autodoc = partners.find((p) => p.name === 'Autodoc')!;
  expect(autodoc?.name).toBe('Autodoc');
});

/** The console's own pages linked from the menu, in order. */
async function menuOf(page: Page): Promise<string[]> {
  return page.locator('header nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
}

describe('signing in', () => {
  it('lands on the overview through an invitation, with a session cookie out of reach of scripts', async () => {
    const { page } = await signInThroughInvite(admin.context, { role: 'admin' });
    await expect(page.locator('h1').textContent()).resolves.toBeTruthy();
    const session = (await admin.context.cookies()).find((c) => c.name === 'relais_session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate('document.cookie')).not.toContain('relais_session');
    await page.close();
  });

  it('works with the keyboard alone, and signing out ends the session', async () => {
    const { user } = await signInThroughInvite(admin.context, { role: 'admin' });
    await admin.context.clearCookies();
    const page = await admin.context.newPage();
    await page.goto('/console/login');
    // From the top of the page, Tab reaches the email field, then the password, then the button.
    for (
      let i = 0;
      i < 10 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== 'email';
      i++
    ) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/console');

    await page.getByRole('button', { name: /sign out/i }).press('Enter');
    await page.waitForURL((url) => url.pathname === '/console/login');
    await page.goto('/console');
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.close();
  });

  it('says the same thing for an unknown email and a wrong password', async () => {
    const page = await admin.context.newPage();
    const attempt = async (email: string) => {
      await page.goto('/console/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      return page.getByRole('alert').textContent();
    };
    const { user } = await signInThroughInvite(admin.context, { role: 'admin' });
    expect(await attempt(`nobody-${Date.now()}@example.com`)).toBe(await attempt(user.email));
    await page.close();
  });
});

describe('every page of an admin', () => {
  it('is reachable from the menu and passes axe, in English and in French', async () => {
    const { page } = await signInThroughInvite(admin.context, { role: 'admin' });
    const menu = await menuOf(page);
    expect(menu).toEqual(expect.arrayContaining(['/console', '/console/partners', '/console/users']));
    for (const path of menu) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await expectAccessible(page);
    }
    await page.goto('/console');
    await page.getByRole('link', { name: 'Français' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await expectAccessible(page);
    await screenshot(page, 'overview-desktop');
    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.close();
  });
});

describe('a partner user', () => {
  const phone = useBrowserContext({ viewport: 'phone', locale: 'fr-FR' });
  let page: Page;
  let others: Partner[];

  beforeAll(async () => {
    ({ page } = await signInThroughInvite(admin.context, { role: 'partner', partnerId: autodoc.id }));
    others = partners.filter((p) => p.id !== autodoc.id);
  });
  afterAll(() => page.close());

  it("sees no other partner's name on any of its pages, each accessible", async () => {
    const menu = await menuOf(page);
    expect(menu).not.toContain('/console/partners');
    expect(menu).not.toContain('/console/users');
    expect(menu).toContain(`/console/partners/${autodoc.id}`);
    for (const path of menu) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      const text = (await page.content()).toLowerCase();
      for (const other of others) {
        expect(text, `${other.name} on ${path}`).not.toContain(other.name.toLowerCase());
        expect(text, `${other.id} on ${path}`).not.toContain(other.id.toLowerCase());
      }
      await expectAccessible(page);
    }
    await page.goto('/console');
    await screenshot(page, 'partner-desktop');
  });

  it("finds nothing at the URL of another partner's objects", async () => {
    const norauto = partners.find((p) => p.name === 'Norauto')!;
    const listed = await api(`/api/v1/links?partnerId=${norauto.id}&limit=1`);
    const links = ((await listed.json()) as { data: { id: string }[] }).data;
    const urls = [
      `/console/partners/${norauto.id}`,
      '/console/partners',
      '/console/users',
      '/console/statements',
      '/console/anomalies',
      ...links.map((l) => `/console/links/${l.id}`),
    ];
    for (const url of urls) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(404);
      expect((await page.content()).includes(norauto.name), url).toBe(false);
    }
  });

  it('has its back office on a phone, in French, like the admin overview', async () => {
    for (const [role, name] of [
      ['partner', 'partner-phone'],
      ['admin', 'overview-phone'],
    ] as const) {
      const signed = await signInThroughInvite(phone.context, {
        role,
        partnerId: role === 'partner' ? autodoc.id : undefined,
      });
      const mobile = signed.page;
      expect(await mobile.locator('html').getAttribute('lang')).toBe('fr');
      await expectAccessible(mobile);
      await screenshot(mobile, name);
      await mobile.close();
      await phone.context.clearCookies();
    }
  });
});
