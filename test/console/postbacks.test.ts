// The console's postback log: entries, their details, refused attempts, and an admin's replay.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { getWithToken, json, newTxn, postSigned } from '../postback/client';
import { createPartner, uniqueSlug } from '../support/builders';
import { newClientIp } from '../support/client-ip';
import { page, signedIn, submit } from '../support/console';
import { api } from '../support/http';

const newPartner = (overrides: Record<string, unknown> = {}) =>
  createPartner({ name: `Partner ${uniqueSlug('p')}`, ...overrides });

/** The log entries a page links to, in the order shown. */
const linkedEntries = (html: string) =>
  [...html.matchAll(/<a href="\/console\/postbacks\/(pbl_\w+)">/g)].map((match) => match[1]);

/** The partner's log entries, newest first, as the API lists them. */
const logOf = async (partnerId: string): Promise<{ id: string; outcome: string; conversionId: string | null }[]> =>
  (await api('GET', `/api/v1/postbacks?partnerId=${partnerId}`, { expect: 200 })).body.data;

const conversionCount = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

describe('GET /console/postbacks', () => {
  it('lists postbacks newest first with their partner, outcome and transaction', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const txn = newTxn();
    await postSigned(p.slug, p.signingSecret, { transactionId: txn, amount: '10.44' });
    await getWithToken(p.slug, p.postbackToken, { amount: '5' });
    const [refused, recorded] = await logOf(p.id);
    const html = await page(admin, `/console/postbacks?partnerId=${p.id}`);
    expect(linkedEntries(html)).toEqual([refused?.id, recorded?.id]);
    expect(html).toMatch(
      new RegExp(
        `<td>${p.name}</td><td>POST</td><td><span class="badge good">Recorded</span></td><td class="num">200</td><td>${txn}</td><td></td>`,
      ),
    );
    expect(html).toContain(
      `<td>${p.name}</td><td>GET</td><td><span class="badge bad">Refused</span></td><td class="num">400</td><td></td><td>invalid_request</td>`,
    );
    const onlyRefused = await page(admin, `/console/postbacks?partnerId=${p.id}&outcome=rejected`);
    expect(linkedEntries(onlyRefused)).toEqual([refused?.id]);
    expect(onlyRefused).toContain('<option value="rejected" selected="">Refused</option>');
    const bad = await page(admin, '/console/postbacks?outcome=lost', 400);
    expect(bad).toContain('<p class="hint bad" id="outcome-error">Choose one of the listed values.</p>');
  });

  it('shows an entry: what was received, what was read, and what came of it', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner({ postbackParams: { customerId: 'cust' } });
    const txn = newTxn();
    const answer = await json(await getWithToken(p.slug, p.postbackToken, { transactionId: txn, cust: 'user-9' }));
    const [entry] = await logOf(p.id);
    const html = await page(admin, `/console/postbacks/${entry?.id}`);
    expect(html).toContain('<dt>Outcome</dt><dd><span class="badge good">Recorded</span></dd>');
    expect(html).toContain(`<dt>Partner</dt><dd>${p.name}</dd>`);
    expect(html).toContain(`<a href="/console/conversions/${answer.conversionId}">${answer.conversionId}</a>`);
    expect(html).toContain(`&quot;transactionId&quot;: &quot;${txn}&quot;`);
    expect(html).not.toContain('user-9');
    expect(html).toContain('&quot;customerHash&quot;');
  });
});

