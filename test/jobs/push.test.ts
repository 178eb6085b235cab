import { createScheduledController, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { partners } from '../../src/db/schema';
import worker from '../../src/index';
import { schedulerOf } from '../../src/services/deliveries';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';
import { type Received, standIn } from '../support/stand-in';

// Alarms are set on the faked clock, years ahead of the real one, so they never fire by
// themselves: each test runs them with runDurableObjectAlarm. Each test starts from empty
// storage: the daily job goes through every partner, and those of the tests before would make
// each run longer than the last.
const FIRST_RUN = Date.parse('2030-03-11T00:10:00Z');
const HOOK_HOST = 'hooks.partner.test';
let NOW = FIRST_RUN;
let DAY = '';

beforeEach(async () => {
  await freshStorage();
  NOW = FIRST_RUN;
  DAY = new Date(NOW - 86_400_000).toISOString().slice(0, 10);
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function partnerWithHook(path = '/relais', overrides: Record<string, unknown> = {}) {
  const partner = await createPartner({ webhookUrl: `https://${HOOK_HOST}${path}`, ...overrides });
  const link = await createLink(partner.id);
  return { partner, link };
}

async function runDailyCron() {
  await worker.scheduled(createScheduledController({ cron: '10 0 * * *', scheduledTime: NOW }), env);
}

const deliveriesOf = async (partnerId: string) =>
  (await api('GET', `/api/v1/deliveries?partnerId=${partnerId}`, { expect: 200 })).body.data;

const verify = (secret: string, req: Received) =>
  new Webhook(secret).verify(req.body, {
    'webhook-id': req.headers['webhook-id'] as string,
    'webhook-timestamp': req.headers['webhook-timestamp'] as string,
    'webhook-signature': req.headers['webhook-signature'] as string,
  });

describe('daily push', () => {
  it("delivers yesterday's figures, signed, to the partner endpoint", async () => {
    const hooks = standIn();
    const { partner, link } = await partnerWithHook('/a');
    const click = await insertClick(link, `${DAY}T09:00:00Z`);
    await insertClick(link, `${DAY}T10:00:00Z`, { isBot: true });
    await insertConversion(partner.id, `${DAY}T09:30:00Z`, { click, amountMinor: 4_990, commissionMinor: 399 });

    await runDailyCron();
    // The cron only queues: no push has been sent yet, so a slow partner cannot hold it up.
    expect(hooks.to(HOOK_HOST).filter((r) => r.url.endsWith('/a'))).toEqual([]);
    const [queued] = await deliveriesOf(partner.id);
    expect(queued).toMatchObject({ partnerId: partner.id, date: DAY, status: 'pending', attempts: 0 });
    expect(queued.nextAttemptAt).toBe(new Date(NOW).toISOString());

    expect(await runDurableObjectAlarm(schedulerOf(env, partner.id))).toBe(true);
    const sent = hooks.to(HOOK_HOST).filter((r) => r.url.endsWith('/a'));
    expect(sent).toHaveLength(1);
    const req = sent[0] as Received;
    expect(req.method).toBe('POST');
    expect(req.redirect).toBe('manual');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe(`msg_daily_${DAY}_${partner.id}`);
    expect(verify(partner.pushSigningSecret, req)).toEqual({
      type: 'daily_aggregate',
      date: DAY,
      partnerId: partner.id,
      currency: 'EUR',
      totals: {
        clicks: 1,
        uniqueClicks: 1,
        botClicks: 1,
        conversions: 1,
        leads: 0,
        addToCarts: 0,
        sales: 1,
        revenue: 49.9,
        commission: 3.99,
        refunded: 0,
        commissionReversed: 0,
        unconvertedConversions: 0,
        conversionRate: 1,
        epc: 3.99,
        medianTimeToConversionMs: 1_800_000,
      },
      links: [expect.objectContaining({ linkId: link.id, slug: link.slug, clicks: 1, botClicks: 1, revenue: 49.9 })],
    });

    const [delivered] = await deliveriesOf(partner.id);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
    expect(await runDurableObjectAlarm(schedulerOf(env, partner.id))).toBe(false);
  });

  it('sends refunds beside revenue and commission, which are net of them', async () => {
    const hooks = standIn();
    const { partner, link } = await partnerWithHook('/refunds');
    const click = await insertClick(link, `${DAY}T09:00:00Z`);
    await insertConversion(partner.id, `${DAY}T09:30:00Z`, {
      click,
      refundedAmountMinor: 4_000,
      commissionMinor: 480,
      earnedCommissionMinor: 800,
    });
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    const [req] = hooks.to(HOOK_HOST).filter((r) => r.url.endsWith('/refunds'));
    const body = verify(partner.pushSigningSecret, req as Received) as Record<string, unknown>;
    const figures = { revenue: 60, commission: 4.8, refunded: 40, commissionReversed: 3.2, unconvertedConversions: 0 };
    expect(body.totals).toMatchObject(figures);
    expect(body.links).toEqual([expect.objectContaining({ linkId: link.id, ...figures })]);
  });

  it('changes nothing when the daily job runs twice', async () => {
    const hooks = standIn();
    const { partner } = await partnerWithHook('/twice');
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    await runDailyCron();
    expect(await runDurableObjectAlarm(schedulerOf(env, partner.id))).toBe(false);
    expect(hooks.received.filter((r) => r.url.endsWith('/twice'))).toHaveLength(1);
    const list = await deliveriesOf(partner.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('retries after a failure on the schedule, with the same webhook-id, until acknowledged', async () => {
    const hooks = standIn(() => new Response('down', { status: 500 }));
    const { partner } = await partnerWithHook('/flaky');
    await runDailyCron();
    const scheduler = schedulerOf(env, partner.id);
    await runDurableObjectAlarm(scheduler);

    const [failed] = await deliveriesOf(partner.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    const waitMs = Date.parse(failed.nextAttemptAt) - NOW;
    expect(waitMs).toBeGreaterThanOrEqual(4_500);
    expect(waitMs).toBeLessThanOrEqual(5_500);

    // Not due yet: the alarm runs but sends nothing.
    await runDurableObjectAlarm(scheduler);
    expect(hooks.to(HOOK_HOST)).toHaveLength(1);

    hooks.answer(() => new Response(null, { status: 204 }));
    vi.setSystemTime(NOW + 6_000);
    expect(await runDurableObjectAlarm(scheduler)).toBe(true);
    const sent = hooks.to(HOOK_HOST);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.headers['webhook-id']).toBe(sent[0]?.headers['webhook-id']);
    expect(sent[1]?.body).toBe(sent[0]?.body);
    expect(verify(partner.pushSigningSecret, sent[1] as Received)).toMatchObject({
      type: 'daily_aggregate',
      date: DAY,
    });

    const detail = await api('GET', `/api/v1/deliveries/${failed.id}`, { expect: 200 });
    expect(detail.body).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204, lastError: null });
    expect(
      detail.body.attemptLog.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode]),
    ).toEqual([
      [1, 500],
      [2, 204],
    ]);
  });

  it('counts a redirect as a failure and never follows it', async () => {
    const hooks = standIn((req) =>
      new URL(req.url).host === HOOK_HOST
        ? new Response(null, { status: 302, headers: { location: 'https://elsewhere.test/' } })
        : new Response('ok'),
    );
    const { partner } = await partnerWithHook('/moved');
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    expect(hooks.received.some((r) => r.url.startsWith('https://elsewhere.test'))).toBe(false);
    const [d] = await deliveriesOf(partner.id);
    expect(d).toMatchObject({ status: 'pending', lastStatusCode: 302, lastError: 'Redirects are not followed.' });
  });

  it('stops for good on 410 Gone, and sends nothing more to that URL', async () => {
    const hooks = standIn(() => new Response('gone', { status: 410 }));
    const { partner } = await partnerWithHook('/gone');
    await runDailyCron();
    const scheduler = schedulerOf(env, partner.id);
    await runDurableObjectAlarm(scheduler);
    const [d] = await deliveriesOf(partner.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410, nextAttemptAt: null });
    expect(await runDurableObjectAlarm(scheduler)).toBe(false);

    // The next day, the same URL gets nothing until the partner changes it.
    vi.setSystemTime(NOW + 86_400_000);
    await worker.scheduled(createScheduledController({ cron: '10 0 * * *', scheduledTime: NOW + 86_400_000 }), env);
    const [next] = await deliveriesOf(partner.id);
    expect(next).toMatchObject({ date: new Date(NOW).toISOString().slice(0, 10), status: 'failed', attempts: 0 });
    expect(hooks.to(HOOK_HOST)).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    standIn(() => new Response('slow down', { status: 429, headers: { 'retry-after': '3600' } }));
    const { partner } = await partnerWithHook('/busy');
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    const [d] = await deliveriesOf(partner.id);
    expect(d).toMatchObject({ status: 'pending', lastStatusCode: 429 });
    expect(Date.parse(d.nextAttemptAt) - NOW).toBe(3_600_000);
  });

  it('records a request that fails without an answer, with a 15 s timeout', async () => {
    const hooks = standIn(() => Promise.reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    const { partner } = await partnerWithHook('/slow');
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    const [d] = await deliveriesOf(partner.id);
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'No answer within 15 s.',
    });
    expect(hooks.to(HOOK_HOST)).toHaveLength(1);
  });

  it('does not let a slow partner delay another', async () => {
    // The slow endpoint answers only once the test lets it, after the fast partner was served.
    let answerSlow = () => {};
    const slowAnswered = new Promise<void>((resolve) => {
      answerSlow = resolve;
    });
    const hooks = standIn(async (req) => {
      if (req.url.endsWith('/slow-answer')) await slowAnswered;
      return new Response('ok');
    });
    const slow = await partnerWithHook('/slow-answer');
    const fast = await partnerWithHook('/fast');
    await runDailyCron();
    const slowRun = runDurableObjectAlarm(schedulerOf(env, slow.partner.id));
    await runDurableObjectAlarm(schedulerOf(env, fast.partner.id));
    expect((await deliveriesOf(fast.partner.id))[0]).toMatchObject({ status: 'delivered' });
    expect((await deliveriesOf(slow.partner.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    answerSlow();
    await slowRun;
    expect((await deliveriesOf(slow.partner.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(hooks.received.filter((r) => r.url.endsWith('/slow-answer'))).toHaveLength(1);
  });

  it('refuses a webhook URL to a private address without sending', async () => {
    const hooks = standIn();
    const { partner } = await partnerWithHook('/private');
    await runDailyCron();
    await dbOf(env)
      .update(partners)
      .set({ webhookUrl: 'https://169.254.169.254/latest' })
      .where(eq(partners.id, partner.id));
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    const [d] = await deliveriesOf(partner.id);
    expect(d.status).toBe('failed');
    expect(d.lastError).toMatch(/^webhookUrl must/);
    expect(hooks.received.some((r) => r.url.includes('169.254'))).toBe(false);
  });

  it('counts a push it cannot prepare as a failed attempt, retried on the schedule', async () => {
    const hooks = standIn();
    const { partner } = await partnerWithHook('/unsigned');
    await runDailyCron();
    await dbOf(env).update(partners).set({ pushSecretEnc: 'v1.AAAA.AAAA' }).where(eq(partners.id, partner.id));
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    const [d] = await deliveriesOf(partner.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(d.lastError).toMatch(/^The push could not be prepared: /);
    expect(Date.parse(d.nextAttemptAt) - NOW).toBeGreaterThanOrEqual(4_500);
    expect(hooks.received.some((r) => r.url.endsWith('/unsigned'))).toBe(false);
  });

  it('waits a minute before trying again after an alarm that failed', async () => {
    standIn();
    const { partner } = await partnerWithHook('/d1-down');
    await runDailyCron();
    const at = await runInDurableObject(schedulerOf(env, partner.id), async (instance, state) => {
      const db = (instance as unknown as { env: Env }).env.DB;
      vi.spyOn(db, 'batch').mockRejectedValue(new Error('D1 is unavailable'));
      vi.spyOn(console, 'error').mockImplementation(() => {});
      await instance.alarm();
      return state.storage.getAlarm();
    });
    expect(at).toBe(NOW + 60_000);
    expect((await deliveriesOf(partner.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('pushes only to active or paused partners with a webhookUrl', async () => {
    standIn();
    const ended = await partnerWithHook('/ended', { status: 'ended' });
    const none = await createPartner();
    await runDailyCron();
    expect(await deliveriesOf(ended.partner.id)).toEqual([]);
    expect(await deliveriesOf(none.id)).toEqual([]);
  });

  it('runs through the Worker entry point', async () => {
    standIn();
    const { partner } = await partnerWithHook('/entry');
    // The runtime's own way in: the scheduled event as a cron trigger delivers it.
    const entry = exports.default as unknown as {
      scheduled(o: { cron: string; scheduledTime: Date }): Promise<unknown>;
    };
    await entry.scheduled({ cron: '10 0 * * *', scheduledTime: new Date(NOW) });
    expect((await deliveriesOf(partner.id))[0]).toMatchObject({ date: DAY, status: 'pending' });
  });
});

describe('days corrected after their push, for partners that asked (pushCorrections)', () => {
  const datesSent = (sent: Received[]) => sent.map((r) => (JSON.parse(r.body) as { date: string }).date);

  /** The daily run at NOW, and the pushes it queued for the partner sent. */
  async function dailyRunDelivered(partnerId: string) {
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partnerId));
  }

  /** Moves the clock to the next daily run; answers the day the previous run pushed. */
  function nextDay(): string {
    const previous = DAY;
    NOW += 86_400_000;
    DAY = new Date(NOW - 86_400_000).toISOString().slice(0, 10);
    vi.setSystemTime(NOW);
    return previous;
  }

  /** A day pushed, then corrected by a late postback and rebuilt, then the next daily run: what the partner received. */
  async function correctedThenNextDay(path: string, overrides: Record<string, unknown> = {}) {
    const hooks = standIn();
    const { partner, link } = await partnerWithHook(path, overrides);
    const click = await insertClick(link, `${DAY}T09:00:00Z`);
    await insertConversion(partner.id, `${DAY}T09:30:00Z`, { click });
    await dailyRunDelivered(partner.id);

    vi.setSystemTime(NOW + 3_600_000);
    await insertConversion(partner.id, `${DAY}T11:00:00Z`, { click });
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });

    const corrected = nextDay();
    await dailyRunDelivered(partner.id);
    return { partner, corrected, sent: hooks.received.filter((r) => r.url.endsWith(path)) };
  }

  it('pushes a delivered day again with the next daily run once its figures were rebuilt, as a new message', async () => {
    const { partner, corrected, sent } = await correctedThenNextDay('/corrected', { pushCorrections: true });
    expect(datesSent(sent)).toEqual([corrected, corrected, DAY]);
    expect(
      (verify(partner.pushSigningSecret, sent[1] as Received) as { totals: { conversions: number } }).totals
        .conversions,
    ).toBe(2);
    expect(sent[1]?.headers['webhook-id']).not.toBe(sent[0]?.headers['webhook-id']);
  });

  it('keeps to one push per UTC day for a partner that did not ask', async () => {
    const { corrected, sent } = await correctedThenNextDay('/one-a-day');
    expect(datesSent(sent)).toEqual([corrected, DAY]);
  });

  it('pushes a delivered day only once when its figures did not change', async () => {
    const hooks = standIn();
    const { partner, link } = await partnerWithHook('/unchanged', { pushCorrections: true });
    await insertClick(link, `${DAY}T09:00:00Z`);
    await dailyRunDelivered(partner.id);

    const first = nextDay();
    await dailyRunDelivered(partner.id);
    expect(datesSent(hooks.received.filter((r) => r.url.endsWith('/unchanged')))).toEqual([first, DAY]);
  });
});

describe('POST /api/v1/reports/daily/rebuild with push', () => {
  it('queues the corrected day again as a new message, under a webhook-id of its own', async () => {
    const hooks = standIn();
    const { partner, link } = await partnerWithHook('/rebuilt');
    await runDailyCron();
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    await insertClick(link, `${DAY}T22:00:00Z`);

    const res = await api('POST', '/api/v1/reports/daily/rebuild', {
      body: { date: DAY, partnerId: partner.id, push: true },
      expect: 200,
    });
    expect(res.body.deliveries).toEqual([expect.objectContaining({ partnerId: partner.id, status: 'pending' })]);
    await runDurableObjectAlarm(schedulerOf(env, partner.id));
    const sent = hooks.received.filter((r) => r.url.endsWith('/rebuilt'));
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers['webhook-id']).toBe(`msg_daily_${DAY}_${partner.id}`);
    expect(sent[1]?.headers['webhook-id']).toMatch(new RegExp(`^msg_daily_${DAY}_${partner.id}_[0-9a-z]+$`));
    expect(
      (verify(partner.pushSigningSecret, sent[1] as Received) as { totals: { clicks: number } }).totals.clicks,
    ).toBe(1);
  });
});
