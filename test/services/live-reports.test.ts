// Reports that include today: finished days from the daily aggregates, the days not built yet from
// the clicks and conversions themselves, counted alike, money kept per reporting currency.
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { liveBreakdownReport, overviewReport } from '../../src/services/live-reports';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

/** Today is 12 March 2026 (UTC days in this project), 10:30. */
const NOW = Date.parse('2026-03-12T10:30:00Z');
const TODAY = '2026-03-12';
const YESTERDAY = '2026-03-11';
const ADMIN = { partnerId: null };

// Every partner's figures are read here: each test starts from an empty programme.
beforeEach(freshStorage);

const rebuild = (date: string, partnerId: string) =>
  api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId }, expect: 200 });

const overview = (ask: Parameters<typeof overviewReport>[2], scope: { partnerId: string | null } = ADMIN) =>
  overviewReport(env, scope, ask, NOW);

/** A partner and its link. */
async function partnerWithLink(overrides: Record<string, unknown> = {}) {
  const partner = await createPartner(overrides);
  const link = await createLink(partner.id);
  return { partner, link };
}

describe('overviewReport', () => {
  it('adds today, read live, to the days the daily job aggregated', async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-10T08:00:00Z');
    await insertClick(link, '2026-03-10T09:00:00Z', { isUnique: false });
    await insertClick(link, '2026-03-10T09:30:00Z', { isBot: true });
    await insertConversion(partner.id, '2026-03-10T09:40:00Z', { amountMinor: 5_000, commissionMinor: 400 });
    await rebuild('2026-03-10', partner.id);
    await rebuild(YESTERDAY, partner.id);
    // Today: nothing aggregated, every row counts as soon as it is written.
    const c = await insertClick(link, '2026-03-12T08:00:00Z');
    await insertClick(link, '2026-03-12T09:00:00Z', { isUnique: false });
    await insertClick(link, '2026-03-12T10:00:00Z', { isBot: true });
    await insertConversion(partner.id, '2026-03-12T10:10:00Z', { click: c, amountMinor: 12_000, commissionMinor: 960 });
    await insertConversion(partner.id, '2026-03-12T10:20:00Z', { status: 'rejected', amountMinor: 99_000 });

    const o = await overview({ from: '2026-03-10', to: TODAY, partnerId: partner.id, withBots: false });

    expect(o.current).toEqual({
      clicks: 4,
      uniqueClicks: 2,
      botClicks: 2,
      conversions: 2,
      money: [{ currency: 'EUR', revenueMinor: 17_000, commissionMinor: 1_360 }],
    });
    expect(o.series).toEqual({
      step: 'day',
      points: [
        { date: '2026-03-10', clicks: 2, uniqueClicks: 1, botClicks: 1, conversions: 1 },
        { date: YESTERDAY, clicks: 0, uniqueClicks: 0, botClicks: 0, conversions: 0 },
        { date: TODAY, clicks: 2, uniqueClicks: 1, botClicks: 1, conversions: 1 },
      ],
    });
    expect(o.partner).toEqual({ id: partner.id, name: 'Autodoc', currency: 'EUR' });
    expect(o.topPartners).toBeNull();
    // An admin who chose a partner may still choose another.
    expect(o.choices).toEqual([{ id: partner.id, name: 'Autodoc' }]);
  });

  it('never reads today from aggregates, even when today was rebuilt', async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-12T08:00:00Z');
    await rebuild(TODAY, partner.id);
    await insertClick(link, '2026-03-12T09:00:00Z');
    const o = await overview({ from: TODAY, to: TODAY, partnerId: partner.id, withBots: false });
    expect(o.current.clicks).toBe(2);
  });

  it('reads yesterday from the rows until the daily job has aggregated it, then from its aggregates, counting each once', async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-11T23:30:00Z');
    await insertConversion(partner.id, '2026-03-11T23:40:00Z');
    const ask = { from: YESTERDAY, to: TODAY, partnerId: partner.id, withBots: false };
    const before = await overview(ask);
    expect([before.current.clicks, before.current.conversions]).toEqual([1, 1]);

    await rebuild(YESTERDAY, partner.id);
    // Written after the day was built: waits for its rebuild, as every report of finished days.
    await insertClick(link, '2026-03-11T23:50:00Z');
    const after = await overview(ask);
    expect([after.current.clicks, after.current.conversions]).toEqual([1, 1]);
    expect(after.current.money).toEqual([{ currency: 'EUR', revenueMinor: 10_000, commissionMinor: 800 }]);
  });

  it('reads yesterday live only for the partners the daily job has not reached yet', async () => {
    const done = await partnerWithLink({ name: 'Norauto' });
    const pending = await partnerWithLink({ name: 'Oscaro' });
    await insertClick(done.link, '2026-03-11T12:00:00Z');
    await insertClick(pending.link, '2026-03-11T12:00:00Z');
    await rebuild(YESTERDAY, done.partner.id);
    await insertClick(done.link, '2026-03-11T13:00:00Z');
    await insertClick(pending.link, '2026-03-11T13:00:00Z');
    const o = await overview({ from: YESTERDAY, to: YESTERDAY, withBots: false });
    expect(o.topPartners?.map((p) => [p.name, p.clicks])).toEqual([
      ['Oscaro', 2],
      ['Norauto', 1],
    ]);
  });

  it('compares with the period of as many days just before', async () => {
    const { partner, link } = await partnerWithLink();
    for (const at of ['2026-03-05T10:00:00Z', '2026-03-06T10:00:00Z', '2026-03-06T11:00:00Z', '2026-03-08T10:00:00Z']) {
      await insertClick(link, at);
    }
    await insertConversion(partner.id, '2026-03-06T12:00:00Z', { amountMinor: 2_000, commissionMinor: 200 });
    for (const date of ['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']) {
      await rebuild(date, partner.id);
    }
    await insertClick(link, '2026-03-09T10:00:00Z');
    await rebuild('2026-03-09', partner.id);

    const o = await overview({ from: '2026-03-07', to: '2026-03-09', partnerId: partner.id, withBots: false });

    expect(o.period).toEqual({
      from: '2026-03-07',
      to: '2026-03-09',
      days: 3,
      previous: { from: '2026-03-04', to: '2026-03-06' },
    });
    expect(o.current).toMatchObject({ clicks: 2, conversions: 0 });
    expect(o.previous).toEqual({
      clicks: 3,
      uniqueClicks: 3,
      botClicks: 0,
      conversions: 1,
      money: [{ currency: 'EUR', revenueMinor: 2_000, commissionMinor: 200 }],
    });
  });

  it('draws 48 hours or less hour by hour, from the rows', async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-11T08:15:00Z');
    await insertClick(link, '2026-03-12T08:15:00Z');
    await insertClick(link, '2026-03-12T08:45:00Z', { isUnique: false });
    await insertClick(link, '2026-03-12T09:05:00Z', { isBot: true });
    await insertConversion(partner.id, '2026-03-12T09:30:00Z');
    await rebuild(YESTERDAY, partner.id);

    const o = await overview({ from: YESTERDAY, to: TODAY, partnerId: partner.id, withBots: false });

    expect(o.series.step).toBe('hour');
    if (o.series.step !== 'hour') return;
    expect(o.series.points).toHaveLength(48);
    expect(o.series.points[0]?.startMs).toBe(Date.parse('2026-03-11T00:00:00Z'));
    const busy = o.series.points.filter((p) => p.clicks + p.botClicks + p.conversions > 0);
    expect(busy).toEqual([
      { startMs: Date.parse('2026-03-11T08:00:00Z'), clicks: 1, uniqueClicks: 1, botClicks: 0, conversions: 0 },
      { startMs: Date.parse('2026-03-12T08:00:00Z'), clicks: 2, uniqueClicks: 1, botClicks: 0, conversions: 0 },
      { startMs: Date.parse('2026-03-12T09:00:00Z'), clicks: 0, uniqueClicks: 0, botClicks: 1, conversions: 1 },
    ]);
    // Three days are drawn day by day.
    const days = await overview({ from: '2026-03-10', to: TODAY, partnerId: partner.id, withBots: false });
    expect(days.series.step).toBe('day');
  });

  it('ranks partners and links by clicks, bot clicks only when they are asked for', async () => {
    const a = await partnerWithLink({ name: 'Autodoc' });
    const b = await partnerWithLink({ name: 'Barrault' });
    const b2 = await createLink(b.partner.id);
    for (let i = 0; i < 3; i++) await insertClick(a.link, `2026-03-12T08:0${i}:00Z`);
    await insertClick(b.link, '2026-03-12T08:05:00Z');
    for (let i = 0; i < 4; i++) await insertClick(b2, `2026-03-12T08:1${i}:00Z`, { isBot: true });
    await insertConversion(b.partner.id, '2026-03-12T09:00:00Z', {
      click: await insertClick(b.link, '2026-03-12T08:30:00Z', { isUnique: false }),
      commissionMinor: 1_234,
    });

    const people = await overview({ from: TODAY, to: TODAY, withBots: false });
    expect(people.topPartners?.map((p) => [p.name, p.clicks, p.botClicks, p.conversions, p.commissionMinor])).toEqual([
      ['Autodoc', 3, 0, 0, 0],
      ['Barrault', 2, 4, 1, 1_234],
    ]);
    expect(people.topLinks.map((l) => [l.name, l.clicks, l.botClicks, l.conversions])).toEqual([
      [a.link.slug, 3, 0, 0],
      [b.link.slug, 2, 0, 1],
      [b2.slug, 0, 4, 0],
    ]);

    const everyone = await overview({ from: TODAY, to: TODAY, withBots: true });
    expect(everyone.topPartners?.map((p) => p.name)).toEqual(['Barrault', 'Autodoc']);
    expect(everyone.topLinks.map((l) => l.name)).toEqual([b2.slug, a.link.slug, b.link.slug]);
    expect(everyone.choices).toEqual([
      { id: a.partner.id, name: 'Autodoc' },
      { id: b.partner.id, name: 'Barrault' },
    ]);
  });

  it('keeps money apart per reporting currency across partners', async () => {
    const eur = await partnerWithLink({ name: 'Autodoc' });
    const usd = await partnerWithLink({ name: 'Carparts US', currency: 'USD' });
    await insertConversion(eur.partner.id, '2026-03-10T10:00:00Z', { amountMinor: 10_000, commissionMinor: 800 });
    await insertConversion(usd.partner.id, '2026-03-10T10:00:00Z', {
      currency: 'USD',
      reportingCurrency: 'USD',
      amountMinor: 30_000,
      commissionMinor: 1_500,
    });
    await rebuild('2026-03-10', eur.partner.id);
    await rebuild('2026-03-10', usd.partner.id);
    await insertConversion(usd.partner.id, '2026-03-12T10:00:00Z', {
      currency: 'USD',
      reportingCurrency: 'USD',
      amountMinor: 1_000,
      commissionMinor: 50,
    });

    const o = await overview({ from: '2026-03-10', to: TODAY, withBots: false });

    expect(o.current.conversions).toBe(3);
    expect(o.current.money).toEqual([
      { currency: 'EUR', revenueMinor: 10_000, commissionMinor: 800 },
      { currency: 'USD', revenueMinor: 31_000, commissionMinor: 1_550 },
    ]);
    expect(o.previous.money).toEqual([
      { currency: 'EUR', revenueMinor: 0, commissionMinor: 0 },
      { currency: 'USD', revenueMinor: 0, commissionMinor: 0 },
    ]);
    expect(o.topPartners?.map((p) => [p.name, p.commissionMinor, p.currency])).toEqual([
      ['Carparts US', 1_550, 'USD'],
      ['Autodoc', 800, 'EUR'],
    ]);
  });

  it("gives a partner's user its own partner only, and no other partner exists for it", async () => {
    const own = await partnerWithLink({ name: 'Autodoc' });
    const other = await partnerWithLink({ name: 'Norauto' });
    await insertClick(own.link, '2026-03-12T08:00:00Z');
    await insertClick(other.link, '2026-03-12T08:00:00Z');
    await insertClick(other.link, '2026-03-12T08:05:00Z');
    const scope = { partnerId: own.partner.id };

    const o = await overview({ from: TODAY, to: TODAY, withBots: false }, scope);

    expect(o.partner?.name).toBe('Autodoc');
    expect(o.current.clicks).toBe(1);
    expect(o.topPartners).toBeNull();
    expect(o.topLinks.map((l) => l.partnerId)).toEqual([own.partner.id]);
    expect(o.choices).toEqual([]);
    await expect(overview({ partnerId: other.partner.id, withBots: false }, scope)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses days that cannot be shown', async () => {
    await expect(overview({ from: '2026-03-13', to: '2026-03-13', withBots: false })).rejects.toMatchObject({
      status: 400,
    });
    await expect(overview({ from: '2026-03-12', to: '2026-03-10', withBots: false })).rejects.toMatchObject({
      status: 400,
    });
    await expect(overview({ from: '2026-02-30', withBots: false })).rejects.toMatchObject({ status: 400 });
    await expect(overview({ partnerId: 'ptn_missing', withBots: false })).rejects.toMatchObject({ status: 404 });
  });

  it('shows the last 30 days, today included, when no days are asked', async () => {
    const o = await overview({ withBots: false });
    expect(o.period).toMatchObject({ from: '2026-02-11', to: TODAY, days: 30 });
    expect(o.series.points).toHaveLength(30);
  });
});

