import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { readCursor } from '../../src/db/job-state';
import { dailyRows } from '../../src/db/reports';
import { type Partner, partners } from '../../src/db/schema';
import { dateIn, nextDate } from '../../src/domain/calendar';
import { newClickId } from '../../src/domain/ids';
import worker from '../../src/index';
import { CURSOR_CHANGED_DAYS, refreshChangedDays } from '../../src/jobs/refresh-days';
import { aggregatePartnerDay } from '../../src/services/reports';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

/** Runs the 15-minute cron as the runtime would, `aheadMs` ahead so that the last writes are settled. */
async function reconcile(aheadMs = 120_000) {
  const nowMs = Date.now() + aheadMs;
  await worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: nowMs }), env);
}

const partnerRow = async (id: string) =>
  (await dbOf(env).select().from(partners).where(eq(partners.id, id)).get()) as Partner;

/** The partner's total for `date` as the aggregates hold it. */
async function totalOf(partnerId: string, date: string) {
  const [row] = await dailyRows(env.DB, { from: date, to: date, partnerId });
  return row && { conversions: row.conversions, commissionMinor: row.commission_minor };
}

const settled = () => Date.now() + 60_000;

/** Runs the sweep until it has gone through every change made so far. */
async function catchUp() {
  for (let before = await readCursor(dbOf(env), CURSOR_CHANGED_DAYS); ; ) {
    await refreshChangedDays(env, settled(), Date.now());
    const after = await readCursor(dbOf(env), CURSOR_CHANGED_DAYS);
    if (after === before) return;
    before = after;
  }
}

/** A UTC day `days` before today, and a time at 10:00 that day. */
function dayBefore(days: number) {
  const date = nextDate(dateIn(Date.now(), 'UTC'), -days);
  return { date, at: Date.parse(`${date}T10:00:00Z`) };
}

describe('aggregated days whose conversions change later', () => {
  // Each test starts from empty storage: the sweep goes through every changed day, and another
  // test's days would take the place of this one's in a run (or leave the sweep's place past them).
  beforeEach(freshStorage);

  it('rebuilds a day once a conversion of it is reversed', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const { date, at } = dayBefore(3);
    const click = await insertClick(link, new Date(at));
    const conv = await insertConversion(partner.id, new Date(at + 600_000), { click });
    await aggregatePartnerDay(env, await partnerRow(partner.id), date);
    expect(await totalOf(partner.id, date)).toEqual({ conversions: 1, commissionMinor: 800 });

    await api('PATCH', `/api/v1/conversions/${conv.id}`, { body: { status: 'reversed' }, expect: 200 });
    await reconcile();
    expect(await totalOf(partner.id, date)).toEqual({ conversions: 0, commissionMinor: 0 });
  });

  it('adds a conversion reported for a day already aggregated', async () => {
    const partner = await createPartner();
    const { date, at } = dayBefore(2);
    await insertConversion(partner.id, new Date(at));
    await aggregatePartnerDay(env, await partnerRow(partner.id), date);
    await insertConversion(partner.id, new Date(at + 3_600_000), { commissionMinor: 500 });
    await reconcile();
    expect(await totalOf(partner.id, date)).toEqual({ conversions: 2, commissionMinor: 1_300 });
  });

  it("moves a conversion attributed late onto its link's row of the day", async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const { date, at } = dayBefore(1);
    const clickId = newClickId(at);
    await insertConversion(partner.id, new Date(at + 600_000), { reportedClickId: clickId });
    await aggregatePartnerDay(env, await partnerRow(partner.id), date);
    const linkRow = async () => (await dailyRows(env.DB, { from: date, to: date, linkId: link.id }))[0]?.conversions;
    expect(await linkRow()).toBeUndefined();

    await insertClick(link, new Date(at), { id: clickId });
    // The first run attributes the conversion; the next one, once that change is settled, rebuilds its day.
    await reconcile();
    await reconcile(300_000);
    expect(await linkRow()).toBe(1);
  });

  it('leaves a day that was never aggregated to the daily job', async () => {
    const partner = await createPartner();
    const today = dateIn(Date.now(), 'UTC');
    await insertConversion(partner.id, new Date(Date.now() - 60_000));
    await reconcile();
    expect(await totalOf(partner.id, today)).toBeUndefined();
  });

  it('spreads a long list of changed days over several runs, each resuming where the last stopped', async () => {
    const partner = await createPartner();
    const row = await partnerRow(partner.id);
    const days = Array.from({ length: 45 }, (_, i) => dayBefore(10 + i));
    for (const { at } of days) await insertConversion(partner.id, new Date(at));
    // Swept while no day is aggregated yet: the sweep passes these changes by without rebuilding.
    await catchUp();
    for (const { date } of days) await aggregatePartnerDay(env, row, date);
    for (const { at } of days) await insertConversion(partner.id, new Date(at + 60_000));
    const runs = [];
    for (let n = await refreshChangedDays(env, settled(), Date.now()); n > 0; ) {
      runs.push(n);
      n = await refreshChangedDays(env, settled(), Date.now());
    }
    expect(runs).toEqual([40, 5]);
    for (const { date } of days) expect((await totalOf(partner.id, date))?.conversions).toBe(2);
  });
});
