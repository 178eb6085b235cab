// A fresh browser context per test file: its own cookies, language and screen size, on the Worker's origin.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchChromium } from './chromium';

/** The two screens the console is checked on: a laptop, and a phone held upright. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export type ViewportName = keyof typeof VIEWPORTS;

export interface ContextOptions {
  /** The browser's language (`navigator.language` and `Accept-Language`): `en` unless given. */
  locale?: string;
  viewport?: ViewportName;
}

/** A new context on `browser`, whose relative URLs (`page.goto('/console')`) go to the Worker. */
export function newContext(browser: Browser, { locale = 'en', viewport = 'desktop' }: ContextOptions = {}) {
  const isPhone = viewport === 'phone';
  return browser.newContext({
    baseURL: inject('baseUrl'),
    locale,
    viewport: VIEWPORTS[viewport],
    isMobile: isPhone,
    hasTouch: isPhone,
  });
}

/**
 * Launches Chromium with a fresh context before the file's tests and closes both after them.
 * @example
 * const browser = useBrowserContext({ locale: 'fr', viewport: 'phone' });
 * it('...', async () => {
 *   const page = await browser.context.newPage();
 * });
 */
export function useBrowserContext(options: ContextOptions = {}): { readonly context: BrowserContext } {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    context = await newContext(browser, options);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });
  return {
    get context() {
      if (!context) throw new Error('the browser context exists only inside the tests and hooks of the file');
      return context;
    },
  };
}
