// Launches the Chromium of Debian's `chromium` package, the one browser the tests use (none is downloaded).
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's package installs it; `.ci/run` installs the package when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Starts a headless Chromium.
 * @example
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Chromium's sandbox refuses to run as root (CI runs as root) and needs user namespaces that
    // containers often lack; the browser only ever loads the local Worker's pages.
    args: ['--no-sandbox'],
  });
}
