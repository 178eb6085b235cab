import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { conversionHistory, conversions } from '../../src/db/schema';
import { newClickId } from '../../src/domain/ids';
import worker from '../../src/index';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

const DAY_MS = 86_400_000;

/** Runs the 15-minute cron as the runtime would, a little ahead so that new rows are settled. */
async function reconcile(nowMs = Date.now() + 120_000) {
  await worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: nowMs }), env);
}

const conversion = (id: string) => dbOf(env).select().from(conversions).where(eq(conversions.id, id)).get();
const historyOf = (id: string) =>
  dbOf(env).select().from(conversionHistory).where(eq(conversionHistory.conversionId, id)).all();
const anomaliesOf = async (partnerId: string) =>
  (await api('GET', `/api/v1/anomalies?partnerId=${partnerId}&limit=500`, { expect: 200 })).body.data;

describe('late attribution', () => {
  it('attributes a conversion whose click was written after it', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const clickAt = Date.now() - 3_600_000;
    const clickId = newClickId(clickAt);
    const conv = await insertConversion(partner.id, new Date(clickAt + 600_000), { reportedClickId: clickId });
    await reconcile();
    expect(await conversion(conv.id)).toMatchObject({ attributionMethod: 'none', clickId: null });

    await insertClick(link, new Date(clickAt), { id: clickId });
    await reconcile();
    expect(await conversion(conv.id)).toMatchObject({
      attributionMethod: 'click_id',
      clickId,
      linkId: link.id,
      attributionConfidence: 1,
      clickToConversionMs: 600_000,
    });
    const history = await historyOf(conv.id);
    expect(history).toEqual([
      expect.objectContaining({
        fromStatus: 'approved',
        toStatus: 'approved',
        amountMinor: 10_000,
        commissionBeforeMinor: 800,
        commissionMinor: 800,
        refundedAmountMinor: 0,
        source: 'reconcile',
        reason: `late attribution: click_id (click ${clickId})`,
      }),
    ]);
    await reconcile();
    expect(await historyOf(conv.id)).toHaveLength(1);
  });

  it('finds a late click by the visitor cookie', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const at = Date.now() - 7_200_000;
    const conv = await insertConversion(partner.id, new Date(at + 60_000), { visitorId: 'vis_late' });
    const click = await insertClick(link, new Date(at), { visitorId: 'vis_late' });
    await reconcile();
    expect(await conversion(conv.id)).toMatchObject({ attributionMethod: 'cookie', clickId: click.id });
  });

  it('leaves a conversion alone when its click is a bot or belongs to another partner', async () => {
    const partner = await createPartner();
    const other = await createPartner();
    const otherLink = await createLink(other.id);
    const link = await createLink(partner.id);
    const at = Date.now() - 3_600_000;
    const bot = await insertClick(link, new Date(at), { isBot: true });
    const foreign = await insertClick(otherLink, new Date(at));
    const a = await insertConversion(partner.id, new Date(at + 60_000), { reportedClickId: bot.id });
    const b = await insertConversion(partner.id, new Date(at + 60_000), { reportedClickId: foreign.id });
    await reconcile();
    expect((await conversion(a.id))?.attributionMethod).toBe('none');
    expect((await conversion(b.id))?.attributionMethod).toBe('none');
  });
});

describe('auto-approval', () => {
  it("approves pending conversions once the partner's lock period is over, once", async () => {
    const partner = await createPartner({ lockDays: 14 });
    const now = Date.now();
    const due = await insertConversion(partner.id, new Date(now - 15 * DAY_MS), { status: 'pending' });
    const early = await insertConversion(partner.id, new Date(now - 13 * DAY_MS), { status: 'pending' });
    const rejected = await insertConversion(partner.id, new Date(now - 40 * DAY_MS), { status: 'rejected' });
    await reconcile(now);
    const approved = await conversion(due.id);
    expect(approved?.status).toBe('approved');
    expect(approved?.approvedAt?.getTime()).toBe(now);
    expect((await conversion(early.id))?.status).toBe('pending');
    expect((await conversion(rejected.id))?.status).toBe('rejected');
    expect(await historyOf(due.id)).toEqual([
      expect.objectContaining({
        fromStatus: 'pending',
        toStatus: 'approved',
        amountMinor: 10_000,
        commissionBeforeMinor: 800,
        commissionMinor: 800,
        refundedAmountMinor: 0,
        reason: 'lock period over',
        source: 'reconcile',
      }),
    ]);
    await reconcile(now);
    expect(await historyOf(due.id)).toHaveLength(1);
    await reconcile(now + 2 * DAY_MS);
    expect((await conversion(early.id))?.status).toBe('approved');
  });
});

