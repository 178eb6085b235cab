// The links pages in Chromium: an admin creates and edits a link with the keyboard alone and copies its short URL; a partner's user only reads its own.
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';

const browser = useBrowserContext();

/** A partner of this file's own, with a name no other test uses. */
async function newPartner(name: string): Promise<{ id: string; name: string }> {
  const res = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name,
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['autodoc.fr'],
      commissionRules: [{ percent: 8 }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; name: string };
}

async function newLink(partnerId: string, slug: string): Promise<{ id: string; slug: string }> {
  const res = await api('/api/v1/links', {
    method: 'POST',
    body: JSON.stringify({ partnerId, slug, destination: 'https://www.autodoc.fr/freinage' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

async function linkOf(id: string) {
  const res = await api(`/api/v1/links/${id}`);
  expect(res.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the API's answer loosely and asserts exact values
  return (await res.json()) as any;
}

/** What the page's element is known by here, where the DOM's types are not loaded (tests run in Node). */
type FocusOwner = { ownerDocument: { activeElement: unknown } };

/**
 * Presses Tab until `target` has the focus, as a person without a mouse would: fails when it is
 * not reached, which is what "works with the keyboard alone" forbids.
 */
async function tabTo(page: Page, target: Locator, maxPresses = 250): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((el) => el === (el as unknown as FocusOwner).ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target} was not reached with the Tab key`);
}

/** Tabs to a field and types into it, replacing what it held. */
async function typeInto(page: Page, target: Locator, text: string): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

const tag = randomUUID().slice(0, 8);

describe('links, as an admin', () => {
  let page: Page;
  let partner: { id: string; name: string };

  beforeAll(async () => {
    partner = await newPartner(`Freinexpress ${tag}`);
    ({ page } = await signInThroughInvite(browser.context, { role: 'admin' }));
  });

  it('creates a link with the keyboard alone, its refusals shown beside the fields', async () => {
    await page.goto('/console/links');
    await expectAccessible(page);
    await tabTo(page, page.getByRole('link', { name: 'New link' }));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/console/links/new');
    await expectAccessible(page);

    await tabTo(page, page.getByLabel('Partner'));
    // A closed select picks the option whose name is typed.
    await page.keyboard.type(partner.name);
    expect(await page.getByLabel('Partner').inputValue()).toBe(partner.id);
    // Plain http passes the browser's URL check, and is the service's to refuse.
    await typeInto(page, page.locator('#link-destination'), 'http://www.autodoc.fr/freinage');
    await typeInto(page, page.getByLabel('Slug'), `freins-${tag}`);
    await typeInto(page, page.getByLabel('utm_campaign'), 'hiver');
    await typeInto(page, page.locator('#link-targets-0-countries'), 'BE, LU');
    await tabTo(page, page.locator('#link-targets-0-device-mobile'));
    await page.keyboard.press('Space');
    await typeInto(page, page.locator('#link-targets-0-destination'), 'https://www.autodoc.be/freinage');
    await typeInto(page, page.locator('#link-variants-0-destination'), 'https://www.autodoc.fr/freinage?v=a');
    await typeInto(page, page.locator('#link-variants-0-weight'), '3');
    await tabTo(page, page.getByRole('button', { name: 'Create the link' }));
    await page.keyboard.press('Enter');
    await page.waitForLoadState();

    await expect(page.locator('#link-destination-error').textContent()).resolves.toBe('The URL must use https.');
    expect(await page.locator('#link-targets-0-countries').inputValue()).toBe('BE, LU');
    await expectAccessible(page);
    // The list of refusals leads to the field.
    await tabTo(page, page.getByRole('alert').getByRole('link', { name: 'Destination' }));
    await page.keyboard.press('Enter');
    await typeInto(page, page.locator('#link-destination'), 'https://www.autodoc.fr/freinage');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('done') === 'created');

    await expect(page.getByRole('status').textContent()).resolves.toBe('The link was created.');
    await expectAccessible(page);
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const link = await linkOf(id);
    expect(link).toMatchObject({
      slug: `freins-${tag}`,
      partnerId: partner.id,
      destination: 'https://www.autodoc.fr/freinage',
      utm: { campaign: 'hiver' },
      rules: {
        targets: [{ countries: ['BE', 'LU'], devices: ['mobile'], destination: 'https://www.autodoc.be/freinage' }],
        variants: [{ destination: 'https://www.autodoc.fr/freinage?v=a', weight: 3 }],
      },
    });
  });

  it('copies the short URL with its button, and shows the QR code', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const link = await newLink(partner.id, `copie-${tag}`);
    await page.goto(`/console/links/${link.id}`);
    const shortUrl = `${new URL(page.url()).origin}/${link.slug}`;
    await expect(page.getByRole('img', { name: `QR code of ${shortUrl}` }).count()).resolves.toBe(1);
    const copy = page.getByRole('button', { name: 'Copy: short URL' });
    await tabTo(page, copy);
    await page.keyboard.press('Enter');
    await expect.poll(() => copy.textContent()).toBe('Copied');
    // Run in the page: the DOM's types are not loaded here.
    const copied = page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    await expect(copied).resolves.toBe(shortUrl);
  });

  it('edits a link with the keyboard alone', async () => {
    const link = await newLink(partner.id, `modif-${tag}`);
    await page.goto(`/console/links/${link.id}`);
    await tabTo(page, page.getByRole('link', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.endsWith('/edit'));
    await expectAccessible(page);
    await typeInto(page, page.getByLabel('Title'), 'Plaquettes, hiver');
    await typeInto(page, page.getByLabel('Name 1'), 'aff');
    await typeInto(page, page.getByLabel('Value 1'), 'aau');
    await tabTo(page, page.getByLabel("Forward the visitor's other query parameters to the destination"));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Save the changes' }));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('done') === 'saved');
    expect(await linkOf(link.id)).toMatchObject({
      title: 'Plaquettes, hiver',
      params: { aff: 'aau' },
      forwardQuery: false,
    });
  });

  it('filters the list by partner and search, and passes axe in French too', async () => {
    await page.goto(`/console/links?partner=${partner.id}&q=${tag}`);
    await expect(page.getByRole('link', { name: `modif-${tag}` }).count()).resolves.toBe(1);
    await page.goto('/console/lang/fr?back=%2Fconsole%2Flinks');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Liens');
    await expectAccessible(page);
    await page.goto('/console/lang/en?back=%2Fconsole%2Flinks');
  });
});

describe("links, as a partner's user", () => {
  it('reads its own links only, without any way to change them', async () => {
    const own = await newPartner(`Pneuvite ${tag}`);
    const other = await newPartner(`Jantes ${tag}`);
    const ownLink = await newLink(own.id, `pneus-${tag}`);
    const otherLink = await newLink(other.id, `jantes-${tag}`);
    await browser.context.clearCookies();
    const { page } = await signInThroughInvite(browser.context, { role: 'partner', partnerId: own.id });

    await page.goto(`/console/links?q=${tag}`);
    await expectAccessible(page);
    await expect(page.getByRole('link', { name: ownLink.slug }).count()).resolves.toBe(1);
    expect(await page.content()).not.toContain(otherLink.slug);
    expect(await page.content()).not.toContain(other.name);
    await expect(page.getByRole('link', { name: 'New link' }).count()).resolves.toBe(0);

    await page.goto(`/console/links/${ownLink.id}`);
    await expectAccessible(page);
    await expect(page.getByRole('link', { name: 'Edit', exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);

    for (const path of [`/console/links/${otherLink.id}`, '/console/links/new', `/console/links/${ownLink.id}/edit`]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
    }
    await expectAccessible(page);
  });
});
