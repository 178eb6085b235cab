import fc from 'fast-check';
import { isbot } from 'isbot';
import { describe, expect, it } from 'vitest';
import { detectBot } from '../../src/domain/bots';
import { BOT_USER_AGENTS, HUMAN_USER_AGENTS } from './fixtures/user-agents';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('detectBot', () => {
  it('has a corpus of at least 60 bots and 60 people', () => {
    expect(BOT_USER_AGENTS.length).toBeGreaterThanOrEqual(60);
    expect(HUMAN_USER_AGENTS.length).toBeGreaterThanOrEqual(60);
  });

  describe('flags every bot of the corpus with its reason', () => {
    it.each(BOT_USER_AGENTS.map((b) => [b.reason, b.ua]))('%s: %s', (reason, ua) => {
      expect(detectBot(ua)).toEqual({ isBot: true, reason });
    });
  });

  describe('lets every person of the corpus through', () => {
    it.each(HUMAN_USER_AGENTS.map((h) => [h.label, h.ua]))('%s', (_label, ua) => {
      expect(detectBot(ua)).toEqual({ isBot: false, reason: null });
      expect(detectBot(ua, { accept: BROWSER_ACCEPT, secChUa: null, purpose: null })).toEqual({
        isBot: false,
        reason: null,
      });
    });
  });

  describe('empty user agents', () => {
    it.each([null, undefined, '', '   ', '\t'])('flags %j', (ua) => {
      expect(detectBot(ua)).toEqual({ isBot: true, reason: 'empty_user_agent' });
    });
  });

  describe('prefetch', () => {
    it.each(['prefetch', 'prefetch;prerender', 'Prefetch', 'preview'])(
      'flags a request whose purpose is %j',
      (purpose) => {
        expect(detectBot(IPHONE, { purpose })).toEqual({ isBot: true, reason: 'prefetch' });
      },
    );

    it('ignores another or a missing purpose', () => {
      expect(detectBot(IPHONE, { purpose: null })).toEqual({ isBot: false, reason: null });
      expect(detectBot(IPHONE, { purpose: '' })).toEqual({ isBot: false, reason: null });
      expect(detectBot(IPHONE, { purpose: 'navigate' })).toEqual({ isBot: false, reason: null });
    });
  });

  describe('client hints', () => {
    it('flags headless Chrome hiding behind a normal user agent', () => {
      const secChUa = '"HeadlessChrome";v="124", "Chromium";v="124", "Not-A.Brand";v="99"';
      expect(detectBot(CHROME, { secChUa })).toEqual({ isBot: true, reason: 'headless' });
    });

    it('lets ordinary Chrome brands through', () => {
      const secChUa = '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"';
      expect(detectBot(CHROME, { secChUa })).toEqual({ isBot: false, reason: null });
    });
  });

  describe('Accept header', () => {
    it.each([null, '', '*/*', ' */* ', 'application/json'])(
      'flags a browser user agent sent with Accept %j',
      (accept) => {
        expect(detectBot(CHROME, { accept })).toEqual({ isBot: true, reason: 'spoofed_browser' });
      },
    );

    it.each([
      BROWSER_ACCEPT,
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'text/html',
      'image/gif, image/jpeg, image/pjpeg, application/x-ms-application, application/xaml+xml, application/x-ms-xbap, */*',
    ])('accepts a browser sending %j', (accept) => {
      expect(detectBot(CHROME, { accept })).toEqual({ isBot: false, reason: null });
    });

    it('is not consulted when not given', () => {
      expect(detectBot(CHROME)).toEqual({ isBot: false, reason: null });
      expect(detectBot(CHROME, { accept: undefined })).toEqual({ isBot: false, reason: null });
    });

    it('does not judge user agents that do not claim to be browsers', () => {
      expect(
        detectBot('[FBAN/FB4A;FBAV/567.1.0.52.74;FBPN/com.facebook.katana;FBDV/SM-S921B;]', { accept: '*/*' }),
      ).toEqual({
        isBot: false,
        reason: null,
      });
    });

    it('leaves the reason to the known list when the user agent names a bot', () => {
      expect(detectBot('curl/8.4.0', { accept: '*/*' })).toEqual({ isBot: true, reason: 'http_library' });
    });
  });

  describe('in-app browsers', () => {
    // Tokens isbot matches, as they appear in device code names and carrier names of real phones.
    const unlucky = [
      'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 Instagram 321.0.0.39.106 Android (33/13; 450dpi; 1080x2177; samsung; SM-A536B; spider; s5e8825; fr_FR; 577210397)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21D61 [FBAN/FBIOS;FBAV/450.0.0.38.108;FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS;FBSV/17.3.1;FBCR/Proxy Mobile;FBID/phone;FBLC/fr_FR]',
      'Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36 musical_ly_2023300040 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.0.4 ByteLocale/fr Region/FR Spark/1.4.8 AppVersion/33.0.4 BytedanceWebview/d8a21c6 Monitor/1.0',
    ];

    it.each(unlucky)('keeps people in a social app even where isbot would not: %s', (ua) => {
      expect(isbot(ua)).toBe(true);
      expect(detectBot(ua)).toEqual({ isBot: false, reason: null });
    });

    it('still applies our own list to them', () => {
      const ua = `${HUMAN_USER_AGENTS.find((h) => h.label === 'Android Instagram')!.ua} HeadlessChrome/124.0.0.0`;
      expect(detectBot(ua)).toEqual({ isBot: true, reason: 'headless' });
    });

    it('does not take a Pinterest, LinkedIn, Twitter or Snapchat app for its preview fetcher', () => {
      for (const label of [
        'iPhone Pinterest',
        'Android Pinterest',
        'iPhone LinkedIn',
        'iPhone Twitter',
        'Android Snapchat',
      ]) {
        expect(detectBot(HUMAN_USER_AGENTS.find((h) => h.label === label)!.ua).isBot).toBe(false);
      }
    });
  });

  it('does not flag Electron apps, which act for people', () => {
    expect(detectBot(`${CHROME} Electron/30.0.1`)).toEqual({ isBot: false, reason: null });
  });

  it('does not take device code names such as ruby or java for HTTP libraries', () => {
    for (const name of ['ruby', 'java']) {
      const agent = HUMAN_USER_AGENTS.find((h) => h.label === `Android Instagram (device code name ${name})`)!.ua;
      expect(detectBot(agent)).toEqual({ isBot: false, reason: null });
    }
  });

  it('examines only a bounded prefix of huge user agents', () => {
    // A crawler's name past the prefix is not read: the work per user agent has a ceiling.
    const huge = `${CHROME} ${'a'.repeat(100_000)} Googlebot`;
    expect(detectBot(huge).reason).not.toBe('crawler');
  });

  it('answers a verdict whose reason is set exactly when it is a bot, for any input', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 300 })),
        fc.record({ accept: fc.option(fc.string()), secChUa: fc.option(fc.string()), purpose: fc.option(fc.string()) }),
        (ua, hints) => {
          const verdict = detectBot(ua, hints);
          expect(verdict.isBot).toBe(verdict.reason !== null);
        },
      ),
    );
  });
});