describe('a reconciliation triggered late', () => {
  it('dates what it changes at the real time, so that the rebuild of changed days still sees it', async () => {
    const partner = await createPartner({ lockDays: 14 });
    const due = await insertConversion(partner.id, new Date(Date.now() - 15 * DAY_MS), { status: 'pending' });
    const before = Date.now();
    await reconcile(before - 10 * 60_000);
    const approved = await conversion(due.id);
    expect(approved?.status).toBe('approved');
    expect(approved?.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
  });
});

describe('anomalies', () => {
  it('flags a conversion seconds after its click, and one on a bot click', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const click = await insertClick(link, new Date(Date.now() - 60_000));
    const fast = await insertConversion(partner.id, new Date(click.createdAt.getTime() + 1_500), { click });
    const bot = await insertClick(link, new Date(Date.now() - 600_000), { isBot: true });
    const onBot = await insertConversion(partner.id, new Date(Date.now() - 300_000), { click: bot });
    await reconcile();
    const found = await anomaliesOf(partner.id);
    expect(found.map((a: { kind: string; subjectId: string }) => [a.kind, a.subjectId]).sort()).toEqual(
      [
        ['bot_click', onBot.id],
        ['fast_conversion', fast.id],
      ].sort(),
    );
    expect(found.find((a: { kind: string }) => a.kind === 'fast_conversion')).toMatchObject({
      partnerId: partner.id,
      conversionId: fast.id,
      clickId: click.id,
      details: { clickToConversionMs: 1_500, thresholdMs: 5_000 },
      resolved: false,
      resolvedAt: null,
    });
  });

  it('flags a click carrying many conversions once, and an amount far off the usual', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const start = Date.now() - 10 * DAY_MS;
    for (let i = 0; i < 20; i++) {
      await insertConversion(partner.id, new Date(start + i * 3_600_000), { amountMinor: 4_000 + i });
    }
    const click = await insertClick(link, new Date(start));
    for (let i = 0; i < 4; i++) {
      await insertConversion(partner.id, new Date(start + DAY_MS + i * 60_000), { click, amountMinor: 4_000 });
    }
    const huge = await insertConversion(partner.id, new Date(start + 2 * DAY_MS), { amountMinor: 900_000 });
    await reconcile();
    await reconcile();
    const found = await anomaliesOf(partner.id);
    expect(found.map((a: { kind: string; subjectId: string }) => [a.kind, a.subjectId]).sort()).toEqual(
      [
        ['amount_outlier', huge.id],
        ['click_reused', click.id],
      ].sort(),
    );
    // Flags are for review: the conversions are all still there, unchanged.
    expect((await conversion(huge.id))?.status).toBe('approved');
  });

  it('flags a conversion that late attribution tied to a click seconds before it', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const at = Date.now() - 3_600_000;
    const conv = await insertConversion(partner.id, new Date(at + 2_000), { visitorId: 'vis_fast' });
    await reconcile();
    expect(await anomaliesOf(partner.id)).toEqual([]);
    await insertClick(link, new Date(at), { visitorId: 'vis_fast' });
    await reconcile();
    expect((await anomaliesOf(partner.id)).map((a: { kind: string }) => a.kind)).toEqual(['fast_conversion']);
    expect((await anomaliesOf(partner.id))[0].conversionId).toBe(conv.id);
  });
});
