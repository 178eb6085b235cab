// Screenshots for the README: whole pages written to docs/screenshots/<name>.png when asked for.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * The README's pictures are refreshed on purpose (`UPDATE_SCREENSHOTS=1 npm run test:browser`):
 * every run takes them, but an ordinary run writes them to a temporary folder, so that running
 * the tests leaves the working tree as it was.
 */
export const SCREENSHOTS_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
    : path.join(tmpdir(), 'relais-screenshots');

/**
 * Writes the whole page, scrolled length included, to `<SCREENSHOTS_DIR>/<name>.png`, replacing any
 * earlier one, and answers the file's path.
 * @example
 * await screenshot(page, 'overview-desktop');
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  // The name becomes a file name in the repository: lower-case words and dashes only.
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`screenshot name ${JSON.stringify(name)} is not kebab-case`);
  }
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
