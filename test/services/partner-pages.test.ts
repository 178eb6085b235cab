// What a partner's console pages read: figures over a range within reach, and the test postback sent as a dry run.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dateIn, nextDate } from '../../src/domain/calendar';
import { partnerFigures } from '../../src/services/partner-figures';
import { sendTestPostback } from '../../src/services/postback-test';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

const ADMIN = { partnerId: null };
const daysAgo = (n: number) => nextDate(dateIn(Date.now(), 'UTC'), -n);

/** One click and one 100.00 EUR sale (8.00 commission) `n` days ago, aggregated. */
async function saleDaysAgo(partnerId: string, n: number) {
  const link = await createLink(partnerId);
  const click = await insertClick(link, `${daysAgo(n)}T09:00:00Z`);
  await insertConversion(partnerId, `${daysAgo(n)}T09:30:00Z`, { click });
  await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: daysAgo(n), partnerId }, expect: 200 });
}

const conversionsOf = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

describe('partnerFigures', () => {
  it('sums each partner’s days of the last 30 up to yesterday, zeros for one without any', async () => {
    const busy = await createPartner();
    const quiet = await createPartner();
    await saleDaysAgo(busy.id, 1);
    await saleDaysAgo(busy.id, 30);
    await saleDaysAgo(busy.id, 31);
    const { range, byPartner } = await partnerFigures(env, ADMIN, [busy.id, quiet.id]);
    expect(range).toEqual({ from: daysAgo(30), to: daysAgo(1) });
    expect(byPartner.get(busy.id)).toEqual({
      clicks: 2,
      uniqueClicks: 2,
      conversions: 2,
      revenueMinor: 20_000,
      commissionMinor: 1600,
    });
    expect(byPartner.get(quiet.id)).toEqual({
      clicks: 0,
      uniqueClicks: 0,
      conversions: 0,
      revenueMinor: 0,
      commissionMinor: 0,
    });
  });

  it('takes the range asked for, and reads more partners than a statement binds', async () => {
    const p = await createPartner();
    await saleDaysAgo(p.id, 31);
    const others = Array.from({ length: 120 }, (_, i) => `ptn_none${i}`);
    const { byPartner } = await partnerFigures(env, ADMIN, [...others, p.id], { from: daysAgo(31), to: daysAgo(31) });
    expect(byPartner.get(p.id)?.conversions).toBe(1);
    expect(byPartner.size).toBe(121);
  });

  it('leaves out what a partner’s caller may not see', async () => {
    const own = await createPartner();
    const other = await createPartner();
    await saleDaysAgo(other.id, 2);
    const { byPartner } = await partnerFigures(env, { partnerId: own.id }, [own.id, other.id]);
    expect([...byPartner.keys()]).toEqual([own.id]);
  });
});

describe('sendTestPostback', () => {
  it('is signed with the current secret after a rotation, and records no conversion', async () => {
    const p = await createPartner({ status: 'negotiating' });
    await api('POST', `/api/v1/partners/${p.id}/rotate-secrets`, { expect: 200 });
    const { request, answer } = await sendTestPostback(env, ADMIN, p.id, 'https://go.example', 'usr_admin');
    expect(request.url).toBe(`https://go.example/pb/${p.slug}?dryRun=1`);
    expect(request.headers['webhook-id']).toMatch(/^dryrun_/);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 'recorded',
      conversionId: null,
      dryRun: true,
      amount: 49.9,
      commission: 3.99,
      attribution: { method: 'none' },
    });
    expect(await conversionsOf(p.id)).toBe(0);
  });

  it('answers as the partner’s own answer template would', async () => {
    const p = await createPartner({ answerTemplate: 'success=true;' });
    const { answer } = await sendTestPostback(env, ADMIN, p.id, 'https://go.example', 'usr_admin');
    expect(answer).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'success=true;' });
  });

  it('gives a refusal as the answer: signed postbacks turned off', async () => {
    const p = await createPartner({ acceptSignedPostbacks: false });
    const { answer } = await sendTestPostback(env, ADMIN, p.id, 'https://go.example', 'usr_admin');
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe('auth_method_disabled');
  });

  it('is not found outside the caller’s reach', async () => {
    const own = await createPartner();
    const other = await createPartner();
    await expect(
      sendTestPostback(env, { partnerId: own.id }, other.id, 'https://go.example', 'usr_partner'),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('lets one person send ten in a row, then asks them to wait; others are not held up', async () => {
    const p = await createPartner();
    const sender = `usr_${crypto.randomUUID()}`;
    for (let i = 0; i < 10; i++) {
      expect((await sendTestPostback(env, ADMIN, p.id, 'https://go.example', sender)).answer.status).toBe(200);
    }
    const refused = sendTestPostback(env, ADMIN, p.id, 'https://go.example', sender);
    await expect(refused).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    await refused.catch((err) => expect(Number(err.headers['Retry-After'])).toBeGreaterThan(0));
    const other = await sendTestPostback(env, ADMIN, p.id, 'https://go.example', `usr_${crypto.randomUUID()}`);
    expect(other.answer.status).toBe(200);
  });
});