describe('figures of finished days kept in the isolate', () => {
  /** A row written behind the reports' back, as nothing but a rebuild ever writes them. */
  const writeAggregateBehindTheirBack = (partnerId: string, clicks: number) =>
    env.DB.prepare(
      `INSERT INTO daily_aggregates (date, partner_id, link_id, clicks, currency, computed_at)
       VALUES ('2026-03-09', ?1, '*', ?2, 'EUR', 0)`,
    )
      .bind(partnerId, clicks)
      .run();

  it('are used while the aggregates keep their version, and read again once a day is rebuilt', async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-10T08:00:00Z');
    await rebuild('2026-03-10', partner.id);
    const ask = { from: '2026-03-09', to: TODAY, partnerId: partner.id, withBots: false };
    expect((await overview(ask)).current.clicks).toBe(1);

    await writeAggregateBehindTheirBack(partner.id, 50);
    expect((await overview(ask)).current.clicks).toBe(1);

    await insertClick(link, '2026-03-10T09:00:00Z');
    await rebuild('2026-03-10', partner.id);
    expect((await overview(ask)).current.clicks).toBe(52);
  });

  it('serve breakdowns the same way, and never hold today', async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-10T08:00:00Z', { device: 'mobile' });
    await rebuild('2026-03-10', partner.id);
    const ask = { dimension: 'device' as const, from: '2026-03-10', to: TODAY, partnerId: partner.id };
    const clicks = async () => (await liveBreakdownReport(env, ADMIN, ask, NOW)).lines.map((l) => [l.value, l.clicks]);
    expect(await clicks()).toEqual([['mobile', 1]]);

    await insertClick(link, '2026-03-10T09:00:00Z', { device: 'mobile' });
    await insertClick(link, '2026-03-12T09:00:00Z', { device: 'mobile' });
    expect(await clicks()).toEqual([['mobile', 2]]);
    await rebuild('2026-03-10', partner.id);
    expect(await clicks()).toEqual([['mobile', 3]]);
  });
});

