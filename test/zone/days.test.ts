// A French programme's days (REPORT_TIMEZONE Europe/Paris, vitest.config.ts project "zone"): reports, lists and ranges.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { datesBetween, dayRangeIn, nextDate } from '../../src/domain/calendar';
import { createLink, createPartner } from '../support/builders';
import { api, call } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

afterEach(() => {
  vi.useRealTimers();
});

const rebuild = (date: string, partnerId: string) =>
  api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId }, expect: 200 });

/** The partner's daily totals from `from` to `to`, as the reports API answers them. */
async function dailyTotals(partnerId: string, from: string, to: string) {
  const res = await api('GET', `/api/v1/reports/daily?partnerId=${partnerId}&from=${from}&to=${to}`, { expect: 200 });
  return res.body.data as { date: string; clicks: number; conversions: number; revenue: number; commission: number }[];
}

/**
 * A sale at 00:40 in Paris on 1 December (23:40 UTC on 30 November), ten minutes after its click,
 * and clicks on either side of the two midnights of Paris.
 */
async function saleAfterParisMidnight() {
  const partner = await createPartner();
  const link = await createLink(partner.id);
  const lastOfNovember = await insertClick(link, '2026-11-30T22:59:59.999Z', { device: 'desktop' });
  const click = await insertClick(link, '2026-11-30T23:30:00Z', { device: 'mobile' });
  const sale = await insertConversion(partner.id, '2026-11-30T23:40:00Z', { click });
  const lastOfDecember1 = await insertClick(link, '2026-12-01T22:59:59.999Z', { device: 'mobile' });
  const firstOfDecember2 = await insertClick(link, '2026-12-01T23:00:00Z', { device: 'tablet' });
  return { partner, link, sale, clicks: { lastOfNovember, click, lastOfDecember1, firstOfDecember2 } };
}

describe('a sale at 00:40 in Paris on 1 December', () => {
  it('counts on 1 December in the daily aggregates, not on 30 November', async () => {
    const { partner } = await saleAfterParisMidnight();
    for (const date of ['2026-11-30', '2026-12-01', '2026-12-02']) await rebuild(date, partner.id);
    expect(await dailyTotals(partner.id, '2026-11-30', '2026-12-02')).toEqual([
      expect.objectContaining({ date: '2026-11-30', clicks: 1, conversions: 0, revenue: 0 }),
      expect.objectContaining({ date: '2026-12-01', clicks: 2, conversions: 1, revenue: 100, commission: 8 }),
      expect.objectContaining({ date: '2026-12-02', clicks: 1, conversions: 0 }),
    ]);
  });

  it('counts on 1 December in breakdowns, time to conversion and CSV exports', async () => {
    const { partner } = await saleAfterParisMidnight();
    await rebuild('2026-12-01', partner.id);
    const day = `partnerId=${partner.id}&from=2026-12-01&to=2026-12-01`;
    const devices = await api('GET', `/api/v1/reports/breakdown?${day}&dimension=device`, { expect: 200 });
    expect(devices.body.data.map((r: Record<string, unknown>) => [r.value, r.clicks, r.conversions])).toEqual([
      ['mobile', 2, 1],
    ]);
    const times = await api('GET', `/api/v1/reports/time-to-conversion?${day}`, { expect: 200 });
    expect(times.body.data.find((b: { conversions: number }) => b.conversions > 0)).toMatchObject({
      bucket: '10-60m',
      conversions: 1,
    });
    const november = `partnerId=${partner.id}&from=2026-11-30&to=2026-11-30`;
    const none = await api('GET', `/api/v1/reports/time-to-conversion?${november}`, { expect: 200 });
    expect(none.body.data.every((b: { conversions: number }) => b.conversions === 0)).toBe(true);
    const csv = await (await call('GET', `/api/v1/reports/daily?${day}&format=csv`)).text();
    expect(csv.split('\r\n')[1]).toMatch(/^2026-12-01,/);
  });

  it('is listed under 1 December, a date meaning its Paris day', async () => {
    const { partner, link, sale, clicks } = await saleAfterParisMidnight();
    const clickIds = async (q: string) =>
      (await api('GET', `/api/v1/clicks?linkId=${link.id}&${q}`, { expect: 200 })).body.data.map(
        (c: { id: string }) => c.id,
      );
    expect(await clickIds('from=2026-12-01&to=2026-12-01')).toEqual([clicks.lastOfDecember1.id, clicks.click.id]);
    expect(await clickIds('to=2026-11-30')).toEqual([clicks.lastOfNovember.id]);
    expect(await clickIds('from=2026-12-02')).toEqual([clicks.firstOfDecember2.id]);
    const conversionIds = async (q: string) =>
      (await api('GET', `/api/v1/conversions?partnerId=${partner.id}&${q}`, { expect: 200 })).body.data.map(
        (c: { id: string }) => c.id,
      );
    expect(await conversionIds('from=2026-12-01&to=2026-12-01')).toEqual([sale.id]);
    expect(await conversionIds('from=2026-11-30&to=2026-11-30')).toEqual([]);
  });
});

