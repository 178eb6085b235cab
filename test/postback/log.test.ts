import { env } from 'cloudflare:workers';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { insertPostbackLog } from '../../src/db/postback-log';
import { keyedHash } from '../../src/domain/hashing';
import { fingerprintDay, fingerprintOf } from '../../src/domain/identity';
import { newId } from '../../src/domain/ids';
import { createKey, createLink, createPartner } from '../support/builders';
import { insertClick } from '../support/clicks';
import { newClientIp } from '../support/client-ip';
import { api, call } from '../support/http';
import { getWithToken, json, newTxn, postSigned } from './client';

const CALLER_IP = '198.51.100.23';
const BUYER_IP = '203.0.113.77';

type LogEntry = { id: string; outcome: string; conversionId: string | null; [k: string]: unknown };

const logOf = async (partnerId: string, query = ''): Promise<LogEntry[]> =>
  (await api('GET', `/api/v1/postbacks?partnerId=${partnerId}${query}`, { expect: 200 })).body.data;

type FailureCount = { partnerId: string | null; partnerSlug: string; ipHash: string | null; [k: string]: unknown };

/** The counts of failed attempts an admin sees, newest minute first. */
const failuresOf = async (query = ''): Promise<FailureCount[]> =>
  (await api('GET', `/api/v1/postbacks/failures?limit=500${query}`, { expect: 200 })).body.data;

const conversionCount = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

describe('postback log', () => {
  it('keeps an accepted postback with what was read from it', async () => {
    const p = await createPartner();
    const txn = newTxn();
    const body = await json(
      await postSigned(
        p.slug,
        p.signingSecret,
        { transactionId: txn, amount: '10.44' },
        { headers: { 'cf-connecting-ip': CALLER_IP } },
      ),
    );
    const [entry] = await logOf(p.id);
    expect(entry).toMatchObject({
      partnerId: p.id,
      partnerSlug: p.slug,
      method: 'POST',
      outcome: 'recorded',
      httpStatus: 200,
      errorCode: null,
      conversionId: body.conversionId,
      request: { transactionId: txn, amount: '10.44' },
      parsed: { transactionId: txn, amountMinor: 1044, currency: 'EUR', status: 'pending', event: 'sale' },
      replayable: true,
    });
    expect(entry?.webhookId).toMatch(/^msg_/);
  });

  it('keeps an authenticated postback refused with the reason, and counts a forged one', async () => {
    const p = await createPartner();
    await postSigned(p.slug, 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', { transactionId: newTxn() });
    await postSigned(p.slug, p.signingSecret, { amount: '1' });
    const rejected = await logOf(p.id, '&outcome=rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ httpStatus: 400, errorCode: 'invalid_request', replayable: true });
    expect(rejected[0]?.errorMessage).toMatch(/transactionId/);
    expect(await failuresOf(`&partnerId=${p.id}`)).toMatchObject([
      { partnerId: p.id, partnerSlug: p.slug, errorCode: 'invalid_signature', httpStatus: 401, count: 1 },
    ]);
  });

  it('counts postbacks for unknown partners together, with the latest slug asked', async () => {
    // The clock stands still: the three attempts fall in one minute.
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const ip = newClientIp();
    const ipHash = await keyedHash(env.HASH_KEY, 'postback-ip', ip);
    const slugs = [1, 2, 3].map((n) => `ghost-${n}-${newTxn()}`.toLowerCase());
    for (const slug of slugs) {
      await call('GET', `/pb/${slug}?transactionId=1`, { key: null, headers: { 'cf-connecting-ip': ip } });
    }
    expect((await failuresOf()).filter((f) => f.ipHash === ipHash)).toMatchObject([
      { partnerId: null, partnerSlug: slugs[2], errorCode: 'not_found', httpStatus: 404, count: 3 },
    ]);
    const logged = await env.DB.prepare('SELECT count(*) AS n FROM postback_log WHERE partner_slug IN (?, ?, ?)')
      .bind(...slugs)
      .first<{ n: number }>();
    expect(logged?.n).toBe(0);
  });

  it('never keeps the token, the signature, the customer id or raw addresses', async () => {
    const p = await createPartner({ postbackParams: { customerId: 'cust' } });
    await getWithToken(
      p.slug,
      p.postbackToken,
      { transactionId: newTxn(), cust: 'user-secret-1', ip: BUYER_IP, userAgent: 'UA/1.0' },
      { 'cf-connecting-ip': CALLER_IP },
    );
    const signed = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: newTxn(), ip: BUYER_IP },
      { headers: { 'cf-connecting-ip': CALLER_IP } },
    );
    expect(signed.status).toBe(200);
    const rows = await env.DB.prepare('SELECT * FROM postback_log WHERE partner_id = ?').bind(p.id).all();
    const stored = JSON.stringify(rows.results);
    for (const secret of [p.postbackToken, 'user-secret-1', BUYER_IP, CALLER_IP, 'v1,']) {
      expect(stored).not.toContain(secret);
    }
    const [, getEntry] = await logOf(p.id);
    expect(getEntry?.request).toEqual({ transactionId: expect.any(String), ip: '[redacted]', userAgent: 'UA/1.0' });
    expect(getEntry?.parsed).toMatchObject({ customerHash: expect.stringMatching(/^[\w-]{32}$/) });
    expect(rows.results.every((r) => typeof r.ip_hash === 'string' && r.ip_hash.length === 32)).toBe(true);
  });

  it('shows a partner key its own postbacks only', async () => {
    const [p, other] = [await createPartner(), await createPartner()];
    await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    await postSigned(other.slug, other.signingSecret, { transactionId: newTxn() });
    const { key } = await createKey('partner', p.id);
    const own = await api('GET', '/api/v1/postbacks', { key, expect: 200 });
    expect(own.body.data.length).toBeGreaterThan(0);
    expect(own.body.data.every((e: LogEntry) => e.partnerId === p.id)).toBe(true);
    expect((await api('GET', `/api/v1/postbacks?partnerId=${other.id}`, { key })).status).toBe(404);
  });
});

