import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { getConversion } from '../../src/db/conversions';
import { getPartner } from '../../src/db/partners';
import { fingerprintDay, fingerprintOf, userHash } from '../../src/domain/identity';
import { newClickId } from '../../src/domain/ids';
import { attributeConversion, signalsOfConversion } from '../../src/services/attribution';
import { createLink, createPartner } from '../support/builders';
import { insertClick } from '../support/clicks';
import { api, call } from '../support/http';
import { json, newTxn, postSigned } from './client';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const IP = '203.0.113.45';
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';

async function setup(overrides: Record<string, unknown> = {}) {
  const partner = await createPartner(overrides);
  const link = await createLink(partner.id);
  return { partner, link };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Posts a conversion that occurred at `at` and answers the attribution. */
async function attributionOf(s: Setup, fields: Record<string, unknown>, at = new Date()) {
  const res = await postSigned(s.partner.slug, s.partner.signingSecret, {
    transactionId: newTxn(),
    amount: '50.00',
    occurredAt: at.toISOString(),
    ...fields,
  });
  expect(res.status).toBe(200);
  return (await json(res)).attribution;
}

const click = (s: Setup, overrides: Parameters<typeof insertClick>[0] extends infer T ? Partial<T> : never = {}) =>
  insertClick({ partnerId: s.partner.id, linkId: s.link.id, ...overrides });

describe('attribution by click id', () => {
  it('credits the partner’s click and keeps the time from click to conversion', async () => {
    const s = await setup();
    const at = new Date();
    const c = await click(s, { createdAt: new Date(at.getTime() - 2 * HOUR) });
    expect(await attributionOf(s, { clickId: c.id }, at)).toEqual({
      method: 'click_id',
      clickId: c.id,
      linkId: s.link.id,
      confidence: 1,
      clickToConversionMs: 2 * HOUR,
    });
  });

  it('ignores a click of another partner', async () => {
    const s = await setup();
    const other = await setup();
    const c = await click(other);
    expect((await attributionOf(s, { clickId: c.id })).method).toBe('none');
  });

  it('never credits a bot click', async () => {
    const s = await setup();
    const c = await click(s, { isBot: true, botReason: 'ua' });
    expect((await attributionOf(s, { clickId: c.id })).method).toBe('none');
  });

  it('credits a click exactly at the end of the window and not one a moment older', async () => {
    const s = await setup({ attributionWindowDays: 7 });
    const at = new Date();
    const edge = await click(s, { createdAt: new Date(at.getTime() - 7 * DAY) });
    const older = await click(s, { createdAt: new Date(at.getTime() - 7 * DAY - 1) });
    expect((await attributionOf(s, { clickId: edge.id }, at)).clickId).toBe(edge.id);
    expect((await attributionOf(s, { clickId: older.id }, at)).method).toBe('none');
  });

  it('does not credit a click made after the conversion', async () => {
    const s = await setup();
    const at = new Date(Date.now() - HOUR);
    const c = await click(s, { createdAt: new Date() });
    expect((await attributionOf(s, { clickId: c.id }, at)).method).toBe('none');
  });
});

describe('attribution by referral code', () => {
  it('credits the newest click made with the code', async () => {
    const s = await setup();
    const code = (
      await api('POST', '/api/v1/referral-codes', {
        body: { partnerId: s.partner.id, userRef: newTxn('u') },
        expect: 201,
      })
    ).body.code as string;
    await click(s, { referralCode: code, source: 'referral', createdAt: new Date(Date.now() - 3 * HOUR) });
    const newest = await click(s, { referralCode: code, source: 'referral', createdAt: new Date(Date.now() - HOUR) });
    await click(s, { createdAt: new Date(Date.now() - 60_000) });
    const a = await attributionOf(s, { referralCode: code.toLowerCase() });
    expect(a).toMatchObject({ method: 'referral_code', clickId: newest.id, linkId: s.link.id, confidence: 1 });
  });

  it('credits the code itself, with its link, when no click was made with it', async () => {
    const s = await setup();
    const code = (
      await api('POST', '/api/v1/referral-codes', {
        body: { partnerId: s.partner.id, userRef: newTxn('u'), linkId: s.link.id },
        expect: 201,
      })
    ).body.code;
    expect(await attributionOf(s, { referralCode: code })).toEqual({
      method: 'referral_code',
      clickId: null,
      linkId: s.link.id,
      confidence: 1,
      clickToConversionMs: null,
    });
  });

  it('ignores a code of another partner', async () => {
    const s = await setup();
    const other = await setup();
    const code = (
      await api('POST', '/api/v1/referral-codes', { body: { partnerId: other.partner.id, userRef: 'x' }, expect: 201 })
    ).body.code;
    expect((await attributionOf(s, { referralCode: code })).method).toBe('none');
  });
});

describe('attribution by coupon', () => {
  it('credits the newest human click on the coupon’s link, whatever the case of the code', async () => {
    const s = await setup();
    const code = `C${Date.now().toString(36).toUpperCase()}`;
    await api('POST', '/api/v1/coupons', { body: { partnerId: s.partner.id, code, linkId: s.link.id }, expect: 201 });
    const human = await click(s, { createdAt: new Date(Date.now() - 2 * HOUR) });
    await click(s, { isBot: true, createdAt: new Date(Date.now() - HOUR) });
    const a = await attributionOf(s, { coupon: code.toLowerCase() });
    expect(a).toMatchObject({ method: 'coupon', clickId: human.id, linkId: s.link.id });
  });

  it('credits the coupon itself when its link has no click in the window', async () => {
    const s = await setup();
    const code = `C${Date.now().toString(36).toUpperCase()}`;
    await api('POST', '/api/v1/coupons', { body: { partnerId: s.partner.id, code, linkId: s.link.id }, expect: 201 });
    expect(await attributionOf(s, { coupon: code })).toMatchObject({
      method: 'coupon',
      clickId: null,
      linkId: s.link.id,
    });
  });

  it('credits a coupon without link to the code alone', async () => {
    const s = await setup();
    const code = `C${Date.now().toString(36).toUpperCase()}`;
    await api('POST', '/api/v1/coupons', { body: { partnerId: s.partner.id, code }, expect: 201 });
    expect(await attributionOf(s, { coupon: code })).toMatchObject({ method: 'coupon', clickId: null, linkId: null });
  });
});

describe('attribution by user (cross-device)', () => {
  it('credits the newest click made by the same app user on any device', async () => {
    const s = await setup();
    const uidHash = await userHash(env.HASH_KEY, 'user-4242');
    await click(s, { uidHash, createdAt: new Date(Date.now() - 5 * HOUR) });
    const latest = await click(s, { uidHash, createdAt: new Date(Date.now() - 2 * HOUR) });
    await click(s, { uidHash, isBot: true, createdAt: new Date(Date.now() - HOUR) });
    expect(await attributionOf(s, { customerId: 'user-4242' })).toMatchObject({ method: 'user', clickId: latest.id });
  });
});

describe('attribution by visitor cookie', () => {
  it('credits the visitor’s click when the postback comes from the visitor’s browser', async () => {
    const s = await setup();
    const c = await click(s);
    const query = new URLSearchParams({ transactionId: newTxn(), token: s.partner.postbackToken });
    const res = await call('GET', `/pb/${s.partner.slug}?${query}`, {
      key: null,
      headers: { cookie: `theme=dark; rl_vid=${c.visitorId}` },
    });
    expect((await json(res)).attribution).toMatchObject({ method: 'cookie', clickId: c.id, confidence: 0.9 });
  });
});

describe('attribution by fingerprint', () => {
  const fingerprinted = async (s: Setup, at: Date) =>
    click(s, {
      createdAt: at,
      fingerprint: await fingerprintOf(env.HASH_KEY, IP, UA, fingerprintDay(at.getTime())),
    });

  it('credits the one recent click with the same address and browser, with a lower confidence', async () => {
    const s = await setup();
    const c = await fingerprinted(s, new Date(Date.now() - 3 * HOUR));
    expect(await attributionOf(s, { ip: IP, userAgent: UA })).toMatchObject({
      method: 'fingerprint',
      clickId: c.id,
      confidence: 0.6,
    });
  });

  it('matches a click of the day before (fingerprints are salted per day)', async () => {
    const s = await setup();
    const midnight = Date.UTC(2026, 10, 20);
    const c = await fingerprinted(s, new Date(midnight - HOUR));
    const a = await attributionOf(s, { ip: IP, userAgent: UA }, new Date(midnight + HOUR));
    expect(a).toMatchObject({ method: 'fingerprint', clickId: c.id, clickToConversionMs: 2 * HOUR });
  });

  it('credits nothing when two clicks share the fingerprint', async () => {
    const s = await setup();
    await fingerprinted(s, new Date(Date.now() - 3 * HOUR));
    await fingerprinted(s, new Date(Date.now() - 2 * HOUR));
    expect((await attributionOf(s, { ip: IP, userAgent: UA })).method).toBe('none');
  });

  it('credits nothing for a click more than 24 hours old', async () => {
    const s = await setup();
    await fingerprinted(s, new Date(Date.now() - 25 * HOUR));
    expect((await attributionOf(s, { ip: IP, userAgent: UA })).method).toBe('none');
  });
});

describe('attribution order', () => {
  it('prefers the click id, then the referral code, the coupon, the user, the cookie, the fingerprint', async () => {
    const s = await setup();
    const uid = `user-${newTxn()}`;
    const uidHash = await userHash(env.HASH_KEY, uid);
    const at = new Date();
    const fp = await fingerprintOf(env.HASH_KEY, IP, UA, fingerprintDay(at.getTime() - HOUR));
    const byFingerprint = await click(s, { fingerprint: fp, createdAt: new Date(at.getTime() - HOUR) });
    const byCookie = await click(s, { createdAt: new Date(at.getTime() - 2 * HOUR) });
    const byUser = await click(s, { uidHash, createdAt: new Date(at.getTime() - 3 * HOUR) });
    const couponLink = await createLink(s.partner.id);
    const coupon = `C${Date.now().toString(36).toUpperCase()}`;
    await api('POST', '/api/v1/coupons', {
      body: { partnerId: s.partner.id, code: coupon, linkId: couponLink.id },
      expect: 201,
    });
    const byCoupon = await insertClick({
      partnerId: s.partner.id,
      linkId: couponLink.id,
      createdAt: new Date(at.getTime() - 4 * HOUR),
    });
    const referral = (
      await api('POST', '/api/v1/referral-codes', { body: { partnerId: s.partner.id, userRef: uid }, expect: 201 })
    ).body.code;
    const byReferral = await click(s, { referralCode: referral, createdAt: new Date(at.getTime() - 5 * HOUR) });
    const byClickId = await click(s, { createdAt: new Date(at.getTime() - 6 * HOUR) });

    const all = { clickId: byClickId.id, referralCode: referral, coupon, customerId: uid, ip: IP, userAgent: UA };
    const expectations: [Record<string, unknown>, string, string][] = [
      [all, 'click_id', byClickId.id],
      [{ ...all, clickId: undefined }, 'referral_code', byReferral.id],
      [{ ...all, clickId: undefined, referralCode: undefined }, 'coupon', byCoupon.id],
      [{ ip: IP, userAgent: UA, customerId: uid }, 'user', byUser.id],
      [{ ip: IP, userAgent: UA }, 'fingerprint', byFingerprint.id],
    ];
    for (const [fields, method, clickId] of expectations) {
      expect(await attributionOf(s, fields, at)).toMatchObject({ method, clickId });
    }
    // The cookie sits between the user and the fingerprint.
    const query = new URLSearchParams({
      transactionId: newTxn(),
      token: s.partner.postbackToken,
      ip: IP,
      userAgent: UA,
      occurredAt: at.toISOString(),
    });
    const res = await call('GET', `/pb/${s.partner.slug}?${query}`, {
      key: null,
      headers: { cookie: `rl_vid=${byCookie.visitorId}` },
    });
    expect((await json(res)).attribution).toMatchObject({ method: 'cookie', clickId: byCookie.id });
  });

  it('lets a referral code with no click outrank a weaker method', async () => {
    const s = await setup();
    const uid = `user-${newTxn()}`;
    await click(s, { uidHash: await userHash(env.HASH_KEY, uid) });
    const referral = (
      await api('POST', '/api/v1/referral-codes', { body: { partnerId: s.partner.id, userRef: uid }, expect: 201 })
    ).body.code;
    expect(await attributionOf(s, { referralCode: referral, customerId: uid })).toMatchObject({
      method: 'referral_code',
      clickId: null,
    });
  });
});

describe('unattributed conversions', () => {
  it('are kept with hashed signals for a later attribution, never the raw values', async () => {
    const s = await setup();
    const res = await postSigned(s.partner.slug, s.partner.signingSecret, {
      transactionId: newTxn(),
      clickId: newClickId(),
      customerId: 'user-raw-77',
      coupon: 'nope',
      referralCode: 'NOPE1234',
      ip: IP,
      userAgent: UA,
    });
    const body = await json(res);
    expect(body.attribution).toEqual({
      method: 'none',
      clickId: null,
      linkId: null,
      confidence: null,
      clickToConversionMs: null,
    });
    const row = await env.DB.prepare('SELECT * FROM conversions WHERE id = ?')
      .bind(body.conversionId)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      attribution_method: 'none',
      coupon: 'NOPE',
      referral_code: 'NOPE1234',
      customer_hash: await userHash(env.HASH_KEY, 'user-raw-77'),
      fingerprint: await fingerprintOf(env.HASH_KEY, IP, UA, fingerprintDay(Date.now())),
      previous_day_fingerprint: await fingerprintOf(env.HASH_KEY, IP, UA, fingerprintDay(Date.now() - DAY)),
    });
    expect(JSON.stringify(row)).not.toContain('user-raw-77');
    expect(JSON.stringify(row)).not.toContain(IP);
  });

  it('can be attributed later from their stored signals (the reconciliation job’s entry point)', async () => {
    const s = await setup();
    const lateClickId = newClickId(Date.now() - HOUR);
    const body = await json(
      await postSigned(s.partner.slug, s.partner.signingSecret, { transactionId: newTxn(), clickId: lateClickId }),
    );
    expect(body.attribution.method).toBe('none');
    // The click reaches D1 after the postback (clicks are written asynchronously).
    await click(s, { id: lateClickId, createdAt: new Date(Date.now() - HOUR) });
    const db = dbOf(env);
    const stored = await getConversion(db, body.conversionId);
    const partner = await getPartner(db, s.partner.id);
    if (!stored || !partner) throw new Error('missing rows');
    expect(stored.reportedClickId).toBe(lateClickId);
    expect(await attributeConversion(db, env, partner, signalsOfConversion(stored))).toMatchObject({
      method: 'click_id',
      clickId: lateClickId,
      linkId: s.link.id,
    });
  });
});
