// Row builders for data the API does not write directly (clicks, conversions): inserted straight into D1.
import { env } from 'cloudflare:workers';
import { dbOf } from '../../src/db/client';
import {
  type Click,
  type Conversion,
  clicks,
  conversions,
  type NewClick,
  type NewConversion,
} from '../../src/db/schema';
import { reportingMoney } from '../../src/domain/exchange';
import { newClickId, newId, newUlid } from '../../src/domain/ids';

let txn = 0;

/** A recorded click of `link` (non-bot, unique) at `at`, unless `overrides` say otherwise. */
export async function insertClick(
  link: { id: string; partnerId: string },
  at: string | Date,
  overrides: Partial<NewClick> = {},
): Promise<Click> {
  const createdAt = new Date(at);
  const row: NewClick = {
    id: newClickId(createdAt.getTime()),
    linkId: link.id,
    partnerId: link.partnerId,
    createdAt,
    // A ULID, as the redirect mints them: the visitor cookie holds nothing else.
    visitorId: newUlid(createdAt.getTime()),
    isBot: false,
    isUnique: true,
    destination: 'https://www.autodoc.fr/freinage',
    ...overrides,
  };
  return (await dbOf(env).insert(clicks).values(row).returning().get()) as Click;
}

/**
 * A conversion of `partnerId` at `at`: an approved 100.00 EUR sale with 8.00 commission,
 * attributed to `click` (by click id) when one is given, else to nothing.
 */
export async function insertConversion(
  partnerId: string,
  at: string | Date,
  overrides: Partial<NewConversion> & { click?: Click } = {},
): Promise<Conversion> {
  const { click, ...rest } = overrides;
  const occurredAt = new Date(at);
  const row: NewConversion = {
    id: newId('cnv'),
    partnerId,
    transactionId: `T${Date.now().toString(36)}${(txn++).toString(36)}`,
    event: 'sale',
    status: 'approved',
    amountMinor: 10_000,
    currency: 'EUR',
    commissionMinor: 800,
    occurredAt,
    attributionMethod: click ? 'click_id' : 'none',
    clickId: click?.id ?? null,
    linkId: click?.linkId ?? null,
    clickToConversionMs: click ? occurredAt.getTime() - click.createdAt.getTime() : null,
    ...rest,
  };
  // Its figures in the reporting currency, as intake keeps them, unless the test sets them.
  const money = {
    currency: row.currency ?? 'EUR',
    amountMinor: row.amountMinor ?? 0,
    refundedAmountMinor: row.refundedAmountMinor ?? 0,
    commissionMinor: row.commissionMinor ?? 0,
    earnedCommissionMinor: row.earnedCommissionMinor ?? row.commissionMinor ?? 0,
  };
  const reportingCurrency = row.reportingCurrency ?? 'EUR';
  const rate = money.currency === reportingCurrency ? '1' : null;
  const stored = {
    ...money,
    reportingCurrency,
    ...reportingMoney(money, reportingCurrency, rate),
    ...row,
  };
  return (await dbOf(env).insert(conversions).values(stored).returning().get()) as Conversion;
}
