import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { getConversion } from '../../src/db/conversions';
import { dailyRows } from '../../src/db/reports';
import type { Conversion } from '../../src/db/schema';
import { dateIn, nextDate } from '../../src/domain/calendar';
import worker from '../../src/index';
import { changeConversion, changeConversionById } from '../../src/services/conversions';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertClick } from '../support/rows';
import { json, newTxn, postSigned } from './client';

const db = dbOf(env);

let daysBack = 0;
/** A UTC day no other test of this file uses, in the last weeks. */
const freshDay = () => nextDate(dateIn(Date.now(), 'UTC'), -++daysBack);

async function sale(p: { slug: string; signingSecret: string }, fields: Record<string, unknown>, query = '') {
  const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), ...fields }, { query });
  expect(res.status).toBe(200);
  return json(res);
}

const postRates = (date: string, rates: Record<string, number>, base = 'EUR') =>
  api('POST', '/api/v1/exchange-rates', { body: { date, base, rates }, expect: 200 });

/** The reporting figures a conversion keeps. */
async function reportingOf(id: string) {
  const c = await getConversion(db, id);
  return {
    currency: c?.currency,
    amountMinor: c?.amountMinor,
    commissionMinor: c?.commissionMinor,
    reportingCurrency: c?.reportingCurrency,
    exchangeRate: c?.exchangeRate,
    reportingAmountMinor: c?.reportingAmountMinor,
    reportingCommissionMinor: c?.reportingCommissionMinor,
    reportingEarnedMinor: c?.reportingEarnedMinor,
  };
}

const missingRateFlags = async (partnerId: string) =>
  (await api('GET', `/api/v1/anomalies?partnerId=${partnerId}&kind=missing_rate`, { expect: 200 })).body.data;

/** The partner's total for `date` as the aggregates hold it. */
async function totalOf(partnerId: string, date: string) {
  const [row] = await dailyRows(env.DB, { from: date, to: date, partnerId });
  return (
    row && {
      conversions: row.conversions,
      revenueMinor: row.revenue_minor,
      commissionMinor: row.commission_minor,
      unconvertedConversions: row.unconverted_conversions,
    }
  );
}

/** The 15-minute cron, `aheadMs` ahead so that the last writes count as settled. */
const reconcile = (aheadMs = 120_000) =>
  worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: Date.now() + aheadMs }), env);

