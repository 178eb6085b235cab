import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { ORIGIN } from '../support/http';
import { BROWSER_UA, clickIdOf, clicksOf, locationOf, settleClicks, visit } from './helpers';

describe('bots', () => {
  it.each([
    [
      'a link preview',
      { 'user-agent': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
      'link_preview',
    ],
    [
      'a crawler',
      { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      'crawler',
    ],
    ['an HTTP library', { 'user-agent': 'curl/8.5.0', accept: '*/*' }, 'http_library'],
    ['a browser user agent without a browser Accept', { 'user-agent': BROWSER_UA, accept: '*/*' }, 'spoofed_browser'],
    ['a prefetch', { 'sec-purpose': 'prefetch' }, 'prefetch'],
    ['a missing user agent', { 'user-agent': '' }, 'empty_user_agent'],
  ])('redirects %s but flags its click', async (_what, headers, reason) => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}`, { headers });
    expect(res.status).toBe(302);
    expect(locationOf(res).searchParams.get('click_id')).toBe(clickIdOf(res));
    await settleClicks();
    expect((await clicksOf(link.id))[0]).toMatchObject({ isBot: true, botReason: reason });
  });

  it('flags a browser user agent that sent no Accept header at all', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/${link.slug}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' }),
    );
    expect(res.status).toBe(302);
    await settleClicks();
    expect((await clicksOf(link.id))[0]).toMatchObject({ isBot: true, botReason: 'spoofed_browser' });
  });

  it("records a person's device, OS and browser from the full user-agent parse", async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`, { headers: { referer: 'https://www.Example.com/forum/clio?x=1' } });
    await settleClicks();
    expect((await clicksOf(link.id))[0]).toMatchObject({
      isBot: false,
      botReason: null,
      device: 'mobile',
      os: 'iOS',
      browser: 'Safari',
      referrerHost: 'www.example.com',
    });
  });
});
