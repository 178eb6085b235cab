// The page a person meets on a link that does not exist, in a real browser: the harness's smoke test.
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { useBrowserContext } from './support/context';

const browser = useBrowserContext();

describe('GET /:slug of a missing link, in Chromium', () => {
  it('answers 404 with a page saying the link does not exist', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto('/no-such-link-xyz');
    expect(res?.status()).toBe(404);
    expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await expect(page.title()).resolves.toBe('Link not found');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Link not found');
  });

  it('has no serious or critical accessibility violation', async () => {
    const page = await browser.context.newPage();
    await page.goto('/no-such-link-xyz');
    await expectAccessible(page);
  });
});
