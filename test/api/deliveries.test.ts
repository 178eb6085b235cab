import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { deliveries, deliveryAttempts } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { schedulerOf } from '../../src/services/deliveries';
import { createKey, createPartner } from '../support/builders';
import { api } from '../support/http';
import { standIn } from '../support/stand-in';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

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

describe('GET /api/v1/deliveries', () => {
  it('lists pushes of a partner, newest first, with the contract fields', async () => {
    const p = await createPartner();
    const older = await insertDelivery(p.id, '2026-03-09', {
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    const newer = await insertDelivery(p.id, '2026-03-10', { attempts: 1, lastStatusCode: 503 });
    const res = await api('GET', `/api/v1/deliveries?partnerId=${p.id}`, { expect: 200 });
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([newer.id, older.id]);
    expect(res.body.data[0]).toMatchObject({
      id: newer.id,
      partnerId: p.id,
      date: '2026-03-10',
      status: 'pending',
      attempts: 1,
      lastStatusCode: 503,
      nextAttemptAt: '2026-03-11T00:10:00.000Z',
      webhookId: `msg_daily_2026-03-10_${p.id}`,
    });
    const delivered = await api('GET', `/api/v1/deliveries?partnerId=${p.id}&status=delivered`, { expect: 200 });
    expect(delivered.body.data.map((d: { id: string }) => d.id)).toEqual([older.id]);
  });

  it('pages with a cursor', async () => {
    const p = await createPartner();
    await insertDelivery(p.id, '2026-03-01');
    await insertDelivery(p.id, '2026-03-02');
    const first = await api('GET', `/api/v1/deliveries?partnerId=${p.id}&limit=1`, { expect: 200 });
    const second = await api('GET', `/api/v1/deliveries?partnerId=${p.id}&limit=1&cursor=${first.body.nextCursor}`, {
      expect: 200,
    });
    expect(second.body.data[0].date).toBe('2026-03-01');
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('GET /api/v1/deliveries/:id', () => {
  it('shows every attempt, oldest first', async () => {
    const p = await createPartner();
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
    const res = await api('GET', `/api/v1/deliveries/${d.id}`, { expect: 200 });
    expect(res.body.attemptLog).toEqual([
      {
        attempt: 1,
        statusCode: null,
        error: 'No answer within 15 s.',
        durationMs: 15_000,
        createdAt: '2026-03-11T00:10:00.000Z',
      },
      { attempt: 2, statusCode: 200, error: null, durationMs: 120, createdAt: '2026-03-11T00:10:05.000Z' },
    ]);
  });

  it('answers 404 for an unknown id', async () => {
    expect((await api('GET', '/api/v1/deliveries/dlv_nope')).status).toBe(404);
  });
});

describe('POST /api/v1/deliveries/:id/retry', () => {
  it('sends a failed push again with a fresh schedule', async () => {
    const now = Date.parse('2033-05-01T08:00:00Z');
    vi.useFakeTimers({ toFake: ['Date'], now });
    const hooks = standIn();
    const p = await createPartner({ webhookUrl: 'https://hooks.partner.test/retry' });
    const d = await insertDelivery(p.id, '2033-04-30', { status: 'failed', attempts: 10, lastStatusCode: 500 });
    const res = await api('POST', `/api/v1/deliveries/${d.id}/retry`, { expect: 202 });
    expect(res.body).toMatchObject({
      id: d.id,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(now).toISOString(),
    });
    await runDurableObjectAlarm(schedulerOf(env, p.id));
    const sent = hooks.received.filter((r) => r.url === 'https://hooks.partner.test/retry');
    expect(sent).toHaveLength(1);
    // A new message: the day's figures may have changed since the failed one.
    expect(sent[0]?.headers['webhook-id']).toBe(`msg_daily_2033-04-30_${p.id}_${now.toString(36)}`);
    expect((await api('GET', `/api/v1/deliveries/${d.id}`, { expect: 200 })).body).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });
  });

  it('is for admins only', async () => {
    const p = await createPartner({ webhookUrl: 'https://hooks.partner.test/x' });
    const d = await insertDelivery(p.id, '2026-03-10');
    const key = await createKey('partner', p.id);
    expect((await api('POST', `/api/v1/deliveries/${d.id}/retry`, { key: key.key })).status).toBe(403);
  });

  it('answers 409 when the partner has no webhookUrl any more', async () => {
    const p = await createPartner();
    const d = await insertDelivery(p.id, '2026-03-10', { status: 'failed' });
    const res = await api('POST', `/api/v1/deliveries/${d.id}/retry`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_webhook_url');
  });
});
