// The console's deliveries: the daily pushes to partners, each with its attempts, and an admin's retry.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { getDelivery } from '../../src/db/deliveries';
import { deliveries, deliveryAttempts } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { schedulerOf } from '../../src/services/deliveries';
import { createPartner, uniqueSlug } from '../support/builders';
import { page, signedIn, submit } from '../support/console';
import { standIn } from '../support/stand-in';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const newPartner = (overrides: Record<string, unknown> = {}) =>
  createPartner({ name: `Partner ${uniqueSlug('p')}`, ...overrides });

/** A delivery as the daily job leaves it, written directly. */
async function insertDelivery(
  partnerId: string,
  date: string,
  overrides: Partial<typeof deliveries.$inferInsert> = {},
) {
  const row = {
    id: newId('dlv'),
    partnerId,
    date,
    webhookId: `msg_daily_${date}_${partnerId}`,
    url: 'https://hooks.partner.test/relais',
    status: 'pending' as const,
    nextAttemptAt: new Date('2026-03-11T00:10:00Z'),
    ...overrides,
  };
  await dbOf(env).insert(deliveries).values(row);
  return row;
}

/** The deliveries a page links to, in the order shown. */
const linkedIds = (html: string) =>
  [...html.matchAll(/<a href="\/console\/deliveries\/(dlv_\w+)">/g)].map((match) => match[1]);

describe('GET /console/deliveries', () => {
  it('lists pushes newest first, filtered by status and partnerId', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const delivered = await insertDelivery(p.id, '2026-03-09', {
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 200,
      nextAttemptAt: null,
      deliveredAt: new Date('2026-03-10T00:10:05Z'),
    });
    const pending = await insertDelivery(p.id, '2026-03-10', { attempts: 1, lastStatusCode: 503 });
    const html = await page(admin, `/console/deliveries?partnerId=${p.id}`);
    expect(linkedIds(html)).toEqual([pending.id, delivered.id]);
    expect(html).toContain(
      `<a href="/console/deliveries/${pending.id}">10 Mar 2026</a></th><td>${p.name}</td><td><span class="badge">To send</span></td><td class="num">1</td><td class="num">503</td><td>11 Mar 2026, 00:10</td><td></td>`,
    );
    expect(html).toContain(
      '<td><span class="badge good">Delivered</span></td><td class="num">2</td><td class="num">200</td><td></td><td>10 Mar 2026, 00:10</td>',
    );
    const onlyDelivered = await page(admin, `/console/deliveries?partnerId=${p.id}&status=delivered`);
    expect(linkedIds(onlyDelivered)).toEqual([delivered.id]);
    expect(onlyDelivered).toContain('<option value="delivered" selected="">Delivered</option>');
    expect(await page(admin, '/console/deliveries?status=lost', 400)).toContain(
      '<p class="hint bad" id="status-error">Choose one of the listed values.</p>',
    );
  });

  it('shows a push with every attempt, oldest first', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const d = await insertDelivery(p.id, '2026-03-10', { attempts: 2, lastStatusCode: 200, status: 'delivered' });
    await dbOf(env)
      .insert(deliveryAttempts)
      .values([
        {
          id: newId('att'),
          deliveryId: d.id,
          attempt: 1,
          statusCode: null,
          error: 'No answer within 15 s.',
          durationMs: 15_000,
          createdAt: new Date('2026-03-11T00:10:00Z'),
        },
        {
          id: newId('att'),
          deliveryId: d.id,
          attempt: 2,
          statusCode: 200,
          durationMs: 120,
          createdAt: new Date('2026-03-11T00:10:05Z'),
        },
      ]);
    const html = await page(admin, `/console/deliveries/${d.id}`);
    expect(html).toContain('<h1>Delivery of 10 Mar 2026</h1>');
    expect(html).toContain('<dt>Sent to</dt><dd><code>https://hooks.partner.test/relais</code></dd>');
    expect(html).toContain(
      '<th scope="row" class="num">1</th><td>11 Mar 2026, 00:10</td><td class="num">no answer</td><td>No answer within 15 s.</td><td class="num">15,000 ms</td>',
    );
    expect(html).toContain(
      '<th scope="row" class="num">2</th><td>11 Mar 2026, 00:10</td><td class="num">200</td><td></td><td class="num">120 ms</td>',
    );
    await page(admin, '/console/deliveries/dlv_nope', 404);
  });
});

describe('retrying a push', () => {
  it('queues the day again after a confirmation, and it is then delivered', async () => {
    // The clock reads years ahead: the scheduler's alarm is set then, so it fires only when the test
    // runs it, not on its own halfway through the test.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2033-05-01T08:00:00Z') });
    const admin = await signedIn({ role: 'admin' });
    const hooks = standIn();
    const p = await newPartner({ webhookUrl: 'https://hooks.partner.test/console-retry' });
    const d = await insertDelivery(p.id, '2033-04-30', { status: 'failed', attempts: 10, lastStatusCode: 500 });
    expect(await page(admin, `/console/deliveries/${d.id}`)).toContain(
      `<form method="post" action="/console/deliveries/${d.id}/retry" data-confirm="Send this day’s figures to the partner again?">`,
    );
    const res = await submit(admin, `/console/deliveries/${d.id}/retry`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/deliveries/${d.id}?done=retried`);
    expect(await getDelivery(dbOf(env), d.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await page(admin, `/console/deliveries/${d.id}?done=retried`)).toContain('The delivery is queued again.');
    await runDurableObjectAlarm(schedulerOf(env, p.id));
    expect(hooks.received.filter((r) => r.url === 'https://hooks.partner.test/console-retry')).toHaveLength(1);
    expect(await getDelivery(dbOf(env), d.id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('says so on the page when the partner has no webhook URL', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const d = await insertDelivery(p.id, '2026-03-10', { status: 'failed' });
    const res = await submit(admin, `/console/deliveries/${d.id}/retry`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('The partner has no webhook URL any more: set one on its page first.');
    expect(await getDelivery(dbOf(env), d.id)).toMatchObject({ status: 'failed' });
  });
});

describe('a partner’s user', () => {
  it('lists and reads its own pushes only, and cannot retry', async () => {
    const [own, other] = [
      await newPartner({ webhookUrl: 'https://hooks.partner.test/own' }),
      await newPartner({ webhookUrl: 'https://hooks.partner.test/other' }),
    ];
    const user = await signedIn({ role: 'partner', partnerId: own.id });
    const mine = await insertDelivery(own.id, '2026-03-10', { status: 'failed' });
    const theirs = await insertDelivery(other.id, '2026-03-10', { status: 'failed' });
    const list = await page(user, '/console/deliveries');
    expect(linkedIds(list)).toContain(mine.id);
    expect(linkedIds(list)).not.toContain(theirs.id);
    expect(list).not.toContain(other.name);
    expect(list).not.toContain('id="partnerId"');
    await page(user, `/console/deliveries?partnerId=${other.id}`, 404);
    expect(linkedIds(await page(user, `/console/deliveries?partnerId=${own.id}`))).toEqual([mine.id]);
    await page(user, `/console/deliveries/${theirs.id}`, 404);
    expect(await page(user, `/console/deliveries/${mine.id}`)).not.toContain('/retry');
    expect((await submit(user, `/console/deliveries/${mine.id}/retry`)).status).toBe(404);
    expect(await getDelivery(dbOf(env), mine.id)).toMatchObject({ status: 'failed' });
  });
});
