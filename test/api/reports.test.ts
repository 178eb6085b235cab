import { describe, expect, it } from 'vitest';
import { createKey, createLink, createPartner } from '../support/builders';
import { api, call } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

const DAY = '2026-03-10';
const at = (time: string) => `${DAY}T${time}Z`;

/** A partner with two links and a known day: 3 human clicks (2 unique) and 1 bot on link A, 1 click on B. */
async function dayOfActivity() {
  const partner = await createPartner();
  const a = await createLink(partner.id, { placement: 'diagnostic' });
  const b = await createLink(partner.id);
  const c1 = await insertClick(a, at('08:00:00'), {
    sub1: 'clio-iv',
    device: 'mobile',
    country: 'FR',
    utmSource: 'app',
  });
  await insertClick(a, at('09:00:00'), { sub1: 'clio-iv', device: 'mobile', country: 'FR', isUnique: false });
  await insertClick(a, at('10:00:00'), { sub1: '208', device: 'desktop', country: 'BE', referrerHost: 'forum.fr' });
  await insertClick(a, at('11:00:00'), { isBot: true, device: 'bot', sub1: 'clio-iv' });
  const c5 = await insertClick(b, at('12:00:00'), { device: 'mobile', country: 'FR' });
  // Outside the day: never counted.
  await insertClick(a, '2026-03-09T23:59:59.999Z');
  await insertClick(a, '2026-03-11T00:00:00.000Z');
  await insertConversion(partner.id, at('08:10:00'), { click: c1, amountMinor: 12_000, commissionMinor: 1_200 });
  await insertConversion(partner.id, at('12:30:00'), {
    click: c5,
    event: 'lead',
    amountMinor: 0,
    commissionMinor: 500,
  });
  await insertConversion(partner.id, at('13:00:00'), { amountMinor: 5_000, commissionMinor: 400 });
  await insertConversion(partner.id, at('14:00:00'), { click: c1, status: 'rejected', amountMinor: 99_900 });
  return { partner, a, b };
}

