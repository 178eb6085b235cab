// The console's overview in Chromium: an admin and a partner's user filter their figures, with the
// keyboard too; a partner's user never sees another partner; every page passes axe.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { newContext, useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';
import { screenshot } from './support/screenshot';
import { partnerWithTraffic, type Traffic } from './support/traffic';

const browser = useBrowserContext();

let autodoc: Traffic;
let norauto: Traffic;
beforeAll(async () => {
  autodoc = await partnerWithTraffic('Autodoc', ['clio-iv', 'clio-iv', '208']);
  norauto = await partnerWithTraffic('Norauto', ['megane-iii']);
});

/** A key figure's value, found by its label. */
const tile = (page: import('playwright-core').Page, label: string) =>
  page.locator('.tiles li', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).locator('.value');

describe('the overview, as an admin', () => {
  it("narrows the figures to a partner and a day with the filters, today's live", async () => {
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
    await expectAccessible(page);

    await page.getByLabel('Partner', { exact: true }).selectOption({ label: autodoc.partner.name });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('partner') === autodoc.partner.id);
    await expect(tile(page, 'Clicks').textContent()).resolves.toBe('3');
    await expect(tile(page, 'Conversions').textContent()).resolves.toBe('1');
    await expect(tile(page, 'Commission').textContent()).resolves.toBe('€9.60');
    await expect(page.getByText(`Figures of ${autodoc.partner.name}`).count()).resolves.toBe(1);

    await page.getByRole('link', { name: 'Today', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === url.searchParams.get('to'));
    expect(new URL(page.url()).searchParams.get('partner')).toBe(autodoc.partner.id);
    await expect(page.locator('figcaption', { hasText: 'Clicks per hour' }).count()).resolves.toBe(1);
    await expect(tile(page, 'Clicks').textContent()).resolves.toBe('3');
    await expect(page.locator('svg[role="img"] title').count()).resolves.toBe(3);
    await expectAccessible(page);
    await screenshot(page, 'overview-desktop');
  });

  it('counts bot clicks once the box is ticked, with the keyboard alone', async () => {
    const page = await browser.context.newPage();
    await page.goto(`/console?partner=${autodoc.partner.id}`);
    await expect(tile(page, 'Bot clicks').count()).resolves.toBe(0);

    await page.getByLabel('Include bot clicks').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe('Show');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('bots') === '1');

    await expect(tile(page, 'Clicks').textContent()).resolves.toBe('4');
    await expect(tile(page, 'Bot clicks').textContent()).resolves.toBe('1');
    await expect(tile(page, 'Unique clicks').textContent()).resolves.toBe('3');
    await expect(page.getByLabel('Include bot clicks').isChecked()).resolves.toBe(true);
    await expectAccessible(page);
  });

  it('lists partners and links at the top, every partner named', async () => {
    const page = await browser.context.newPage();
    await page.goto('/console?bots=1');
    const partners = page.locator('table', { has: page.locator('caption', { hasText: /^Top partners$/ }) });
    await expect(partners.getByRole('rowheader', { name: autodoc.partner.name }).count()).resolves.toBe(1);
    await expect(partners.getByRole('rowheader', { name: norauto.partner.name }).count()).resolves.toBe(1);
    await expectAccessible(page);
  });

  it('fits a phone screen', async () => {
    const context = await newContext(browser.context.browser()!, { viewport: 'phone' });
    try {
      const { page } = await signInThroughInvite(context, { role: 'admin' });
      await page.goto(`/console?partner=${autodoc.partner.id}`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page);
      await screenshot(page, 'overview-phone');
    } finally {
      await context.close();
    }
  });
});

describe("the overview, as a partner's user", () => {
  it('shows its own figures only; another partner in the URL is not found', async () => {
    const context = await newContext(browser.context.browser()!);
    try {
      const { page } = await signInThroughInvite(context, { role: 'partner', partnerId: autodoc.partner.id });
      await page.getByRole('link', { name: 'Français' }).click();
      await page.waitForURL((url) => url.pathname === '/console');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("Vue d'ensemble");
      await expect(tile(page, 'Clics').textContent()).resolves.toBe('3');
      await expect(tile(page, 'Commission').textContent()).resolves.toBe('9,60\u00a0€');
      const html = await page.content();
      for (const other of [norauto.partner.name, norauto.partner.id, norauto.link.slug])
        expect(html).not.toContain(other);
      await expect(page.getByLabel('Partenaire', { exact: true }).count()).resolves.toBe(0);
      await expectAccessible(page);

      const tampered = await page.goto(`/console?partner=${norauto.partner.id}`);
      expect(tampered?.status()).toBe(404);
      expect(await page.content()).not.toContain(norauto.partner.name);
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
