import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { readCursor, writeCursor } from '../../src/db/job-state';
import { partnersAfter } from '../../src/db/partners';
import { dailyAggregates } from '../../src/db/schema';
import worker from '../../src/index';
import { createPartner } from '../support/builders';
import { standIn } from '../support/stand-in';

// The daily job keeps one state for the whole database, so each test works on a day of its own.
let NOW = Date.parse('2031-01-02T00:10:00Z');
let DAY = '';
beforeEach(() => {
  NOW += 10 * 86_400_000;
  DAY = new Date(NOW - 86_400_000).toISOString().slice(0, 10);
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  standIn();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function cron(expression: string, scheduledTime: number) {
  await worker.scheduled(createScheduledController({ cron: expression, scheduledTime }), env);
}

const totalOf = (partnerId: string, date: string) =>
  dbOf(env)
    .select()
    .from(dailyAggregates)
    .where(
      and(eq(dailyAggregates.partnerId, partnerId), eq(dailyAggregates.date, date), eq(dailyAggregates.linkId, '*')),
    )
    .get();

describe('daily job', () => {
  it('aggregates yesterday (UTC) for every partner and records that it is done', async () => {
    const p = await createPartner();
    await cron('10 0 * * *', NOW);
    expect(await totalOf(p.id, DAY)).toMatchObject({ clicks: 0, conversions: 0, currency: 'EUR' });
    expect(await readCursor(dbOf(env), 'daily')).toBe(`${DAY} done`);
  });

  it('does nothing more when run twice for a day', async () => {
    const p = await createPartner();
    await cron('10 0 * * *', NOW);
    const first = await totalOf(p.id, DAY);
    vi.setSystemTime(NOW + 60_000);
    await cron('10 0 * * *', NOW);
    expect(await totalOf(p.id, DAY)).toEqual(first);
  });

  it('finishes a run cut short where it stopped, on the next 15-minute run', async () => {
    await createPartner();
    await createPartner();
    const all = [];
    for (
      let page = await partnersAfter(dbOf(env), null);
      page.length;
      page = await partnersAfter(dbOf(env), page.at(-1)?.id ?? null)
    ) {
      all.push(...page);
    }
    const cut = all[all.length - 2];
    const last = all[all.length - 1];
    if (!cut || !last) throw new Error('two partners at least');
    // As if the run had died after aggregating every partner up to `cut`.
    await writeCursor(dbOf(env), 'daily', `${DAY} aggregate`);
    await writeCursor(dbOf(env), 'daily:aggregate', cut.id);

    await cron('*/15 * * * *', NOW + 15 * 60_000);
    expect(await totalOf(last.id, DAY)).toMatchObject({ partnerId: last.id, date: DAY, linkId: '*' });
    expect(await totalOf(cut.id, DAY)).toBeUndefined();
    expect(await readCursor(dbOf(env), 'daily')).toBe(`${DAY} done`);
    expect(await readCursor(dbOf(env), 'daily:aggregate')).toBeNull();
  });

  it('finishes an earlier day left unfinished before starting the new one', async () => {
    const p = await createPartner();
    const before = new Date(NOW - 2 * 86_400_000).toISOString().slice(0, 10);
    await writeCursor(dbOf(env), 'daily', `${before} aggregate`);
    await cron('10 0 * * *', NOW);
    expect(await totalOf(p.id, before)).toMatchObject({ partnerId: p.id, date: before, linkId: '*' });
    expect(await totalOf(p.id, DAY)).toMatchObject({ partnerId: p.id, date: DAY, linkId: '*' });
  });

  it('ignores a cron expression it does not know', async () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await cron('0 12 * * *', NOW);
    expect(spy).toHaveBeenCalledWith('no job for cron "0 12 * * *"');
  });
});