describe('a sale in another currency than the partner’s', () => {
  it('is converted at the rate of the day it occurred, and keeps that rate', async () => {
    const p = await createPartner();
    const date = freshDay();
    await postRates(date, { USD: 1.08, GBP: 0.8523 });
    const body = await sale(p, { amount: '100.00', currency: 'USD', occurredAt: `${date}T10:00:00Z` });
    // 1 USD = 1 / 1.08 EUR; 100.00 USD and its 8% commission, each converted and rounded once.
    expect(await reportingOf(body.conversionId)).toEqual({
      currency: 'USD',
      amountMinor: 10_000,
      commissionMinor: 800,
      reportingCurrency: 'EUR',
      exchangeRate: '0.925925925926',
      reportingAmountMinor: 9259,
      reportingCommissionMinor: 741,
      reportingEarnedMinor: 741,
    });
    expect(await missingRateFlags(p.id)).toEqual([]);
  });

  it('is converted through the base both currencies are quoted against: USD for a GBP partner from EUR rates', async () => {
    const p = await createPartner({ currency: 'GBP' });
    const date = freshDay();
    await postRates(date, { USD: 1.08, GBP: 0.8523 });
    const body = await sale(p, { amount: '100.00', currency: 'USD', occurredAt: `${date}T10:00:00Z` });
    // 0.8523 / 1.08 GBP a dollar.
    expect(await reportingOf(body.conversionId)).toMatchObject({
      reportingCurrency: 'GBP',
      exchangeRate: '0.789166666667',
      reportingAmountMinor: 7892,
      reportingCommissionMinor: 631,
    });
  });

  it('uses the rates of its own day, not of the day it was posted', async () => {
    const p = await createPartner();
    const [before, day] = [freshDay(), freshDay()].sort();
    await postRates(before as string, { USD: 1.25 });
    await postRates(day as string, { USD: 1.08 });
    const body = await sale(p, { amount: '100.00', currency: 'USD', occurredAt: `${day}T23:59:59Z` });
    expect((await reportingOf(body.conversionId)).exchangeRate).toBe('0.925925925926');
  });

  it('is converted when it is attributed to a click too (its rates read with the click)', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const date = freshDay();
    const click = await insertClick(link, `${date}T09:00:00Z`);
    await postRates(date, { USD: 1.08 });
    const body = await sale(p, {
      amount: '50.00',
      currency: 'USD',
      clickId: click.id,
      occurredAt: `${date}T10:00:00Z`,
    });
    expect(body.attribution).toMatchObject({ method: 'click_id' });
    expect(await reportingOf(body.conversionId)).toMatchObject({
      exchangeRate: '0.925925925926',
      reportingAmountMinor: 4630,
      reportingCommissionMinor: 370,
    });
  });

  it('is stored without its rate, flagged missing_rate and counted as unconverted, until the rates are posted', async () => {
    const p = await createPartner();
    const date = freshDay();
    const body = await sale(p, { amount: '100.00', currency: 'USD', occurredAt: `${date}T10:00:00Z` });
    expect(await reportingOf(body.conversionId)).toMatchObject({
      amountMinor: 10_000,
      commissionMinor: 800,
      exchangeRate: null,
      reportingAmountMinor: null,
      reportingCommissionMinor: null,
    });
    const [flag] = await missingRateFlags(p.id);
    expect(flag).toMatchObject({
      partnerId: p.id,
      kind: 'missing_rate',
      subjectId: body.conversionId,
      conversionId: body.conversionId,
      details: { date, currency: 'USD', reportingCurrency: 'EUR' },
      resolved: false,
    });
    await sale(p, { amount: '20.00', currency: 'EUR', occurredAt: `${date}T11:00:00Z` });
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId: p.id }, expect: 200 });
    expect(await totalOf(p.id, date)).toEqual({
      conversions: 2,
      revenueMinor: 2000,
      commissionMinor: 160,
      unconvertedConversions: 1,
    });

    // Posting the day's rates converts it at once and resolves its flag...
    await postRates(date, { USD: 1.08 });
    expect(await reportingOf(body.conversionId)).toMatchObject({
      exchangeRate: '0.925925925926',
      reportingAmountMinor: 9259,
      reportingCommissionMinor: 741,
    });
    const [resolved] = await missingRateFlags(p.id);
    expect(resolved).toMatchObject({ id: flag.id, resolved: true });
    // ...and the reconciliation rebuilds the day it changed.
    await reconcile();
    expect(await totalOf(p.id, date)).toEqual({
      conversions: 2,
      revenueMinor: 11_259,
      commissionMinor: 901,
      unconvertedConversions: 0,
    });
  });

  it('is flagged once, however often it is posted again', async () => {
    const p = await createPartner();
    const fields = { transactionId: newTxn(), amount: '10.00', currency: 'CHF', occurredAt: `${freshDay()}T10:00:00Z` };
    await sale(p, fields);
    const again = await sale(p, fields);
    expect(again.status).toBe('duplicate');
    expect(await missingRateFlags(p.id)).toHaveLength(1);
  });

  it('is neither stored nor flagged by a dry run', async () => {
    const p = await createPartner();
    const body = await sale(
      p,
      { amount: '10.00', currency: 'USD', occurredAt: `${freshDay()}T10:00:00Z` },
      '?dryRun=1',
    );
    expect(body.dryRun).toBe(true);
    expect(await missingRateFlags(p.id)).toEqual([]);
  });
});

describe('a change planned while the sale waited for its rate', () => {
  it('is planned again once the rate has arrived, never taking the sale back to unconverted', async () => {
    const p = await createPartner({ currency: 'EUR', commissionRules: [{ percent: 8 }] });
    const date = freshDay();
    const { conversionId } = await sale(p, { amount: '100.00', currency: 'USD', occurredAt: `${date}T10:00:00Z` });
    const stale = await getConversion(db, conversionId);
    await postRates(date, { USD: 1.08 });
    const refund = { refund: { refundedAmountMinor: 2500 }, source: 'api' } as const;

    expect(await changeConversion(db, stale as Conversion, refund)).toBe('retry');
    await changeConversionById(db, conversionId, refund);
    expect(await reportingOf(conversionId)).toMatchObject({
      exchangeRate: '0.925925925926',
      commissionMinor: 600,
      reportingAmountMinor: 9259,
      reportingCommissionMinor: 556,
    });
  });
});

describe('a sale in the partner’s own currency', () => {
  it('keeps its figures at rate 1 and reads no rate', async () => {
    const p = await createPartner({ currency: 'GBP' });
    const body = await sale(p, { amount: '100.00', currency: 'GBP', occurredAt: `${freshDay()}T10:00:00Z` });
    expect(await reportingOf(body.conversionId)).toMatchObject({
      exchangeRate: '1',
      reportingAmountMinor: 10_000,
      reportingCommissionMinor: 800,
    });
  });
});
