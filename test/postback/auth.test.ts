import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { api, call } from '../support/http';
import { getWithToken, json, newMessageId, newTxn, postSigned, signedHeaders } from './client';

const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

describe('POST /pb/:partnerSlug, Standard Webhooks signatures', () => {
  it('accepts a postback signed by the standardwebhooks library with the partner secret', async () => {
    const p = await createPartner();
    const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    expect(res.status).toBe(200);
  });

  it('refuses a signature made with another secret with 401 invalid_signature', async () => {
    const p = await createPartner();
    const res = await postSigned(p.slug, OTHER_SECRET, { transactionId: newTxn() });
    expect(res.status).toBe(401);
    expect((await json(res)).error).toMatchObject({
      code: 'invalid_signature',
      details: { reason: 'invalid_signature' },
    });
  });

  it('refuses a postback signed with the partner push secret: whoever verifies pushes cannot sign postbacks', async () => {
    const p = await createPartner();
    const res = await postSigned(p.slug, p.pushSigningSecret, { transactionId: newTxn() });
    expect(res.status).toBe(401);
    expect((await json(res)).error).toMatchObject({ code: 'invalid_signature' });
    const rotated = (await api('POST', `/api/v1/partners/${p.id}/rotate-push-secret`, { expect: 200 })).body;
    for (const secret of [p.pushSigningSecret, rotated.pushSigningSecret]) {
      expect((await postSigned(p.slug, secret, { transactionId: newTxn() })).status).toBe(401);
    }
  });

  it('refuses a body changed after signing', async () => {
    const p = await createPartner();
    const signed = JSON.stringify({ transactionId: 'T-1', amount: '10.00' });
    const res = await call('POST', `/pb/${p.slug}`, {
      key: null,
      body: JSON.stringify({ transactionId: 'T-1', amount: '1000.00' }),
      headers: signedHeaders(p.signingSecret, signed),
    });
    expect(res.status).toBe(401);
  });

  it('refuses a postback without signature headers', async () => {
    const p = await createPartner();
    const res = await call('POST', `/pb/${p.slug}`, { key: null, body: { transactionId: newTxn() } });
    expect(res.status).toBe(401);
    expect((await json(res)).error.details.reason).toBe('missing_headers');
  });

  // Ten seconds past the tolerance: the header carries whole seconds, and the test's clock, read
  // before the request, may trail the Worker's by a moment.
  it.each([
    ['more than 5 minutes old', -310],
    ['more than 5 minutes ahead', 310],
  ])('refuses a timestamp %s', async (_what, offsetSec) => {
    const p = await createPartner();
    const res = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn() },
      {
        at: new Date(Date.now() + offsetSec * 1000),
      },
    );
    expect(res.status).toBe(401);
    expect((await json(res)).error.details.reason).toBe('timestamp_out_of_tolerance');
  });

  it('accepts a timestamp 4 minutes old', async () => {
    const p = await createPartner();
    const res = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn() },
      {
        at: new Date(Date.now() - 240_000),
      },
    );
    expect(res.status).toBe(200);
  });

  it('accepts a header carrying several signatures when one matches (secret rotation)', async () => {
    const p = await createPartner();
    const body = JSON.stringify({ transactionId: newTxn() });
    const id = newMessageId();
    const at = new Date();
    const both = `${new Webhook(OTHER_SECRET).sign(id, at, body)} ${new Webhook(p.signingSecret).sign(id, at, body)}`;
    const res = await call('POST', `/pb/${p.slug}`, {
      key: null,
      body,
      headers: { ...signedHeaders(p.signingSecret, body, { id, at }), 'webhook-signature': both },
    });
    expect(res.status).toBe(200);
  });

  it('accepts the previous secret for 24 hours after a rotation, and the new one', async () => {
    const p = await createPartner();
    const rotated = (await api('POST', `/api/v1/partners/${p.id}/rotate-secrets`, { expect: 200 })).body;
    expect((await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() })).status).toBe(200);
    expect((await postSigned(p.slug, rotated.signingSecret, { transactionId: newTxn() })).status).toBe(200);
  });

  it('refuses the previous secret once its 24 hours are over', async () => {
    const p = await createPartner();
    await api('POST', `/api/v1/partners/${p.id}/rotate-secrets`, { expect: 200 });
    await env.DB.prepare('UPDATE partners SET previous_secret_expires_at = ? WHERE id = ?')
      .bind(Date.now() - 1000, p.id)
      .run();
    const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    expect(res.status).toBe(401);
  });

  it('refuses signed postbacks with 403 auth_method_disabled when the partner turned them off', async () => {
    const p = await createPartner({ acceptSignedPostbacks: false });
    const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('auth_method_disabled');
  });
});