describe('replaying a postback', () => {
  it('runs a refused postback again with the partner’s fixed settings and shows the replay', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const txn = newTxn();
    await getWithToken(p.slug, p.postbackToken, { order_ref: txn, total: '30.00' });
    const [refused] = await logOf(p.id);
    const before = await page(admin, `/console/postbacks/${refused?.id}`);
    expect(before).toContain(
      `<form method="post" action="/console/postbacks/${refused?.id}/replay" data-confirm="Replay this postback? It may record or change a conversion.">`,
    );
    await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: { postbackParams: { transactionId: 'order_ref', amount: 'total' } },
      expect: 200,
    });
    const res = await submit(admin, `/console/postbacks/${refused?.id}/replay`);
    expect(res.status).toBe(303);
    const [replay] = await logOf(p.id);
    expect(replay).toMatchObject({ outcome: 'recorded' });
    expect(res.headers.get('location')).toBe(`/console/postbacks/${replay?.id}?done=replayed`);
    expect(await conversionCount(p.id)).toBe(1);
    const html = await page(admin, `/console/postbacks/${replay?.id}?done=replayed`);
    expect(html).toContain('this is the replay.');
    expect(html).toContain('<dt>Outcome</dt><dd><span class="badge good">Recorded</span></dd>');
    expect(html).toContain(
      `<dt>Replay of</dt><dd><a href="/console/postbacks/${refused?.id}">the original postback</a>`,
    );
    await submit(admin, `/console/postbacks/${refused?.id}/replay`);
    expect((await logOf(p.id))[0]?.outcome).toBe('duplicate');
    expect(await conversionCount(p.id)).toBe(1);
  });

  it('stores nothing in a dry run', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner({ postbackParams: { transactionId: 'oid' } });
    await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn() });
    const [refused] = await logOf(p.id);
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { postbackParams: {} }, expect: 200 });
    const res = await submit(admin, `/console/postbacks/${refused?.id}/replay`, { dryRun: '1' });
    const [dryRun] = await logOf(p.id);
    expect(dryRun).toMatchObject({ outcome: 'dry_run', conversionId: null });
    expect(res.headers.get('location')).toBe(`/console/postbacks/${dryRun?.id}?done=dry-run`);
    expect(await conversionCount(p.id)).toBe(0);
    expect(await page(admin, res.headers.get('location') as string)).toContain('nothing was stored.');
  });
});

describe('refused postbacks', () => {
  it('are counted per partner, reason and minute', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const ip = newClientIp();
    for (let i = 0; i < 2; i++) {
      await getWithToken(p.slug, 'pbt_forged', { transactionId: newTxn() }, { 'cf-connecting-ip': ip });
    }
    const html = await page(admin, `/console/postbacks/failures?partnerId=${p.id}&errorCode=invalid_token`);
    expect(html).toMatch(
      new RegExp(
        `<td>${p.name}</td><td>Wrong token <code class="muted">invalid_token</code></td><td class="num">401</td><td class="num">2</td>`,
      ),
    );
    expect(await page(admin, `/console/postbacks/failures?partnerId=${p.id}&errorCode=invalid_signature`)).toContain(
      'No refused postback matches these filters.',
    );
  });
});

describe('a partner’s user', () => {
  it('reads its own entries only, without the hashes kept for attribution', async () => {
    const [own, other] = [await newPartner({ postbackParams: { customerId: 'cust' } }), await newPartner()];
    const user = await signedIn({ role: 'partner', partnerId: own.id });
    await getWithToken(own.slug, own.postbackToken, { transactionId: newTxn(), cust: 'user-1' });
    await postSigned(other.slug, other.signingSecret, { transactionId: newTxn() });
    const [mine] = await logOf(own.id);
    const [theirs] = await logOf(other.id);
    const list = await page(user, '/console/postbacks');
    expect(linkedEntries(list)).toContain(mine?.id);
    expect(linkedEntries(list)).not.toContain(theirs?.id);
    expect(list).not.toContain(other.name);
    expect(list).not.toContain('id="partnerId"');
    await page(user, `/console/postbacks?partnerId=${other.id}`, 404);
    await page(user, `/console/postbacks/${theirs?.id}`, 404);
    const entry = await page(user, `/console/postbacks/${mine?.id}`);
    expect(entry).toContain('&quot;transactionId&quot;');
    expect(entry).not.toContain('customerHash');
    expect(entry).not.toContain('/replay');
  });

  it('cannot replay, even its own postbacks', async () => {
    const own = await newPartner();
    const user = await signedIn({ role: 'partner', partnerId: own.id });
    await getWithToken(own.slug, own.postbackToken, { amount: '1' });
    const [entry] = await logOf(own.id);
    expect((await submit(user, `/console/postbacks/${entry?.id}/replay`)).status).toBe(404);
    expect(await logOf(own.id)).toHaveLength(1);
  });

  it('sees its own refused attempts without the address hashes', async () => {
    const [own, other] = [await newPartner(), await newPartner()];
    const user = await signedIn({ role: 'partner', partnerId: own.id });
    await getWithToken(own.slug, 'pbt_forged', { transactionId: newTxn() }, { 'cf-connecting-ip': newClientIp() });
    await getWithToken(other.slug, 'pbt_forged', { transactionId: newTxn() }, { 'cf-connecting-ip': newClientIp() });
    const html = await page(user, '/console/postbacks/failures');
    expect(html).toContain('<td>Wrong token <code class="muted">invalid_token</code></td>');
    expect(html).not.toContain('Address (hashed)');
    expect(html).not.toContain(other.name);
    await page(user, `/console/postbacks/failures?partnerId=${other.id}`, 404);
  });
});