describe('report ranges', () => {
  it('end by default on yesterday in Paris, and take today there as a day to rebuild', async () => {
    const { partner } = await saleAfterParisMidnight();
    // 00:30 on 1 December in Paris: still 30 November in UTC.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-30T23:30:00Z') });
    await rebuild('2026-11-29', partner.id);
    await rebuild('2026-11-30', partner.id);
    await rebuild('2026-12-01', partner.id);
    const tomorrow = await api('POST', '/api/v1/reports/daily/rebuild', {
      body: { date: '2026-12-02', partnerId: partner.id },
    });
    expect(tomorrow.status).toBe(400);
    expect(tomorrow.body.error.details).toEqual([{ path: ['date'], message: 'in the future' }]);
    const res = await api('GET', `/api/v1/reports/daily?partnerId=${partner.id}`, { expect: 200 });
    expect(res.body.data.map((r: { date: string }) => r.date)).toEqual(['2026-11-29', '2026-11-30']);
  });
});

describe('the days the clocks change', () => {
  it.each([
    ['spring', '2026-03-29', 23],
    ['autumn', '2026-10-25', 25],
  ])('gives the %s day (%s) its %i hours, the clicks at its edges on the right days', async (_season, date, hours) => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const day = dayRangeIn(date, 'Europe/Paris');
    expect(day.endMs - day.startMs).toBe(hours * 3_600_000);
    await insertClick(link, new Date(day.startMs - 1));
    await insertClick(link, new Date(day.startMs));
    await insertClick(link, new Date(day.endMs - 1));
    await insertClick(link, new Date(day.endMs));
    await insertClick(link, new Date(day.endMs + 1));
    const before = nextDate(date, -1);
    const after = nextDate(date, 1);
    for (const d of [before, date, after]) await rebuild(d, partner.id);
    expect((await dailyTotals(partner.id, before, after)).map((r) => [r.date, r.clicks])).toEqual([
      [before, 1],
      [date, 2],
      [after, 2],
    ]);
  });

  it.each([
    ['spring', '2026-03-28', [48, 46, 48]],
    ['autumn', '2026-10-24', [48, 50, 48]],
  ])('loses and doubles no click over the %s weekend', async (_season, saturday, halfHours) => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const monday = nextDate(saturday, 2);
    const startMs = dayRangeIn(saturday, 'Europe/Paris').startMs;
    const endMs = dayRangeIn(monday, 'Europe/Paris').endMs;
    // A click every half hour from Saturday 00:00 to Monday 23:30 in Paris, each on a whole UTC half hour.
    const instants: number[] = [];
    for (let at = startMs; at < endMs; at += 1_800_000) instants.push(at);
    await Promise.all(instants.map((at) => insertClick(link, new Date(at))));
    for (const d of datesBetween(saturday, monday)) await rebuild(d, partner.id);
    const totals = await dailyTotals(partner.id, saturday, monday);
    expect(totals.map((r) => r.clicks)).toEqual(halfHours);
    expect(totals.reduce((sum, r) => sum + r.clicks, 0)).toBe(instants.length);
  });
});