describe('GET /pb/:partnerSlug, postback token', () => {
  it('accepts the partner token', async () => {
    const p = await createPartner();
    const res = await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn(), amount: '12.50' });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'recorded', amount: 12.5 });
  });

  it('refuses a wrong token with 401 invalid_token', async () => {
    const p = await createPartner();
    const res = await getWithToken(p.slug, 'pbt_wrong', { transactionId: newTxn() });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('invalid_token');
  });

  it('refuses a missing token with 401', async () => {
    const p = await createPartner();
    const res = await getWithToken(p.slug, null, { transactionId: newTxn() });
    expect(res.status).toBe(401);
  });

  it("refuses another partner's token", async () => {
    const [p, other] = [await createPartner(), await createPartner()];
    const res = await getWithToken(p.slug, other.postbackToken, { transactionId: newTxn() });
    expect(res.status).toBe(401);
  });

  it('refuses the token replaced by a rotation at once', async () => {
    const p = await createPartner();
    await api('POST', `/api/v1/partners/${p.id}/rotate-secrets`, { expect: 200 });
    expect((await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn() })).status).toBe(401);
  });

  it('accepts the token in an Authorization: Bearer header, out of the URL', async () => {
    const p = await createPartner();
    const txn = newTxn();
    const res = await call('GET', `/pb/${p.slug}?transactionId=${txn}`, {
      key: null,
      headers: { authorization: `Bearer ${p.postbackToken}` },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'recorded', transactionId: txn });
  });

  it('reads the header before the query: a wrong token there is refused whatever the query says', async () => {
    const p = await createPartner();
    const res = await getWithToken(
      p.slug,
      p.postbackToken,
      { transactionId: newTxn() },
      { authorization: 'Bearer pbt_wrong' },
    );
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('invalid_token');
  });

  it('refuses token postbacks with 403 auth_method_disabled when the partner turned them off', async () => {
    const p = await createPartner({ acceptTokenPostbacks: false });
    const res = await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn() });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('auth_method_disabled');
  });
});

describe('/pb/:partnerSlug, IP allowlist', () => {
  it.each([
    ['an exact address', ['203.0.113.9'], '203.0.113.9', 200],
    ['a CIDR range', ['198.51.100.0/24'], '198.51.100.77', 200],
    ['an IPv6 range', ['2001:db8::/32'], '2001:db8:1::5', 200],
    ['an address outside the list', ['203.0.113.9'], '203.0.113.10', 403],
    ['a missing client address', ['203.0.113.9'], null, 403],
  ])('with %s answers %i', async (_what, ipAllowlist, ip, expected) => {
    const p = await createPartner({ ipAllowlist });
    const headers: Record<string, string> = ip ? { 'cf-connecting-ip': ip } : {};
    const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() }, { headers });
    expect(res.status).toBe(expected);
    if (expected === 403) expect((await json(res)).error.code).toBe('ip_not_allowed');
  });

  it('accepts every address when the list is empty', async () => {
    const p = await createPartner();
    const res = await getWithToken(
      p.slug,
      p.postbackToken,
      { transactionId: newTxn() },
      { 'cf-connecting-ip': '192.0.2.1' },
    );
    expect(res.status).toBe(200);
  });
});

describe('/pb/:partnerSlug, replayed webhook-id', () => {
  it('answers the first answer again, as a duplicate, and changes nothing even with another body', async () => {
    const p = await createPartner();
    const id = newMessageId();
    const transactionId = newTxn();
    const first = await json(await postSigned(p.slug, p.signingSecret, { transactionId, amount: 10 }, { id }));
    const replay = await postSigned(p.slug, p.signingSecret, { transactionId, amount: 10, status: 'rejected' }, { id });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(replay)).toEqual({ ...first, status: 'duplicate' });
    const row = await env.DB.prepare('SELECT status FROM conversions WHERE id = ?').bind(first.conversionId).first();
    expect(row?.status).toBe('pending');
  });

  it('keeps webhook ids per partner', async () => {
    const [a, b] = [await createPartner(), await createPartner()];
    const id = newMessageId();
    await postSigned(a.slug, a.signingSecret, { transactionId: newTxn() }, { id });
    const res = await postSigned(b.slug, b.signingSecret, { transactionId: newTxn() }, { id });
    expect((await json(res)).status).toBe('recorded');
  });

  it('processes a retry of a delivery that was refused', async () => {
    const p = await createPartner();
    const id = newMessageId();
    const transactionId = newTxn();
    expect((await postSigned(p.slug, p.signingSecret, { amount: 10 }, { id })).status).toBe(400);
    const retry = await postSigned(p.slug, p.signingSecret, { transactionId, amount: 10 }, { id });
    expect((await json(retry)).status).toBe('recorded');
  });
});

describe('/pb/:partnerSlug, partner state', () => {
  it('answers 404 for an unknown partner', async () => {
    const res = await call('GET', '/pb/no-such-partner?transactionId=1&token=x', { key: null });
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });

  it('answers 404 for a deleted partner', async () => {
    const p = await createPartner();
    await api('DELETE', `/api/v1/partners/${p.id}`, { expect: 204 });
    expect((await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn() })).status).toBe(404);
  });

  it.each(['paused', 'ended'])('refuses a %s partner with 403 partner_inactive, even in a dry run', async (status) => {
    const p = await createPartner({ status });
    for (const query of ['', '?dryRun=1']) {
      const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() }, { query });
      expect(res.status).toBe(403);
      expect((await json(res)).error).toMatchObject({ code: 'partner_inactive', details: { partnerStatus: status } });
    }
  });

  it.each(['prospect', 'negotiating'])('lets a %s partner test with dryRun only', async (status) => {
    const p = await createPartner({ status });
    const real = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    expect(real.status).toBe(403);
    expect((await json(real)).error.code).toBe('partner_inactive');
    const dry = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() }, { query: '?dryRun=1' });
    expect(dry.status).toBe(200);
    expect(await json(dry)).toMatchObject({ status: 'recorded', dryRun: true, conversionId: null });
  });

  it('checks credentials before telling anything about the partner state', async () => {
    const p = await createPartner({ status: 'paused' });
    const res = await postSigned(p.slug, OTHER_SECRET, { transactionId: newTxn() });
    expect(res.status).toBe(401);
  });
});
