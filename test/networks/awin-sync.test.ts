import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { createLink } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api, call } from '../support/http';
import {
  AWIN_ADVERTISER,
  awinPartner,
  conversionsOf,
  conversionWithHistory,
  FIXTURE_CLICK_ID,
  NETWORK_ORIGIN,
  NETWORK_TOKEN,
  NOVEMBER,
  newAccount,
  receivedRequests,
  scriptNetwork,
  syncNow,
} from '../support/networks';
import { insertClick } from '../support/rows';

/** The clock of these tests: the fixtures' month is just over. */
const NOW = Date.parse('2026-11-30T12:00:00Z');

beforeEach(async () => {
  await freshStorage();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

/** The click the fixtures' first transaction carries as `clickRefs.clickRef`. */
async function fixtureClick(partnerId: string) {
  const link = await createLink(partnerId);
  return insertClick({ id: link.id, partnerId }, '2026-11-20T09:16:00Z', { id: FIXTURE_CLICK_ID });
}

/** The hourly cron at `nowMs`. */
const hourly = (nowMs: number) =>
  worker.scheduled(createScheduledController({ cron: '40 * * * *', scheduledTime: nowMs }), env);

const NOTHING = { imported: 0, updated: 0, unchanged: 0, failed: 0 };

describe('POST /api/v1/partners/:id/network-sync (Awin)', () => {
  it('imports each transaction once, as Awin lists them, attributed by its clickRef', async () => {
    const p = await awinPartner();
    await fixtureClick(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);

    const result = await syncNow(p.id);

    expect(result).toMatchObject({ imported: 2, updated: 0, unchanged: 0, failed: 0 });
    expect(result.lastSync).toEqual({ at: new Date(NOW).toISOString(), ok: true, error: null });
    const [first, second] = await conversionsOf(p.id);
    expect(first).toMatchObject({
      transactionId: 'OSC-20261120-001',
      event: 'sale',
      status: 'pending',
      rawStatus: 'pending',
      amount: 120,
      refundedAmount: 0,
      currency: 'EUR',
      commission: 9.6,
      items: [{ category: 'DEFAULT', amount: 120 }],
      occurredAt: '2026-11-20T10:15:00.000Z',
      reportedClickId: FIXTURE_CLICK_ID,
      attribution: { method: 'click_id', clickId: FIXTURE_CLICK_ID },
    });
    // No orderRef: the transaction's id is its id; its voucher code is its coupon.
    expect(second).toMatchObject({
      transactionId: '612300102',
      amount: 50,
      commission: 5,
      coupon: 'HIVER10',
      attribution: { method: 'none', clickId: null },
    });
    expect((await conversionWithHistory(first.id)).history).toMatchObject([
      { fromStatus: null, toStatus: 'pending', amount: 120, commission: 9.6, source: 'network' },
    ]);
  });

  it('calls Awin once per kind of date, with the window, the advertiser and the Bearer token', async () => {
    const p = await awinPartner();
    await syncNow(p.id);
    const calls = await receivedRequests(p.publisherId);
    expect(calls.map((c) => c.query.dateType)).toEqual(['transaction', 'validation', 'amendment']);
    for (const c of calls) {
      expect(c).toEqual({
        path: `/publishers/${p.publisherId}/transactions/`,
        query: {
          startDate: '2026-11-01T00:00:00',
          endDate: '2026-11-30T00:00:00',
          timezone: 'UTC',
          dateType: c.query.dateType,
          advertiserId: AWIN_ADVERTISER,
        },
        authorization: `Bearer ${NETWORK_TOKEN}`,
      });
    }
  });

  it('keeps the network commission and flags one the rules price differently by more than a cent', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    const [first, second] = await conversionsOf(p.id);
    // 8% of 50.00 is 4.00; Awin pays 5.00.
    expect(second).toMatchObject({ commission: 5, earnedCommission: 5 });
    const flags = (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=commission_mismatch`)).body.data;
    expect(flags).toMatchObject([
      {
        subjectId: second.id,
        conversionId: second.id,
        details: { transactionId: '612300102', currency: 'EUR', networkCommission: 5, rulesCommission: 4 },
      },
    ]);
    expect(flags.some((f: { subjectId: string }) => f.subjectId === first.id)).toBe(false);
  });

  it('finds nothing new when the same transactions are listed again', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
    ]);
    await syncNow(p.id);
    const before = await conversionsOf(p.id);

    expect(await syncNow(p.id)).toMatchObject({ imported: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(await conversionsOf(p.id)).toEqual(before);
    expect((await conversionWithHistory(before[0].id)).history).toHaveLength(1);
  });

  it('approves a pending conversion once Awin validates it', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'validation', fixture: 'awin/approved.json' }]);
    expect(await syncNow(p.id)).toMatchObject({ imported: 0, updated: 1, unchanged: 0, failed: 0 });
    const [first] = await conversionsOf(p.id);
    expect(first).toMatchObject({ status: 'approved', rawStatus: 'approved', commission: 9.6 });
    expect((await conversionWithHistory(first.id)).history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'approved',
      commissionBefore: 9.6,
      commission: 9.6,
      source: 'network',
    });
  });

  it('rejects a declined transaction, with Awin’s reason, and pays nothing', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'validation', fixture: 'awin/declined.json' }]);
    expect(await syncNow(p.id)).toMatchObject({ updated: 1 });
    const [, second] = await conversionsOf(p.id);
    expect(second).toMatchObject({
      status: 'rejected',
      rawStatus: 'declined',
      commission: 0,
      reversalReason: 'Order cancelled by the customer',
    });
  });

  it('reverses a deleted transaction: the whole amount refunded, commission 0', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'validation', fixture: 'awin/deleted.json' }]);
    expect(await syncNow(p.id)).toMatchObject({ updated: 1 });
    const [first] = await conversionsOf(p.id);
    expect(first).toMatchObject({ status: 'reversed', rawStatus: 'deleted', refundedAmount: 120, commission: 0 });
  });

  it('takes an amendment to a lower sale amount as a partial refund, with the commission Awin pays now', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'amendment', fixture: 'awin/amended.json' }]);
    expect(await syncNow(p.id)).toMatchObject({ imported: 0, updated: 1, unchanged: 0, failed: 0 });
    const [first] = await conversionsOf(p.id);
    expect(first).toMatchObject({
      status: 'pending',
      amount: 120,
      refundedAmount: 30,
      commission: 7.2,
      earnedCommission: 9.6,
      items: [{ category: 'DEFAULT', amount: 120, refundedAmount: 30 }],
    });
    expect((await conversionWithHistory(first.id)).history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'pending',
      refundedAmount: 30,
      commissionBefore: 9.6,
      commission: 7.2,
      source: 'network',
    });
  });

  it('refuses a second transaction under an order reference another one holds, and flags it', async () => {
    const p = await awinPartner();
    const sameOrderRef = { dateType: 'transaction', fixture: 'awin/same-order-ref.json' };
    await scriptNetwork(p.publisherId, [sameOrderRef, sameOrderRef]);

    const first = await syncNow(p.id);
    expect(first).toMatchObject({ imported: 1, updated: 0, unchanged: 0, failed: 1 });
    expect(first.lastSync.error).toBe(
      "1 transaction(s) not recorded: OSC-20261120-001: the network's transaction 612300104 has the transaction id of its transaction 612300101, recorded already",
    );
    const [conversion] = await conversionsOf(p.id);
    expect(conversion).toMatchObject({
      transactionId: 'OSC-20261120-001',
      amount: 120,
      refundedAmount: 0,
      commission: 9.6,
    });
    const flags = (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=network_transaction_refused`)).body.data;
    expect(flags).toMatchObject([
      {
        subjectId: `${p.id}:612300104`,
        conversionId: conversion.id,
        details: { transactionId: 'OSC-20261120-001', networkRef: '612300104' },
      },
    ]);

    // Read again, neither moves the other: the conversion is the first transaction, as it was.
    expect(await syncNow(p.id)).toMatchObject({ imported: 0, updated: 0, unchanged: 1, failed: 1 });
    expect(await conversionsOf(p.id)).toEqual([conversion]);
    expect((await conversionWithHistory(conversion.id)).history).toHaveLength(1);
    expect(
      (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=network_transaction_refused`)).body.data,
    ).toHaveLength(1);
  });

  it('keeps a conversion approved by hand while Awin still lists it pending, flagging the difference', async () => {
    const p = await awinPartner();
    const firstImport = { dateType: 'transaction', fixture: 'awin/first-import.json' };
    await scriptNetwork(p.publisherId, [firstImport, firstImport, firstImport]);
    await syncNow(p.id);
    const [first] = await conversionsOf(p.id);
    await api('PATCH', `/api/v1/conversions/${first.id}`, { body: { status: 'approved' }, expect: 200 });

    expect(await syncNow(p.id)).toMatchObject({
      imported: 0,
      updated: 0,
      unchanged: 2,
      failed: 0,
      lastSync: { ok: true },
    });
    expect((await conversionsOf(p.id))[0]).toMatchObject({ status: 'approved', commission: 9.6 });
    const flagged = async () =>
      (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=network_disagreement`)).body.data;
    expect(await flagged()).toMatchObject([
      {
        conversionId: first.id,
        subjectId: `${first.id}:pending:12000`,
        details: {
          transactionId: 'OSC-20261120-001',
          networkRef: '612300101',
          currency: 'EUR',
          network: { status: 'pending', amount: 120 },
          relais: { status: 'approved', amount: 120 },
        },
      },
    ]);
    // Listed so again, it is neither a failure nor a second flag.
    expect(await syncNow(p.id)).toMatchObject({ unchanged: 2, failed: 0 });
    expect(await flagged()).toHaveLength(1);
  });

  it('takes a sale amount back up with the commission Awin pays, keeping the refund, and flags it', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'amendment', fixture: 'awin/amended.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'amendment', fixture: 'awin/amended-up.json' }]);

    expect(await syncNow(p.id)).toMatchObject({
      imported: 0,
      updated: 1,
      unchanged: 0,
      failed: 0,
      lastSync: { ok: true },
    });
    const [first] = await conversionsOf(p.id);
    expect(first).toMatchObject({ status: 'pending', amount: 120, refundedAmount: 30, commission: 8.8 });
    expect((await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=network_disagreement`)).body.data).toMatchObject(
      [
        {
          conversionId: first.id,
          details: { network: { status: 'pending', amount: 110 }, relais: { status: 'pending', amount: 90 } },
        },
      ],
    );
  });

  it('rounds amounts with more decimals than the currency has, half away from zero', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/extra-decimals.json' }]);
    expect(await syncNow(p.id)).toMatchObject({ imported: 1, failed: 0 });
    expect((await conversionsOf(p.id))[0]).toMatchObject({
      amount: 120,
      commission: 9.61,
      items: [{ category: 'DEFAULT', amount: 120 }],
    });
  });

  it('splits a 60-day range into two calls of at most 31 days', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      { dateType: 'transaction', fixture: 'awin/window-october.json' },
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
    ]);
    const result = await syncNow(p.id, { from: '2026-10-01T00:00:00Z', to: '2026-11-30T00:00:00Z' });
    expect(result).toMatchObject({ imported: 3, failed: 0 });
    const calls = (await receivedRequests(p.publisherId)).filter((c) => c.query.dateType === 'transaction');
    expect(calls.map((c) => [c.query.startDate, c.query.endDate])).toEqual([
      ['2026-10-01T00:00:00', '2026-11-01T00:00:00'],
      ['2026-11-01T00:00:00', '2026-11-30T00:00:00'],
    ]);
  });

  it('takes dates alone as whole days: from the start of `from` to the end of `to`', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    expect(await syncNow(p.id, { from: '2026-11-01', to: '2026-11-29' })).toMatchObject({ imported: 2, failed: 0 });
    const calls = (await receivedRequests(p.publisherId)).filter((c) => c.query.dateType === 'transaction');
    expect(calls.map((c) => [c.query.startDate, c.query.endDate])).toEqual([
      ['2026-11-01T00:00:00', '2026-11-30T00:00:00'],
    ]);
  });

  it('reads the last 31 days when asked without a body', async () => {
    const p = await awinPartner();
    const res = await call('POST', `/api/v1/partners/${p.id}/network-sync`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      imported: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      lastSync: { ok: true },
    });
    const [first] = await receivedRequests(p.publisherId);
    expect([first?.query.startDate, first?.query.endDate]).toEqual(['2026-10-30T12:00:00', '2026-11-30T12:00:00']);
  });

  it('reads a range ending in the future up to now, so the hourly sync still reads the week before now', async () => {
    const p = await awinPartner();
    await syncNow(p.id, { from: '2026-11-01T00:00:00Z', to: '2026-12-31T00:00:00Z' });
    await hourly(NOW + 3_600_000);
    const spans = (await receivedRequests(p.publisherId))
      .filter((c) => c.query.dateType === 'transaction')
      .map((c) => [c.query.startDate, c.query.endDate]);
    expect(spans).toEqual([
      ['2026-11-01T00:00:00', '2026-11-30T12:00:00'],
      ['2026-11-23T12:00:00', '2026-11-30T13:00:00'],
    ]);
  });

  it('refuses a range starting after now', async () => {
    const p = await awinPartner();
    const res = await api('POST', `/api/v1/partners/${p.id}/network-sync`, {
      body: { from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject([{ path: ['from'], message: 'must be before to, and before now' }]);
  });

  it('refuses a range over 186 days, or backwards', async () => {
    const p = await awinPartner();
    const path = `/api/v1/partners/${p.id}/network-sync`;
    const long = await api('POST', path, { body: { from: '2026-01-01T00:00:00Z', to: '2026-11-30T00:00:00Z' } });
    expect(long.status).toBe(400);
    expect(long.body.error.details).toMatchObject([{ path: ['from'] }]);
    const backwards = await api('POST', path, { body: { from: '2026-11-30T00:00:00Z', to: '2026-11-01T00:00:00Z' } });
    expect(backwards.status).toBe(400);
    expect((await receivedRequests(p.publisherId)).length).toBe(0);
  });
});

describe('when Awin does not answer as documented', () => {
  it('stops on a 429, waits as Retry-After says, then imports everything', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      {
        dateType: 'transaction',
        status: 429,
        headers: { 'retry-after': '120' },
        fixture: 'awin/rate-limited.json',
      },
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
    ]);

    const limited = await syncNow(p.id);
    expect(limited).toMatchObject(NOTHING);
    expect(limited.lastSync).toEqual({
      at: new Date(NOW).toISOString(),
      ok: false,
      error: 'the network limits its calls (HTTP 429): next try after 2026-11-30T12:02:00.000Z',
    });
    // Nothing more is asked of Awin within the same sync, nor before the time it gave.
    expect((await receivedRequests(p.publisherId)).length).toBe(1);
    const early = await api('POST', `/api/v1/partners/${p.id}/network-sync`, { body: NOVEMBER });
    expect(early.status).toBe(429);
    expect(early.body.error.code).toBe('rate_limited');
    expect(early.headers.get('retry-after')).toBe('120');
    await hourly(NOW + 60_000);
    expect((await receivedRequests(p.publisherId)).length).toBe(1);

    await hourly(NOW + 121_000);
    expect(await conversionsOf(p.id)).toHaveLength(2);
    const partner = (await api('GET', `/api/v1/partners/${p.id}`)).body;
    expect(partner.lastSync).toEqual({ at: new Date(NOW + 121_000).toISOString(), ok: true, error: null });
  });

  it('records a 500 on the partner and reads the same range again at the next sync', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      { dateType: 'transaction', status: 500, fixture: 'awin/server-error.json' },
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
    ]);
    expect((await syncNow(p.id, {})).lastSync).toMatchObject({ ok: false, error: 'the network answered HTTP 500' });
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.lastSync).toMatchObject({
      ok: false,
      error: 'the network answered HTTP 500',
    });

    expect(await syncNow(p.id, {})).toMatchObject({ imported: 2, failed: 0, lastSync: { ok: true } });
    const calls = (await receivedRequests(p.publisherId)).filter((c) => c.query.dateType === 'transaction');
    // The failed window was not passed over: the second sync starts where the first did.
    expect(calls.map((c) => c.query.startDate)).toEqual(['2026-10-30T12:00:00', '2026-10-30T12:00:00']);
  });

  it('says when Awin refuses the token, and flags the partner after three failures in a row', async () => {
    const p = await awinPartner();
    const refused = { dateType: 'transaction', status: 401, fixture: 'awin/unauthorized.json' };
    await scriptNetwork(p.publisherId, [refused, refused, refused]);
    const first = await syncNow(p.id);
    expect(first.lastSync.error).toBe('the network refused the access token (HTTP 401): check it and set it again');
    const flagsAfter = async () =>
      (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=network_sync_failing`)).body.data;
    await syncNow(p.id);
    expect(await flagsAfter()).toEqual([]);
    await syncNow(p.id);
    expect(await flagsAfter()).toMatchObject([
      { kind: 'network_sync_failing', details: { failures: 3, error: first.lastSync.error } },
    ]);
    // A success ends the streak.
    expect((await syncNow(p.id)).lastSync.ok).toBe(true);
    expect(await flagsAfter()).toHaveLength(1);
  });

  it('does not follow a redirect, which would carry the token elsewhere', async () => {
    const p = await awinPartner();
    const elsewhere = newAccount();
    await scriptNetwork(p.publisherId, [
      {
        dateType: 'transaction',
        status: 302,
        headers: { location: `${NETWORK_ORIGIN}/publishers/${elsewhere}/transactions/` },
        body: '',
      },
    ]);
    await scriptNetwork(elsewhere, []);
    const result = await syncNow(p.id);
    expect(result).toMatchObject(NOTHING);
    expect(result.lastSync).toMatchObject({
      ok: false,
      error: 'the network answered HTTP 302, a redirect, which Relais does not follow: check apiBase',
    });
    expect(await receivedRequests(elsewhere)).toEqual([]);
  });

  it('records an answer that is not a list of transactions as malformed, importing nothing', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/malformed.json' }]);
    const result = await syncNow(p.id);
    expect(result).toMatchObject(NOTHING);
    expect(result.lastSync).toMatchObject({
      ok: false,
      error: "the network's answer is not what it documents: the answer is not a list of transactions",
    });
    expect(await conversionsOf(p.id)).toEqual([]);
  });

  it.each([400, 404, 422])('passes over a %i to the optional list by date of amendment', async (status) => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
      { dateType: 'amendment', status, fixture: 'awin/bad-request.json' },
    ]);
    expect(await syncNow(p.id)).toMatchObject({ imported: 2, failed: 0, lastSync: { ok: true, error: null } });
  });

  it('passes over an optional list answered in another shape', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
      { dateType: 'amendment', fixture: 'awin/malformed.json' },
    ]);
    expect(await syncNow(p.id)).toMatchObject({ imported: 2, failed: 0, lastSync: { ok: true, error: null } });
  });

  it('counts a transaction whose recording fails unexpectedly as failed, and records the others and the outcome', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    // Storage failing on one write, as D1 may.
    await env.DB.exec(
      "CREATE TRIGGER fail_one_conversion BEFORE INSERT ON conversions WHEN NEW.transaction_id = '612300102' BEGIN SELECT RAISE(ABORT, 'storage unavailable'); END",
    );
    try {
      const result = await syncNow(p.id);
      expect(result).toMatchObject({ imported: 1, updated: 0, unchanged: 0, failed: 1, lastSync: { ok: false } });
      expect(result.lastSync.error).toMatch(
        /^1 transaction\(s\) not recorded: 612300102: unexpected error: .*storage unavailable/,
      );
      expect((await api('GET', `/api/v1/partners/${p.id}`)).body.lastSync).toEqual(result.lastSync);
    } finally {
      await env.DB.exec('DROP TRIGGER fail_one_conversion');
    }
  });

  it('never writes the access token in what it records, even when Awin echoes it', async () => {
    const p = await awinPartner();
    const echoing = {
      id: 612300109,
      commissionStatus: NETWORK_TOKEN,
      commissionAmount: { amount: 9.6, currency: 'EUR' },
      saleAmount: { amount: 120, currency: 'EUR' },
      transactionDate: '2026-11-20T10:15:00',
    };
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', body: JSON.stringify([echoing]) }]);
    const result = await syncNow(p.id);
    expect(result.lastSync.error).toBe(
      '1 transaction(s) not recorded: 612300109: commissionStatus "[token]" is not one of Awin\'s',
    );
    const flags = (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=network_transaction_refused`)).body.data;
    expect(flags).toHaveLength(1);
    expect(JSON.stringify(flags)).not.toContain(NETWORK_TOKEN);
  });

  it('counts a transaction it cannot read as failed, naming it, and imports the others', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/incomplete-transaction.json' }]);
    const result = await syncNow(p.id);
    expect(result).toMatchObject({ imported: 1, updated: 0, unchanged: 0, failed: 1 });
    expect(result.lastSync.error).toMatch(/^1 transaction\(s\) not recorded: 612300103: saleAmount: /);
  });
});

describe('the hourly sync', () => {
  it('reads each connected partner, 31 days back the first time, then from a week before its cursor', async () => {
    const p = await awinPartner();
    await fixtureClick(p.id);
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);

    await hourly(NOW);
    expect(await conversionsOf(p.id)).toHaveLength(2);
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.lastSync).toEqual({
      at: new Date(NOW).toISOString(),
      ok: true,
      error: null,
    });

    await hourly(NOW + 3_600_000);
    const starts = (await receivedRequests(p.publisherId))
      .filter((c) => c.query.dateType === 'transaction')
      .map((c) => [c.query.startDate, c.query.endDate]);
    expect(starts).toEqual([
      ['2026-10-30T12:00:00', '2026-11-30T12:00:00'],
      ['2026-11-23T12:00:00', '2026-11-30T13:00:00'],
    ]);
  });

  it('goes on with the other partners while one keeps answering 429, run after run', async () => {
    const partners = [await awinPartner(), await awinPartner({ accessToken: 'another-awin-user-token' })].sort((a, b) =>
      a.id.localeCompare(b.id),
    );
    const [limited, other] = partners as [(typeof partners)[0], (typeof partners)[0]];
    const tooMany = { dateType: 'transaction', status: 429, fixture: 'awin/rate-limited.json' };
    await scriptNetwork(limited.publisherId, [tooMany, tooMany]);
    await scriptNetwork(other.publisherId, [
      { dateType: 'transaction', fixture: 'awin/first-import.json' },
      { dateType: 'transaction', fixture: 'awin/approved.json' },
    ]);

    await hourly(NOW);
    expect(await conversionsOf(other.id)).toHaveLength(2);

    await hourly(NOW + 3_600_000);
    expect((await receivedRequests(limited.publisherId)).length).toBe(2);
    expect((await conversionsOf(other.id))[0]).toMatchObject({ status: 'approved' });
    expect((await api('GET', `/api/v1/partners/${limited.id}`)).body.lastSync).toMatchObject({ ok: false });
    expect((await api('GET', `/api/v1/partners/${other.id}`)).body.lastSync).toMatchObject({ ok: true });
  });

  it('holds back, for the rest of the run, the partners read with the token that was limited', async () => {
    const partners = [await awinPartner(), await awinPartner()].sort((a, b) => a.id.localeCompare(b.id));
    const [first, second] = partners as [(typeof partners)[0], (typeof partners)[0]];
    await scriptNetwork(first.publisherId, [
      { dateType: 'transaction', status: 429, fixture: 'awin/rate-limited.json' },
    ]);
    await scriptNetwork(second.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);

    await hourly(NOW);
    expect(await receivedRequests(second.publisherId)).toEqual([]);

    await hourly(NOW + 3_600_000);
    expect(await conversionsOf(second.id)).toHaveLength(2);
    expect((await api('GET', `/api/v1/partners/${first.id}`)).body.lastSync).toMatchObject({ ok: true });
  });

  it('starts over, 31 days back, once the partner is connected to another account; not for a new token', async () => {
    const p = await awinPartner();
    await hourly(NOW);
    const connect = (network: Record<string, unknown>) =>
      api('PATCH', `/api/v1/partners/${p.id}`, {
        body: { network: { type: 'awin', advertiserId: AWIN_ADVERTISER, apiBase: NETWORK_ORIGIN, ...network } },
        expect: 200,
      });
    const firstStart = async (account: string) =>
      (await receivedRequests(account)).find((c) => c.query.dateType === 'transaction')?.query.startDate;

    await connect({ publisherId: p.publisherId, accessToken: 'a-new-token-for-the-same-user' });
    await scriptNetwork(p.publisherId, []);
    await hourly(NOW + 3_600_000);
    expect(await firstStart(p.publisherId)).toBe('2026-11-23T12:00:00');

    const other = newAccount();
    await connect({ publisherId: other, accessToken: NETWORK_TOKEN });
    await hourly(NOW + 7_200_000);
    expect(await firstStart(other)).toBe('2026-10-30T14:00:00');

    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { network: null }, expect: 200 });
    await connect({ publisherId: other, accessToken: NETWORK_TOKEN });
    await scriptNetwork(other, []);
    await hourly(NOW + 10_800_000);
    expect(await firstStart(other)).toBe('2026-10-30T15:00:00');
  });

  it('leaves partners without a network alone', async () => {
    const p = await awinPartner();
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { network: null }, expect: 200 });
    await hourly(NOW);
    expect(await receivedRequests(p.publisherId)).toEqual([]);
  });
});

describe('statuses decided by the network', () => {
  it('leaves pending network conversions to the network once their lock period is over', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    await syncNow(p.id);
    const reconcile = (nowMs: number) =>
      worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: nowMs }), env);
    await reconcile(Date.parse('2027-02-01T00:00:00Z'));
    expect((await conversionsOf(p.id)).map((c) => c.status)).toEqual(['pending', 'pending']);
  });
});

describe('network link templates', () => {
  it('gives an Awin partner Awin’s click URL, carrying the click id as clickref and the destination as ued', async () => {
    const p = await awinPartner();
    expect(p.view.trackingTemplate).toBe(
      `https://www.awin1.com/cread.php?awinmid=7052&awinaffid=${p.publisherId}&clickref={click_id}&ued={destination_encoded}`,
    );
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/freinage' });
    const res = await call('GET', `/${link.slug}`, { key: null });
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://www.awin1.com/cread.php');
    const clickId = location.searchParams.get('clickref');
    expect(clickId).toMatch(/^[0-9A-Z]{26}$/);
    const destination = new URL(location.searchParams.get('ued') ?? '');
    expect(destination.href.startsWith('https://www.autodoc.fr/freinage?')).toBe(true);
    expect(destination.searchParams.get('click_id')).toBe(clickId);
  });

  it('keeps a tracking template the partner already has', async () => {
    const p = await awinPartner();
    const template = 'https://track.example.com/c?url={url}&sub={click_id}';
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { trackingTemplate: template }, expect: 200 });
    const again = await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: { network: { type: 'awin', publisherId: p.publisherId, advertiserId: '7052', accessToken: 'x' } },
      expect: 200,
    });
    expect(again.body.trackingTemplate).toBe(template);
  });
});