describe('POST /api/v1/postbacks/:id/replay', () => {
  it('runs a logged postback again with the partner’s fixed settings, and logs the replay', async () => {
    const p = await createPartner();
    const txn = newTxn();
    await getWithToken(p.slug, p.postbackToken, { order_ref: txn, total: '30.00' });
    const [refused] = await logOf(p.id);
    expect(refused?.httpStatus).toBe(400);
    await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: { postbackParams: { transactionId: 'order_ref', amount: 'total' } },
      expect: 200,
    });
    const replay = await api('POST', `/api/v1/postbacks/${refused?.id}/replay`, { expect: 200 });
    expect(replay.body).toMatchObject({
      httpStatus: 200,
      answer: { status: 'recorded', transactionId: txn, amount: 30 },
    });
    const [entry] = await logOf(p.id);
    expect(entry).toMatchObject({ id: replay.body.logId, outcome: 'recorded', replayOf: refused?.id });
    expect(await conversionCount(p.id)).toBe(1);
    const again = await api('POST', `/api/v1/postbacks/${refused?.id}/replay`, { expect: 200 });
    expect(again.body.answer.status).toBe('duplicate');
  });

  it('keeps attribution signals across a replay although raw addresses were not kept', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const at = Date.now() - 3600_000;
    const c = await insertClick({
      partnerId: p.id,
      linkId: link.id,
      createdAt: new Date(at),
      fingerprint: await fingerprintOf(env.HASH_KEY, BUYER_IP, 'UA/2', fingerprintDay(at)),
    });
    const first = await json(
      await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn(), ip: BUYER_IP, userAgent: 'UA/2' }, {}),
    );
    expect(first.attribution.clickId).toBe(c.id);
    const [entry] = await logOf(p.id);
    const replay = await api('POST', `/api/v1/postbacks/${entry?.id}/replay?dryRun=1`, { expect: 200 });
    expect(replay.body.answer).toMatchObject({ status: 'duplicate', dryRun: true });
    await env.DB.prepare('DELETE FROM conversions WHERE id = ?').bind(first.conversionId).run();
    const rerun = await api('POST', `/api/v1/postbacks/${entry?.id}/replay`, { expect: 200 });
    expect(rerun.body.answer.attribution).toMatchObject({ method: 'fingerprint', clickId: c.id });
  });

  it('stores nothing in a dry run', async () => {
    const p = await createPartner({ postbackParams: { transactionId: 'oid' } });
    await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn() });
    const [refused] = await logOf(p.id);
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { postbackParams: {} }, expect: 200 });
    const replay = await api('POST', `/api/v1/postbacks/${refused?.id}/replay?dryRun=1`, { expect: 200 });
    expect(replay.body.answer).toMatchObject({ status: 'recorded', dryRun: true, conversionId: null });
    expect(await conversionCount(p.id)).toBe(0);
    expect((await logOf(p.id))[0]?.outcome).toBe('dry_run');
  });

  it('refuses to replay a postback that failed authentication with 409 not_replayable', async () => {
    const p = await createPartner();
    await getWithToken(p.slug, 'pbt_forged', { transactionId: newTxn() });
    // Forged postbacks are only counted now; a row logged for one before that can still be asked for.
    expect(await logOf(p.id)).toEqual([]);
    const forged = { id: newId('pbl'), partnerId: p.id, partnerSlug: p.slug, method: 'GET' };
    await insertPostbackLog(dbOf(env), {
      ...forged,
      outcome: 'rejected',
      httpStatus: 401,
      errorCode: 'invalid_token',
      request: { transactionId: newTxn() },
      isAuthenticated: false,
    });
    const res = await api('POST', `/api/v1/postbacks/${forged.id}/replay`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_replayable');
    expect(await conversionCount(p.id)).toBe(0);
  });

  it('is for admins only', async () => {
    const p = await createPartner();
    await postSigned(p.slug, p.signingSecret, { transactionId: newTxn() });
    const [entry] = await logOf(p.id);
    const { key } = await createKey('partner', p.id);
    expect((await api('POST', `/api/v1/postbacks/${entry?.id}/replay`, { key })).status).toBe(403);
  });

  it('answers 404 for an unknown log entry', async () => {
    expect((await api('POST', '/api/v1/postbacks/pbl_nope/replay')).status).toBe(404);
  });
});