describe('POST /api/v1/reports/daily/rebuild and GET /api/v1/reports/daily', () => {
  it("computes a partner's day exactly", async () => {
    const { partner } = await dayOfActivity();
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const res = await api('GET', `/api/v1/reports/daily?partnerId=${partner.id}&from=${DAY}&to=${DAY}`, {
      expect: 200,
    });
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data).toEqual([
      {
        date: DAY,
        partnerId: partner.id,
        linkId: null,
        slug: null,
        clicks: 4,
        uniqueClicks: 3,
        botClicks: 1,
        conversions: 3,
        revenue: 170,
        commission: 21,
        currency: 'EUR',
        conversionRate: 0.75,
        epc: 5.25,
        leads: 1,
        addToCarts: 0,
        sales: 2,
        medianTimeToConversionMs: 1_200_000,
        computedAt: expect.any(String),
        refunded: 0,
        commissionReversed: 0,
        unconvertedConversions: 0,
      },
    ]);
  });

  it('gives the same figures when a day is rebuilt twice, and picks up late data', async () => {
    const { partner, a } = await dayOfActivity();
    const rebuild = () =>
      api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const read = async () => {
      const q = `partnerId=${partner.id}&from=${DAY}&to=${DAY}`;
      const daily = (await api('GET', `/api/v1/reports/daily?${q}&by=link`, { expect: 200 })).body.data;
      const source = (await api('GET', `/api/v1/reports/breakdown?${q}&dimension=source`, { expect: 200 })).body.data;
      const strip = (rows: Record<string, unknown>[]) => rows.map(({ computedAt: _c, ...r }) => r);
      return { daily: strip(daily), source };
    };
    const first = await rebuild();
    expect(first.body).toEqual({ date: DAY, partners: [partner.id], deliveries: [] });
    const once = await read();
    await rebuild();
    expect(await read()).toEqual(once);

    await insertClick(a, at('20:00:00'));
    await rebuild();
    const late = await read();
    expect(late.daily.find((r) => r.linkId === a.id)?.clicks).toBe(4);
  });

  it('gives one row per link with by=link, or one link with linkId', async () => {
    const { partner, a, b } = await dayOfActivity();
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const q = `partnerId=${partner.id}&from=${DAY}&to=${DAY}`;
    const rows = (await api('GET', `/api/v1/reports/daily?${q}&by=link`, { expect: 200 })).body.data;
    const byLink = Object.fromEntries(rows.map((r: { linkId: string }) => [r.linkId, r]));
    expect(byLink[a.id]).toMatchObject({ slug: a.slug, clicks: 3, uniqueClicks: 2, botClicks: 1, conversions: 1 });
    expect(byLink[a.id].medianTimeToConversionMs).toBe(600_000);
    expect(byLink[b.id]).toMatchObject({ clicks: 1, conversions: 1, leads: 1, revenue: 0, commission: 5 });
    const one = (await api('GET', `/api/v1/reports/daily?${q}&linkId=${b.id}`, { expect: 200 })).body.data;
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ linkId: b.id, clicks: 1 });
  });

  it('keeps a partner total of zero on a day without activity', async () => {
    const partner = await createPartner();
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const res = await api('GET', `/api/v1/reports/daily?partnerId=${partner.id}&from=${DAY}&to=${DAY}`, {
      expect: 200,
    });
    expect(res.body.data[0]).toMatchObject({ clicks: 0, conversions: 0, revenue: 0, medianTimeToConversionMs: null });
  });

  it('gives refunds as figures of their own, revenue and commission net of them', async () => {
    const partner = await createPartner();
    // Approved, a quarter refunded; reversed (all refunded); in USD, still waiting for its rate.
    await insertConversion(partner.id, at('09:00:00'), {
      refundedAmountMinor: 2_500,
      commissionMinor: 600,
      earnedCommissionMinor: 800,
    });
    await insertConversion(partner.id, at('10:00:00'), {
      status: 'reversed',
      amountMinor: 5_000,
      refundedAmountMinor: 5_000,
      commissionMinor: 0,
      earnedCommissionMinor: 400,
    });
    await insertConversion(partner.id, at('11:00:00'), { status: 'pending', currency: 'USD', amountMinor: 3_000 });
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const res = await api('GET', `/api/v1/reports/daily?partnerId=${partner.id}&from=${DAY}&to=${DAY}`, {
      expect: 200,
    });
    expect(res.body.data[0]).toMatchObject({
      conversions: 2,
      revenue: 75,
      commission: 6,
      refunded: 75,
      commissionReversed: 6,
      unconvertedConversions: 1,
    });
  });

  it('refuses bad dates and ranges', async () => {
    const p = await createPartner();
    for (const q of ['from=2026-03-10&to=2026-03-01', 'from=2025-01-01&to=2026-03-01', 'from=yesterday']) {
      const res = await api('GET', `/api/v1/reports/daily?partnerId=${p.id}&${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: '2999-01-01' } })).status).toBe(400);
    expect(
      (await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: 'ptn_nope' } })).status,
    ).toBe(404);
  });

  it('is admin-only to rebuild', async () => {
    const p = await createPartner();
    const key = await createKey('partner', p.id);
    const res = await api('POST', '/api/v1/reports/daily/rebuild', {
      key: key.key,
      body: { date: DAY, partnerId: p.id },
    });
    expect(res.status).toBe(403);
  });
});

describe('GET /api/v1/reports/breakdown', () => {
  it('breaks a day down by sub-id, source, device and placement', async () => {
    const { partner } = await dayOfActivity();
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const get = async (dimension: string) =>
      (
        await api(
          'GET',
          `/api/v1/reports/breakdown?partnerId=${partner.id}&from=${DAY}&to=${DAY}&dimension=${dimension}`,
          {
            expect: 200,
          },
        )
      ).body.data.map((r: Record<string, unknown>) => [r.value, r.clicks, r.botClicks, r.conversions, r.revenue]);
    expect(await get('sub1')).toEqual([
      ['clio-iv', 2, 1, 1, 120],
      ['(none)', 1, 0, 1, 0],
      ['208', 1, 0, 0, 0],
      ['(unattributed)', 0, 0, 1, 50],
    ]);
    expect(await get('source')).toEqual([
      ['(none)', 2, 1, 1, 0],
      ['app', 1, 0, 1, 120],
      ['forum.fr', 1, 0, 0, 0],
      ['(unattributed)', 0, 0, 1, 50],
    ]);
    expect(await get('device')).toEqual([
      ['mobile', 3, 0, 2, 120],
      ['desktop', 1, 0, 0, 0],
      ['(unattributed)', 0, 0, 1, 50],
      ['bot', 0, 1, 0, 0],
    ]);
    expect((await get('placement'))[0]).toEqual(['(none)', 4, 1, 2, 120]);
  });

  it('refuses an unknown dimension', async () => {
    const res = await api('GET', '/api/v1/reports/breakdown?dimension=browser');
    expect(res.status).toBe(400);
  });
});

describe('GET /api/v1/reports/time-to-conversion', () => {
  it('counts attributed conversions per bucket', async () => {
    const { partner } = await dayOfActivity();
    const res = await api('GET', `/api/v1/reports/time-to-conversion?partnerId=${partner.id}&from=${DAY}&to=${DAY}`, {
      expect: 200,
    });
    expect(res.body.data.map((r: { bucket: string; conversions: number }) => [r.bucket, r.conversions])).toEqual([
      ['<1m', 0],
      ['1-10m', 0],
      ['10-60m', 2],
      ['1-6h', 0],
      ['6-24h', 0],
      ['1-7d', 0],
      ['7-30d', 0],
      ['>30d', 0],
    ]);
    expect(res.body.data[2]).toEqual({ bucket: '10-60m', minMs: 600_000, maxMs: 3_600_000, conversions: 2, share: 1 });
  });
});

describe('?format=csv', () => {
  it('exports the daily report as CSV', async () => {
    const { partner } = await dayOfActivity();
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const res = await call('GET', `/api/v1/reports/daily?partnerId=${partner.id}&from=${DAY}&to=${DAY}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, row, end] = (await res.text()).split('\r\n');
    expect(header).toBe(
      'date,partnerId,linkId,slug,clicks,uniqueClicks,botClicks,conversions,revenue,commission,currency,conversionRate,epc,leads,addToCarts,sales,medianTimeToConversionMs,computedAt,refunded,commissionReversed,unconvertedConversions',
    );
    expect(row).toMatch(
      new RegExp(`^${DAY},${partner.id},,,4,3,1,3,170,21,EUR,0.75,5.25,1,0,2,1200000,\\d{4}-[^,]+,0,0,0$`),
    );
    expect(end).toBe('');
  });

  it('quotes and defuses values in a breakdown export', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    await insertClick(link, at('08:00:00'), { sub2: '=cmd|"x",1' });
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
    const res = await call(
      'GET',
      `/api/v1/reports/breakdown?partnerId=${partner.id}&from=${DAY}&to=${DAY}&dimension=sub2&format=csv`,
    );
    const lines = (await res.text()).split('\r\n');
    expect(lines[1]).toBe(`${partner.id},sub2,"'=cmd|""x"",1",1,1,0,0,0,0,EUR,0,0`);
  });
});
