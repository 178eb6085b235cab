// A French programme's scheduled work (REPORT_TIMEZONE Europe/Paris, project "zone"): the daily job, its push, link health, changed days.
import { createScheduledController, runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { readCursor } from '../../src/db/job-state';
import { dailyRows } from '../../src/db/reports';
import worker from '../../src/index';
import { runDaily } from '../../src/jobs/daily';
import { runLinkHealth } from '../../src/jobs/link-health';
import { refreshChangedDays } from '../../src/jobs/refresh-days';
import { schedulerOf } from '../../src/services/deliveries';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';
import { type Received, standIn } from '../support/stand-in';

const HOOK_HOST = 'hooks.partner.test';

// The daily job keeps one state for the whole database, and goes through every partner.
beforeEach(freshStorage);
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function dailyCron(atIso: string) {
  const at = Date.parse(atIso);
  vi.setSystemTime(at);
  await worker.scheduled(createScheduledController({ cron: '10 0 * * *', scheduledTime: at }), env);
}

const totalOf = async (partnerId: string, date: string) =>
  (await dailyRows(env.DB, { from: date, to: date, partnerId }))[0];

describe('the daily job in Paris', () => {
  it('aggregates and pushes the Paris day just ended: a sale at 00:40 there on 1 December counts on the 1st', async () => {
    // Years ahead of the real clock, so that the scheduler's alarms never fire by themselves.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2031-12-01T00:00:00Z') });
    const hooks = standIn();
    const partner = await createPartner({ webhookUrl: `https://${HOOK_HOST}/relais` });
    const link = await createLink(partner.id);
    await insertClick(link, '2031-11-30T22:59:59.999Z');
    const click = await insertClick(link, '2031-11-30T23:30:00Z');
    await insertConversion(partner.id, '2031-11-30T23:40:00Z', { click, amountMinor: 4_990, commissionMinor: 399 });

    // 01:10 on 1 December in Paris: 30 November is over there, without the sale.
    await dailyCron('2031-12-01T00:10:00Z');
    expect(await readCursor(dbOf(env), 'daily')).toBe('2031-11-30 done');
    expect(await totalOf(partner.id, '2031-11-30')).toMatchObject({ clicks: 1, conversions: 0 });

    await dailyCron('2031-12-02T00:10:00Z');
    expect(await totalOf(partner.id, '2031-12-01')).toMatchObject({ clicks: 1, conversions: 1, revenue_minor: 4_990 });
    expect(await runDurableObjectAlarm(schedulerOf(env, partner.id))).toBe(true);
    const pushed = hooks.to(HOOK_HOST).map((r: Received) => JSON.parse(r.body));
    expect(pushed.map((p) => [p.date, p.totals.clicks, p.totals.conversions, p.totals.revenue])).toEqual([
      ['2031-11-30', 1, 0, 0],
      ['2031-12-01', 1, 1, 49.9],
    ]);
    expect(hooks.to(HOOK_HOST).map((r) => r.headers['webhook-id'])).toEqual([
      `msg_daily_2031-11-30_${partner.id}`,
      `msg_daily_2031-12-01_${partner.id}`,
    ]);
  });

  it('takes yesterday in Paris at run time, even from a trigger run at 23:30 UTC', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-30T23:30:00Z') });
    // 00:30 on 1 December in Paris: in UTC, yesterday would still be 29 November.
    expect(await runDaily(env, Date.parse('2026-11-30T23:30:00Z'))).toEqual({ date: '2026-11-30', stage: 'done' });
    // The first run after the clocks go back: 00:10 UTC is 01:10 in Paris, as in every winter.
    expect(await runDaily(env, Date.parse('2026-10-26T00:10:00Z'))).toMatchObject({ date: '2026-10-25' });
  });

  it('checks link health on the day of Paris', async () => {
    standIn();
    const partner = await createPartner();
    const link = await createLink(partner.id);
    await runLinkHealth(env, Date.parse('2026-11-30T23:30:00Z'));
    const { data } = (await api('GET', `/api/v1/links/${link.id}/health`, { expect: 200 })).body;
    expect(data.map((c: { date: string }) => c.date)).toEqual(['2026-12-01']);
  });
});

describe('days whose conversions change later, in Paris', () => {
  it('rebuilds the day of Paris a changed conversion belongs to', async () => {
    const partner = await createPartner();
    const conversion = await insertConversion(partner.id, '2026-11-30T23:40:00Z', { status: 'pending' });
    for (const date of ['2026-11-30', '2026-12-01']) {
      await api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId: partner.id }, expect: 200 });
    }
    const november = await totalOf(partner.id, '2026-11-30');
    expect(await totalOf(partner.id, '2026-12-01')).toMatchObject({ conversions: 1 });

    await api('PATCH', `/api/v1/conversions/${conversion.id}`, { body: { status: 'rejected' }, expect: 200 });
    expect(await refreshChangedDays(env, Date.now() + 60_000, Date.now())).toBe(1);
    expect(await totalOf(partner.id, '2026-12-01')).toMatchObject({ conversions: 0 });
    expect(await totalOf(partner.id, '2026-11-30')).toEqual(november);
  });
});
