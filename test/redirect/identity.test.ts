import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fingerprintDay, fingerprintOf, userHash } from '../../src/domain/identity';
import { ulidTime } from '../../src/domain/ids';
import { flushClicks } from '../../src/isolate/click-recorder';
import { createLink, createPartner } from '../support/builders';
import { BROWSER_UA, clickIdOf, clicksOf, settleClicks, storedClick, visit } from './helpers';

const VID = /^rl_vid=([0-9A-HJKMNP-TV-Z]{26}); Max-Age=(\d+); Path=\/; HttpOnly; Secure; SameSite=Lax$/;

describe('visitor cookie', () => {
  it('mints a visitor id in a first-party cookie kept for 30 days by default', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const before = Date.now();
    const cookie = (await visit(`/${link.slug}`)).headers.get('set-cookie') ?? '';
    const [, vid, maxAge] = VID.exec(cookie) ?? [];
    expect(maxAge).toBe(String(30 * 86_400));
    expect(ulidTime(vid as string)).toBeGreaterThanOrEqual(before);
  });

  it("keeps the cookie for the partner's cookie days", async () => {
    const p = await createPartner({ cookieDays: 7 });
    const link = await createLink(p.id);
    const cookie = (await visit(`/${link.slug}`)).headers.get('set-cookie') ?? '';
    expect(VID.exec(cookie)?.[2]).toBe(String(7 * 86_400));
  });

  it('reuses a valid incoming visitor id and records it on the click', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const vid = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';
    const res = await visit(`/${link.slug}`, { headers: { cookie: `theme=dark; rl_vid=${vid}; other=1` } });
    expect(VID.exec(res.headers.get('set-cookie') ?? '')?.[1]).toBe(vid);
    await settleClicks();
    expect((await clicksOf(link.id))[0].visitorId).toBe(vid);
  });

  it.each([
    ['too short', 'rl_vid=01JDQ7'],
    ['lower case', 'rl_vid=01jdq7z8v3k2m4n5p6q7r8s9t0'],
    ['with letters outside the alphabet', 'rl_vid=01JDQ7Z8V3K2M4N5P6Q7R8S9TU'],
    ['under another name', 'xrl_vid=01JDQ7Z8V3K2M4N5P6Q7R8S9T0'],
  ])('replaces a visitor id %s', async (_what, cookie) => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const set = (await visit(`/${link.slug}`, { headers: { cookie } })).headers.get('set-cookie') ?? '';
    expect(VID.exec(set)?.[1]).not.toBe('01JDQ7Z8V3K2M4N5P6Q7R8S9T0');
    expect(set).toMatch(VID);
  });
});

describe('unique clicks', () => {
  it("counts a visitor's first click on a link in 24 hours as unique, and only that one", async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const other = await createLink(p.id);
    const first = await visit(`/${link.slug}?sub1=1`);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
    await visit(`/${link.slug}?sub1=2`, { headers: { cookie } });
    await visit(`/${other.slug}?sub1=3`, { headers: { cookie } });
    await visit(`/${link.slug}?sub1=4`);
    await settleClicks();
    // A later batch that no longer holds the first click must still know it.
    await visit(`/${link.slug}?sub1=5`, { headers: { cookie } });
    await settleClicks();
    const unique = Object.fromEntries(
      [...(await clicksOf(link.id)), ...(await clicksOf(other.id))].map((c) => [c.subIds.sub1, c.unique]),
    );
    expect(unique).toEqual({ 1: true, 2: false, 3: true, 4: true, 5: false });
  });
});

describe('app user id and fingerprint', () => {
  it('keeps the app user id only as its keyed hash', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}?uid=user-4242`);
    await settleClicks();
    const row = await storedClick(clickIdOf(res));
    expect(row.uid_hash).toBe(await userHash(env.HASH_KEY, 'user-4242'));
    expect(JSON.stringify(row)).not.toContain('user-4242');
    const [click] = await clicksOf(link.id);
    expect(JSON.stringify(click)).not.toContain(row.uid_hash);
    expect(click.hasUser).toBe(true);
  });

  it('fingerprints the visitor with the day-salted keyed hash of IP and user agent', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}`, { headers: { 'cf-connecting-ip': '203.0.113.9' } });
    await settleClicks();
    const row = await storedClick(clickIdOf(res));
    const day = fingerprintDay(row.created_at);
    expect(row.fingerprint).toBe(await fingerprintOf(env.HASH_KEY, '203.0.113.9', BROWSER_UA, day));
    expect(JSON.stringify(await clicksOf(link.id))).not.toContain(row.fingerprint);
  });

  it.each([
    ['Sec-GPC: 1', { 'sec-gpc': '1' }],
    ['DNT: 1', { dnt: '1' }],
  ])('takes no fingerprint from a visitor who sends %s', async (_what, optOut) => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}`, { headers: { 'cf-connecting-ip': '203.0.113.9', ...optOut } });
    await settleClicks();
    expect((await storedClick(clickIdOf(res))).fingerprint).toBeNull();
  });

  it('never lets the raw IP leave the isolate: not in the click buffers, not in D1', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const ip = '198.51.100.77';
    const res = await visit(`/${link.slug}`, { headers: { 'cf-connecting-ip': ip, 'x-forwarded-for': ip } });
    await flushClicks(env);
    for (const id of await listDurableObjectIds(env.CLICK_BUFFER)) {
      const stored = await runInDurableObject(env.CLICK_BUFFER.get(id), (_instance, state) =>
        JSON.stringify(
          state.storage.sql
            .exec<{ name: string }>(
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
            )
            .toArray()
            .map(({ name }) => state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()),
        ),
      );
      expect(stored).not.toContain(ip);
    }
    await settleClicks();
    expect(JSON.stringify(await storedClick(clickIdOf(res)))).not.toContain(ip);
  });
});
