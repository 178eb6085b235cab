// POST /api/v1/privacy/erasures and GET /api/v1/privacy/export: one person's data read back, then erased.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { userHash } from '../../src/domain/identity';
import { newUlid } from '../../src/domain/ids';
import { json, newTxn, postSigned } from '../postback/client';
import { BROWSER_UA, clickIdOf, settleClicks, storedClick, visit } from '../redirect/helpers';
import { type CreatedPartner, createKey, createLink, createPartner } from '../support/builders';
import { api, call } from '../support/http';

const IP = '203.0.113.45';

/** The rows of a table whose `column` is one of `values`, every column. */
// biome-ignore lint/suspicious/noExplicitAny: raw rows are read loosely and asserted exactly
async function rowsWhere(table: string, column: string, values: readonly string[]): Promise<any[]> {
  const { results } = await env.DB.prepare(
    `SELECT * FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?)) ORDER BY id`,
  )
    .bind(JSON.stringify(values))
    .all();
  return results;
}

/** A tracked link opened on a device (`rl_vid` cookie), by an app user when `uid` is given. */
async function open(slug: string, device: string, uid?: string): Promise<string> {
  const res = await visit(`/${slug}${uid ? `?uid=${uid}` : ''}`, {
    headers: { cookie: `rl_vid=${device}`, 'cf-connecting-ip': IP },
  });
  return clickIdOf(res);
}

/** A conversion posted by the partner's server; answers the conversion id. */
async function convert(p: CreatedPartner, fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), ...fields }, { headers });
  expect(res.status).toBe(200);
  return (await json(res)).conversionId as string;
}

/**
 * An app user with a phone and a laptop: on the phone a click signed in and one not, on the laptop
 * one signed in; a funnel event on the phone; two conversions (one on a click id, one on the
 * customer id with IP and user agent, the second sent from the phone's browser); a referral code.
 * Beside them, another app user on a device of their own, who must be left untouched.
 */
async function aPerson() {
  const userRef = `user-${newUlid().toLowerCase()}`;
  const other = `user-${newUlid().toLowerCase()}`;
  const phone = newUlid();
  const laptop = newUlid();
  const stranger = newUlid();
  const partner = await createPartner();
  const link = await createLink(partner.id);
  const clicks = {
    phoneSignedIn: await open(link.slug, phone, userRef),
    phone: await open(link.slug, phone),
    laptop: await open(link.slug, laptop, userRef),
    stranger: await open(link.slug, stranger, other),
  };
  await settleClicks();
  const pixel = await call('GET', `/e?type=add_to_cart&click_id=${clicks.phone}&sku=BRK-1`, {
    key: null,
    headers: { cookie: `rl_vid=${phone}` },
  });
  expect(pixel.status).toBe(200);
  const conversions = {
    byClick: await convert(partner, { amount: '80.00', customerId: userRef, clickId: clicks.phoneSignedIn }),
    byUser: await convert(
      partner,
      { amount: '40.00', customerId: userRef, ip: IP, userAgent: BROWSER_UA },
      { cookie: `rl_vid=${phone}` },
    ),
    stranger: await convert(partner, { amount: '25.00', customerId: other, clickId: clicks.stranger }),
  };
  const code = (await api('POST', '/api/v1/referral-codes', { body: { partnerId: partner.id, userRef }, expect: 201 }))
    .body;
  const otherCode = (
    await api('POST', '/api/v1/referral-codes', { body: { partnerId: partner.id, userRef: other }, expect: 201 })
  ).body;
  return { userRef, other, phone, laptop, stranger, partner, link, clicks, conversions, code, otherCode };
}

type Person = Awaited<ReturnType<typeof aPerson>>;

const theirClicks = (s: Person) => [s.clicks.phoneSignedIn, s.clicks.phone, s.clicks.laptop];
const theirConversions = (s: Person) => [s.conversions.byClick, s.conversions.byUser];

const erase = (body: unknown, key?: string) => api('POST', '/api/v1/privacy/erasures', { body, key });
const exportOf = (query: string, key?: string) => api('GET', `/api/v1/privacy/export?${query}`, { key });

/** The conversions as the API shows them (figures, status, attribution). */
async function conversionViews(ids: string[]) {
  return Promise.all(ids.map(async (id) => (await api('GET', `/api/v1/conversions/${id}`, { expect: 200 })).body));
}

