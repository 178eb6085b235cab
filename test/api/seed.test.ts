import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { clicks, conversions, dailyAggregates } from '../../src/db/schema';
import { COUNTED_STATUSES, TOTAL_LINK_ID } from '../../src/domain/aggregation';
import { dateIn, dayRangeIn, nextDate } from '../../src/domain/calendar';
import { commissionFor } from '../../src/domain/commission';
import { DEMO_ACTIVITY_DAYS } from '../../src/seed/activity';
import { SEED_PARTNERS } from '../../src/seed/partners';
import { seedDemo } from '../../src/seed/seed';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';

describe('demo seed', () => {
  // The seed adds what is missing: each test starts from a database it has not seeded yet.
  beforeEach(freshStorage);

  it('adds the 20 partners of the partnership document and demo links, once', async () => {
    const first = await seedDemo(env);
    const second = await seedDemo(env);
    expect(first).toMatchObject({ partnersAdded: 20, linksAdded: 4 });
    expect(second).toEqual({ partnersAdded: 0, linksAdded: 0, clicksAdded: 0, conversionsAdded: 0 });
    const res = await api('GET', '/api/v1/partners?limit=500', { expect: 200 });
    const slugs = res.body.data.map((p: { slug: string }) => p.slug);
    for (const p of SEED_PARTNERS) expect(slugs).toContain(p.slug);
  });

  it('keeps the statuses and integrations of the document', async () => {
    await seedDemo(env);
    const res = await api('GET', '/api/v1/partners?limit=500', { expect: 200 });
    const bySlug = Object.fromEntries(res.body.data.map((p: { slug: string }) => [p.slug, p]));
    expect(bySlug.autodoc).toMatchObject({
      status: 'active',
      integration: 'direct_api',
      allowedDomains: ['autodoc.fr'],
    });
    expect(bySlug.oscaro).toMatchObject({ integration: 'affiliate_platform' });
    expect(bySlug.euromaster).toMatchObject({ integration: 'referral' });
    expect(bySlug.motoblouz).toMatchObject({ status: 'negotiating' });
    expect(bySlug['kenny-racing']).toMatchObject({ status: 'prospect' });
    expect(bySlug.barrault.commissionRules).toContainEqual({ category: 'stage3', percent: 20 });
  });

  it('is reachable through the dev route in local runs only', async () => {
    const res = await api('POST', '/api/v1/dev/seed', { expect: 200 });
    expect(res.body).toHaveProperty('partnersAdded');
  });
});

/** The demo partner `slug`'s id, as the API lists it. */
async function partnerIdOf(slug: string): Promise<string> {
  const res = await api('GET', '/api/v1/partners?limit=500', { expect: 200 });
  return res.body.data.find((p: { slug: string }) => p.slug === slug).id;
}

/** The total of a figure over rows. */
const sum = (rows: readonly object[], key: string) =>
  rows.reduce((total, r) => total + Number((r as Record<string, unknown>)[key] ?? 0), 0);