describe('/pb/:partnerSlug?dryRun=1', () => {
  it('answers what would happen, attribution and commission included, and stores no conversion', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const link = await createLink(p.id);
    const c = await insertClick({ partnerId: p.id, linkId: link.id });
    const txn = newTxn();
    const res = await postSigned(
      p.slug,
      p.signingSecret,
      { transactionId: txn, clickId: c.id, amount: 50 },
      { query: '?dryRun=1' },
    );
    expect(await json(res)).toMatchObject({
      status: 'recorded',
      dryRun: true,
      conversionId: null,
      commission: 5,
      attribution: { method: 'click_id', clickId: c.id },
    });
    expect(await conversionCount(p.id)).toBe(0);
    expect((await logOf(p.id))[0]).toMatchObject({ outcome: 'dry_run', conversionId: null });
  });

  it('tells an update from a duplicate without changing the stored conversion', async () => {
    const p = await createPartner();
    const txn = newTxn();
    const first = await json(await postSigned(p.slug, p.signingSecret, { transactionId: txn, amount: 10 }));
    const dry = await json(
      await postSigned(p.slug, p.signingSecret, { transactionId: txn, status: 'approved' }, { query: '?dryRun=1' }),
    );
    expect(dry).toMatchObject({
      status: 'updated',
      dryRun: true,
      conversionId: first.conversionId,
      conversionStatus: 'approved',
    });
    const row = await env.DB.prepare('SELECT status FROM conversions WHERE id = ?').bind(first.conversionId).first();
    expect(row?.status).toBe('pending');
  });

  it('spends the webhook-id of a dry run: a real postback reusing it is refused with 400 dry_run_replay', async () => {
    const p = await createPartner();
    const id = `msg_dry_${newTxn()}`;
    const txn = newTxn();
    await postSigned(p.slug, p.signingSecret, { transactionId: txn }, { id, query: '?dryRun=1' });
    const real = await postSigned(p.slug, p.signingSecret, { transactionId: txn }, { id });
    expect(real.status).toBe(400);
    expect((await json(real)).error.code).toBe('dry_run_replay');
    expect(await conversionCount(p.id)).toBe(0);
    const fresh = await json(await postSigned(p.slug, p.signingSecret, { transactionId: txn }));
    expect(fresh.status).toBe('recorded');
  });
});