describe('POST /api/v1/privacy/erasures', () => {
  it('erases an app user by userRef: clicks on every device, events, conversions, referral code', async () => {
    const s = await aPerson();
    const res = await erase({ userRef: s.userRef });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ clicks: 3, events: 1, conversions: 2, referralCodes: 1 });
  });

  it('leaves nothing on their clicks that identifies them, and keeps what reports count', async () => {
    const s = await aPerson();
    const before = await storedClick(s.clicks.phoneSignedIn);
    expect(before).toMatchObject({ visitor_id: s.phone, user_agent: BROWSER_UA });
    expect(before.uid_hash).toBe(await userHash(env.HASH_KEY, s.userRef));
    expect(before.fingerprint).not.toBeNull();
    await erase({ userRef: s.userRef });
    for (const row of await rowsWhere('clicks', 'id', theirClicks(s))) {
      expect(row).toMatchObject({ visitor_id: null, uid_hash: null, fingerprint: null, user_agent: null });
    }
    expect(await storedClick(s.clicks.phoneSignedIn)).toEqual({
      ...before,
      visitor_id: null,
      uid_hash: null,
      fingerprint: null,
      user_agent: null,
    });
  });

  it('unlinks their conversions and keeps amounts, commissions, status and attribution', async () => {
    const s = await aPerson();
    const [before] = await rowsWhere('conversions', 'id', [s.conversions.byUser]);
    expect(before).toMatchObject({ visitor_id: s.phone, attribution_method: 'user' });
    expect(before.customer_hash).toBe(await userHash(env.HASH_KEY, s.userRef));
    expect(before.fingerprint).not.toBeNull();
    const views = await conversionViews(theirConversions(s));
    expect(views.map((v) => [v.amount, v.commission, v.status, v.attribution.method])).toEqual([
      [80, 6.4, 'pending', 'click_id'],
      [40, 3.2, 'pending', 'user'],
    ]);
    await erase({ userRef: s.userRef });
    expect(await conversionViews(theirConversions(s))).toEqual(views);
    const [after] = await rowsWhere('conversions', 'id', [s.conversions.byUser]);
    expect(after).toEqual({
      ...before,
      customer_hash: null,
      visitor_id: null,
      fingerprint: null,
      previous_day_fingerprint: null,
    });
  });

  it('removes the visitor id from their funnel events', async () => {
    const s = await aPerson();
    expect(await rowsWhere('events', 'click_id', [s.clicks.phone])).toMatchObject([{ visitor_id: s.phone }]);
    await erase({ userRef: s.userRef });
    expect(await rowsWhere('events', 'click_id', [s.clicks.phone])).toMatchObject([
      { type: 'add_to_cart', visitor_id: null, value: JSON.stringify({ sku: 'BRK-1' }) },
    ]);
  });

  it('deletes their referral code, which then leads nowhere', async () => {
    const s = await aPerson();
    await erase({ userRef: s.userRef });
    const codes = (await api('GET', `/api/v1/referral-codes?partnerId=${s.partner.id}`, { expect: 200 })).body.data;
    expect(codes.map((c: { id: string }) => c.id)).toEqual([s.otherCode.id]);
    expect((await visit(`/r/${s.code.code}`)).status).toBe(404);
  });

  it('redacts the postback log entries about them: no request as received, no identifiers', async () => {
    const s = await aPerson();
    const logged = await rowsWhere('postback_log', 'conversion_id', theirConversions(s));
    expect(logged).toHaveLength(2);
    expect(logged.every((e) => e.request !== null && e.body !== null)).toBe(true);
    await erase({ userRef: s.userRef });
    const entries = await rowsWhere('postback_log', 'conversion_id', theirConversions(s));
    for (const entry of entries) {
      expect(entry).toMatchObject({ request: null, body: null, outcome: 'recorded' });
      const parsed = JSON.parse(entry.parsed);
      expect(parsed).toMatchObject({ customerHash: null, visitorId: null, fingerprints: [] });
      expect(parsed).not.toHaveProperty('userAgent');
      expect(parsed.transactionId).toMatch(/^ORD-/);
    }
    const replay = await api('POST', `/api/v1/postbacks/${entries[0].id}/replay`, {});
    expect(replay.status).toBe(409);
  });

  it('leaves other people as they were', async () => {
    const s = await aPerson();
    const clickBefore = await storedClick(s.clicks.stranger);
    const conversionBefore = await rowsWhere('conversions', 'id', [s.conversions.stranger]);
    const logBefore = await rowsWhere('postback_log', 'conversion_id', [s.conversions.stranger]);
    await erase({ userRef: s.userRef });
    expect(await storedClick(s.clicks.stranger)).toEqual(clickBefore);
    expect(await rowsWhere('conversions', 'id', [s.conversions.stranger])).toEqual(conversionBefore);
    expect(await rowsWhere('postback_log', 'conversion_id', [s.conversions.stranger])).toEqual(logBefore);
  });

  it('erases by visitorId the app user seen on that device, with their other devices and referral code', async () => {
    const s = await aPerson();
    const res = await erase({ visitorId: s.phone });
    expect(res.body).toEqual({ clicks: 3, events: 1, conversions: 2, referralCodes: 1 });
    expect((await rowsWhere('clicks', 'id', theirClicks(s))).map((c) => [c.visitor_id, c.uid_hash])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect((await exportOf(`userRef=${s.userRef}`)).body.clicks).toEqual([]);
  });

  it('erases a visitor never signed in: that device alone', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const device = newUlid();
    const elsewhere = newUlid();
    const ids = [await open(link.slug, device), await open(link.slug, device)];
    const untouched = await open(link.slug, elsewhere);
    await settleClicks();
    expect((await erase({ visitorId: device })).body).toEqual({
      clicks: 2,
      events: 0,
      conversions: 0,
      referralCodes: 0,
    });
    expect((await rowsWhere('clicks', 'id', ids)).map((c) => c.visitor_id)).toEqual([null, null]);
    expect((await storedClick(untouched)).visitor_id).toBe(elsewhere);
  });

  it('erases the clicks of the moment before, still waiting in the click buffers', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const device = newUlid();
    const justNow = await open(link.slug, device, 'user-just-now');

    // No settling: the click is still in this isolate's batch, or in its ClickBuffer.
    expect((await erase({ userRef: 'user-just-now' })).body).toMatchObject({ clicks: 1 });
    await settleClicks();
    expect(await storedClick(justNow)).toMatchObject({ visitor_id: null, uid_hash: null });
  });

  it('answers zeros when asked again, and changes nothing more', async () => {
    const s = await aPerson();
    await erase({ userRef: s.userRef, visitorId: s.phone });
    const clicks = await rowsWhere('clicks', 'id', theirClicks(s));
    const zeros = { clicks: 0, events: 0, conversions: 0, referralCodes: 0 };
    expect((await erase({ userRef: s.userRef })).body).toEqual(zeros);
    expect((await erase({ visitorId: s.laptop })).body).toEqual(zeros);
    expect(await rowsWhere('clicks', 'id', theirClicks(s))).toEqual(clicks);
  });

  it('takes a user id as long as the longest uid a link keeps', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const longest = 'u'.repeat(256);
    const clickId = await open(link.slug, newUlid(), longest);
    await settleClicks();
    expect((await erase({ userRef: longest })).body).toMatchObject({ clicks: 1 });
    expect(await storedClick(clickId)).toMatchObject({ uid_hash: null });
  });

  it('answers zeros for someone Relais never saw', async () => {
    expect((await erase({ userRef: 'nobody-ever', visitorId: newUlid() })).body).toEqual({
      clicks: 0,
      events: 0,
      conversions: 0,
      referralCodes: 0,
    });
  });

  it('keeps a register of erasures with who asked and the counts, and nothing of whom', async () => {
    const s = await aPerson();
    const [first, second] = [await createKey('admin'), await createKey('admin')];
    await erase({ userRef: s.userRef }, first.key);
    await erase({ visitorId: s.stranger }, second.key);
    const { results } = await env.DB.prepare('SELECT * FROM privacy_erasures WHERE actor IN (?, ?) ORDER BY id')
      .bind(first.id, second.id)
      .all();
    expect(results.map(({ id: _id, created_at: _at, ...row }) => row)).toEqual([
      {
        actor: first.id,
        by_user_ref: 1,
        by_visitor_id: 0,
        clicks: 3,
        events: 1,
        conversions: 2,
        referral_codes: 1,
        postback_log_entries: 2,
      },
      {
        actor: second.id,
        by_user_ref: 0,
        by_visitor_id: 1,
        clicks: 1,
        events: 0,
        conversions: 1,
        referral_codes: 1,
        postback_log_entries: 1,
      },
    ]);
    const register = JSON.stringify(results);
    for (const secret of [
      s.userRef,
      s.other,
      s.phone,
      s.laptop,
      s.stranger,
      await userHash(env.HASH_KEY, s.userRef),
      await userHash(env.HASH_KEY, s.other),
    ]) {
      expect(register).not.toContain(secret);
    }
  });

  it('shows the register to admins, newest first, a page at a time, and to no partner key', async () => {
    const s = await aPerson();
    const first = await createKey('admin');
    await erase({ userRef: s.userRef }, first.key);
    await erase({ visitorId: s.stranger });

    const newest = await api('GET', '/api/v1/privacy/erasures?limit=1', { expect: 200 });
    expect(newest.body.data).toEqual([
      {
        id: expect.stringMatching(/^era_/),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actor: 'admin-key',
        byUserRef: false,
        byVisitorId: true,
        clicks: 1,
        events: 0,
        conversions: 1,
        referralCodes: 1,
        postbackLogEntries: 1,
      },
    ]);
    const next = await api('GET', `/api/v1/privacy/erasures?limit=1&cursor=${newest.body.nextCursor}`, {
      expect: 200,
    });
    expect(next.body.data).toMatchObject([{ actor: first.id, byUserRef: true, byVisitorId: false, clicks: 3 }]);

    const partnerKey = await createKey('partner', s.partner.id);
    expect((await api('GET', '/api/v1/privacy/erasures', { key: partnerKey.key })).status).toBe(403);
  });

  it("names the deployment's own ADMIN_API_KEY `admin-key` in the register", async () => {
    await erase({ visitorId: newUlid() });
    const last = await env.DB.prepare('SELECT actor FROM privacy_erasures ORDER BY id DESC LIMIT 1').first();
    expect(last).toEqual({ actor: 'admin-key' });
  });

  it('refuses partner keys, before reading the body', async () => {
    const s = await aPerson();
    const partnerKey = (await createKey('partner', s.partner.id)).key;
    for (const body of [{ userRef: s.userRef }, {}]) {
      const res = await erase(body, partnerKey);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await storedClick(s.clicks.phone)).visitor_id).toBe(s.phone);
  });

  it.each([
    ['no identifier', {}],
    ['an empty userRef', { userRef: '' }],
    ['a blank visitorId', { visitorId: '   ' }],
    ['a userRef that is not text', { userRef: 42 }],
    ['a visitorId longer than any', { visitorId: 'V'.repeat(65) }],
    ['a list', [{ userRef: 'user-1' }]],
  ])('answers 400 invalid_request to %s', async (_what, body) => {
    const res = await erase(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', message: expect.any(String) });
  });

  it('answers 400 invalid_request to a body that is not JSON', async () => {
    const res = await call('POST', '/api/v1/privacy/erasures', { body: 'userRef=user-1' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});

describe('GET /api/v1/privacy/export', () => {
  it('answers what is held about the app user: clicks, events, conversions, referral codes, postbacks', async () => {
    const s = await aPerson();
    const { status, body } = await exportOf(`userRef=${encodeURIComponent(s.userRef)}`);
    expect(status).toBe(200);
    expect(body.clicks.map((c: { id: string }) => c.id)).toEqual(theirClicks(s));
    expect(body.clicks[0]).toMatchObject({
      linkId: s.link.id,
      partnerId: s.partner.id,
      visitorId: s.phone,
      userAgent: BROWSER_UA,
      device: 'mobile',
      os: 'iOS',
      hasUser: true,
      destination: 'https://www.autodoc.fr/freinage',
    });
    expect(body.clicks.map((c: { visitorId: string }) => c.visitorId)).toEqual([s.phone, s.phone, s.laptop]);
    expect(body.events).toMatchObject([{ type: 'add_to_cart', clickId: s.clicks.phone, visitorId: s.phone }]);
    expect(
      body.conversions.map((c: { id: string; amount: number; commission: number; currency: string }) => [
        c.id,
        c.amount,
        c.commission,
        c.currency,
      ]),
    ).toEqual([
      [s.conversions.byClick, 80, 6.4, 'EUR'],
      [s.conversions.byUser, 40, 3.2, 'EUR'],
    ]);
    expect(body.referralCodes).toMatchObject([{ id: s.code.id, code: s.code.code, userRef: s.userRef }]);
    // The postbacks about them, as logged: the customer id itself was never kept, its keyed hash was.
    expect(body.postbackLog.map((e: { conversionId: string }) => e.conversionId)).toEqual(theirConversions(s));
    const customerHash = await userHash(env.HASH_KEY, s.userRef);
    for (const entry of body.postbackLog) {
      expect(entry.parsed).toMatchObject({ customerHash });
      expect(entry.body).not.toContain(s.userRef);
    }
    expect(JSON.stringify(body)).not.toContain(s.stranger);
    expect(JSON.stringify(body)).not.toContain(s.other);
  });

  it('answers the same person by one of their visitor ids', async () => {
    const s = await aPerson();
    const byUser = (await exportOf(`userRef=${s.userRef}`)).body;
    expect((await exportOf(`visitorId=${s.laptop}`)).body).toEqual(byUser);
  });

  it('answers empty lists after an erasure, whichever identifier is asked', async () => {
    const s = await aPerson();
    await erase({ userRef: s.userRef });
    const nothing = { clicks: [], events: [], conversions: [], referralCodes: [], postbackLog: [] };
    expect((await exportOf(`userRef=${s.userRef}`)).body).toEqual(nothing);
    expect((await exportOf(`visitorId=${s.phone}`)).body).toEqual(nothing);
    expect((await exportOf(`visitorId=${s.laptop}`)).body).toEqual(nothing);
  });

  it('refuses partner keys, and asks for an identifier', async () => {
    const s = await aPerson();
    const partnerKey = (await createKey('partner', s.partner.id)).key;
    for (const query of [`userRef=${s.userRef}`, '']) {
      const res = await exportOf(query, partnerKey);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const res = await exportOf('');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