describe('demo activity', () => {
  // Seeded once: these read what the seed wrote, and the last one checks that seeding again adds nothing.
  let added: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    await freshStorage();
    added = await seedDemo(env);
  });

  it('gives each of the last 30 days up to yesterday clicks and the month conversions, nothing today', async () => {
    expect(added.clicksAdded).toBeGreaterThan(4 * DEMO_ACTIVITY_DAYS * 15);
    expect(added.conversionsAdded).toBeGreaterThan(0);
    const partnerId = await partnerIdOf('autodoc');
    const today = dateIn(Date.now(), 'UTC');
    const from = nextDate(today, -DEMO_ACTIVITY_DAYS);
    const res = await api('GET', `/api/v1/reports/daily?partnerId=${partnerId}&from=${from}&to=${today}`, {
      expect: 200,
    });
    const days = res.body.data;
    expect(days.map((d: { date: string }) => d.date)).toEqual(
      Array.from({ length: DEMO_ACTIVITY_DAYS }, (_, i) => nextDate(from, i)),
    );
    for (const day of days) expect(day.clicks + day.botClicks).toBeGreaterThanOrEqual(15);
    expect(sum(days, 'conversions')).toBeGreaterThan(0);
    expect(sum(days, 'commission')).toBeGreaterThan(0);
  });

  it('adds up: the aggregates are the sums of the clicks and conversions stored', async () => {
    const partnerId = await partnerIdOf('autodoc');
    const db = dbOf(env);
    const rawClicks = await db.select().from(clicks).where(eq(clicks.partnerId, partnerId)).all();
    const rawConversions = await db.select().from(conversions).where(eq(conversions.partnerId, partnerId)).all();
    const counted = rawConversions.filter((c) => (COUNTED_STATUSES as readonly string[]).includes(c.status));
    const today = dateIn(Date.now(), 'UTC');
    const res = await api(
      'GET',
      `/api/v1/reports/daily?partnerId=${partnerId}&from=${nextDate(today, -DEMO_ACTIVITY_DAYS)}&to=${today}`,
      { expect: 200 },
    );
    const days = res.body.data;
    expect(sum(days, 'clicks')).toBe(rawClicks.filter((c) => !c.isBot).length);
    expect(sum(days, 'uniqueClicks')).toBe(rawClicks.filter((c) => !c.isBot && c.isUnique).length);
    expect(sum(days, 'botClicks')).toBe(rawClicks.filter((c) => c.isBot).length);
    expect(sum(days, 'conversions')).toBe(counted.length);
    const revenueMinor = counted.reduce(
      (t, c) => t + (c.reportingAmountMinor ?? 0) - (c.reportingRefundedMinor ?? 0),
      0,
    );
    const commissionMinor = counted.reduce((t, c) => t + (c.reportingCommissionMinor ?? 0), 0);
    expect(Math.round(sum(days, 'revenue') * 100)).toBe(revenueMinor);
    expect(Math.round(sum(days, 'commission') * 100)).toBe(commissionMinor);
  });

  it("prices each conversion by the partner's rules, a few refunded, every one on a demo click", async () => {
    const partner = (await api('GET', `/api/v1/partners/${await partnerIdOf('barrault')}`, { expect: 200 })).body;
    const rows = await dbOf(env).select().from(conversions).where(eq(conversions.partnerId, partner.id)).all();
    expect(rows.length).toBeGreaterThan(0);
    for (const c of rows) {
      expect(c.currency).toBe(partner.currency);
      expect(c.attributionMethod).toBe('click_id');
      expect(c.linkId).not.toBeNull();
      if (c.refundedAmountMinor === 0 && c.status !== 'rejected') {
        const priced = commissionFor(partner.commissionRules, { ...c, event: 'sale' });
        expect(c.commissionMinor).toBe(priced.commissionMinor);
      }
    }
    const all = await dbOf(env).select().from(conversions).all();
    expect(new Set(all.map((c) => c.status))).toEqual(new Set(['approved', 'pending', 'rejected', 'reversed']));
    expect(all.some((c) => c.refundedAmountMinor > 0 && c.status === 'approved')).toBe(true);
  });

  it('adds nothing the second time: no click, conversion or figure doubles', async () => {
    const db = dbOf(env);
    const snapshot = async () => ({
      clicks: (await db.select().from(clicks).all()).length,
      conversions: (await db.select().from(conversions).all()).length,
      aggregates: (await db.select().from(dailyAggregates).all()).map(({ computedAt: _, ...r }) => r),
    });
    const before = await snapshot();
    expect(await seedDemo(env)).toEqual({ partnersAdded: 0, linksAdded: 0, clicksAdded: 0, conversionsAdded: 0 });
    expect(await snapshot()).toEqual(before);
  });
});

describe('demo activity of a Paris programme', () => {
  beforeEach(freshStorage);

  it("keeps to the programme's days: a Paris programme's activity ends on yesterday in Paris", async () => {
    const paris = { ...env, REPORT_TIMEZONE: 'Europe/Paris' };
    await seedDemo(paris);
    const db = dbOf(env);
    const rows = await db.select().from(dailyAggregates).all();
    const yesterday = nextDate(dateIn(Date.now(), 'Europe/Paris'), -1);
    const dates = rows.map((r) => r.date).sort();
    expect([dates[0], dates.at(-1)]).toEqual([nextDate(yesterday, 1 - DEMO_ACTIVITY_DAYS), yesterday]);
    const latest = rows.filter((r) => r.date === yesterday && r.linkId !== TOTAL_LINK_ID);
    const { startMs, endMs } = dayRangeIn(yesterday, 'Europe/Paris');
    const inDay = (await db.select().from(clicks).all()).filter(
      (c) => c.createdAt.getTime() >= startMs && c.createdAt.getTime() < endMs,
    );
    expect(sum(latest, 'clicks') + sum(latest, 'botClicks')).toBe(inDay.length);
  });
});