describe('liveBreakdownReport', () => {
  it("adds today's clicks and conversions, under their click's value, to the aggregated days", async () => {
    const { partner, link } = await partnerWithLink();
    await insertClick(link, '2026-03-10T08:00:00Z', { sub1: 'clio-iv' });
    await insertClick(link, '2026-03-10T08:30:00Z', { sub1: 'clio-iv', isBot: true });
    await rebuild('2026-03-10', partner.id);
    await rebuild(YESTERDAY, partner.id);
    const today = await insertClick(link, '2026-03-12T08:00:00Z', { sub1: 'clio-iv', isUnique: false });
    await insertClick(link, '2026-03-12T08:10:00Z', { sub1: '208' });
    await insertConversion(partner.id, '2026-03-12T09:00:00Z', { click: today, commissionMinor: 900 });
    await insertConversion(partner.id, '2026-03-12T09:10:00Z', { amountMinor: 4_000, commissionMinor: 300 });

    const { lines } = await liveBreakdownReport(
      env,
      ADMIN,
      { dimension: 'sub1', from: '2026-03-10', to: TODAY, partnerId: partner.id },
      NOW,
    );

    expect(lines).toEqual([
      {
        value: 'clio-iv',
        clicks: 2,
        uniqueClicks: 1,
        botClicks: 1,
        conversions: 1,
        revenueMinor: 10_000,
        commissionMinor: 900,
        currency: 'EUR',
      },
      {
        value: '208',
        clicks: 1,
        uniqueClicks: 1,
        botClicks: 0,
        conversions: 0,
        revenueMinor: 0,
        commissionMinor: 0,
        currency: 'EUR',
      },
      {
        value: '(unattributed)',
        clicks: 0,
        uniqueClicks: 0,
        botClicks: 0,
        conversions: 1,
        revenueMinor: 4_000,
        commissionMinor: 300,
        currency: 'EUR',
      },
    ]);
  });

  it('sums a value over the partners of one currency, never across currencies', async () => {
    const a = await partnerWithLink({ name: 'Autodoc' });
    const b = await partnerWithLink({ name: 'Oscaro' });
    const us = await partnerWithLink({ name: 'Carparts US', currency: 'USD' });
    await insertClick(a.link, '2026-03-12T08:00:00Z', { device: 'mobile' });
    await insertClick(b.link, '2026-03-12T08:00:00Z', { device: 'mobile' });
    await insertClick(us.link, '2026-03-12T08:00:00Z', { device: 'mobile' });

    const { lines } = await liveBreakdownReport(env, ADMIN, { dimension: 'device', from: TODAY, to: TODAY }, NOW);

    expect(lines.map((l) => [l.value, l.currency, l.clicks])).toEqual([
      ['mobile', 'EUR', 2],
      ['mobile', 'USD', 1],
    ]);
    const own = await liveBreakdownReport(
      env,
      { partnerId: us.partner.id },
      { dimension: 'device', from: TODAY, to: TODAY },
      NOW,
    );
    expect(own.lines.map((l) => [l.value, l.currency, l.clicks])).toEqual([['mobile', 'USD', 1]]);
    await expect(
      liveBreakdownReport(env, { partnerId: us.partner.id }, { dimension: 'device', partnerId: a.partner.id }, NOW),
    ).rejects.toMatchObject({ status: 404 });
  });
});
