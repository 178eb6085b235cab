// A partner's postback, in its own parameter names and formats, read into one canonical conversion input.
import { z } from 'zod';
import type { ConversionEvent } from './conversion-event';
import { conversionStatusSchema } from './conversion-status';
import { isCurrencyCode, parseAmount } from './money';
import { parseOccurredAt } from './postback-dates';
import { type Found, type Issue, ParamReader, scalarText, single } from './postback-params';
import {
  type ConversionInput,
  conversionInputSchema,
  type PostbackConfig,
  type PostbackField,
} from './postback-schema';

export type PostbackIssue = { path: string; message: string };
export type PostbackResult = { ok: true; value: ConversionInput } | { ok: false; issues: PostbackIssue[] };

// Event names networks use for ours; anything else must be one of ours.
const EVENT_SYNONYMS: Record<string, ConversionEvent> = {
  lead: 'lead',
  signup: 'lead',
  sign_up: 'lead',
  registration: 'lead',
  add_to_cart: 'add_to_cart',
  addtocart: 'add_to_cart',
  cart: 'add_to_cart',
  sale: 'sale',
  purchase: 'sale',
  order: 'sale',
};

const MAX_ITEMS = 500;

/**
 * Reads a partner's postback parameters (query string, form or JSON body) into a
 * `ConversionInput`, or lists every problem found, each under the canonical field's path and
 * naming the partner's parameter. Unmapped fields are read under their canonical name in any
 * case or spelling (`transactionId`, `transaction_id`, `TRANSACTIONID`); mapped ones under the
 * partner's exact name. An `ip` that is not an IP address is dropped (it only feeds
 * fingerprint matching); a `userAgent` longer than 1024 characters is cut.
 * @example parsePostback({ aff_sub: 'CLK1', transaction_id: 'T-9', amount: '10,44' }, { ...PRESETS.tune, defaultCurrency: 'EUR' })
 * // { ok: true, value: { clickId: 'CLK1', transactionId: 'T-9', amountMinor: 1044, currency: 'EUR', status: 'pending', event: 'sale' } }
 */
export function parsePostback(raw: Record<string, unknown>, config: PostbackConfig): PostbackResult {
  const read = new ParamReader(raw, config.postbackParams);
  const issues: PostbackIssue[] = [];
  const issue: Issue = (path, message) => issues.push({ path, message });
  const text = (field: PostbackField) => {
    const found = read.field(field);
    return found && scalarText(found, field, issue);
  };

  const transactionId = text('transactionId');
  if (transactionId === undefined && !issues.some((i) => i.path === 'transactionId')) {
    issue('transactionId', `is required (parameter ${read.describe('transactionId')})`);
  }
  const ip = text('ip');
  const rawStatus = text('status');
  const currency = readCurrency(read, text('currency'), config.defaultCurrency, issue);
  const candidate = {
    clickId: text('clickId'),
    transactionId,
    category: text('category'),
    referralCode: text('referralCode'),
    customerId: text('customerId'),
    reason: text('reason'),
    coupon: text('coupon')?.toUpperCase(),
    userAgent: text('userAgent')?.slice(0, 1024),
    ip: ip && normalizeIp(ip),
    currency,
    status: readStatus(read, rawStatus, config.statusMap, issue),
    rawStatus,
    event: readEvent(read, text('event'), issue),
    occurredAt: readOccurredAt(read, issue),
    ...(isCurrencyCode(currency) ? readAmounts(read, currency, config.amountsInMinorUnits, issue) : { amountMinor: 0 }),
  };

  if (issues.length > 0) return { ok: false, issues };
  const checked = conversionInputSchema.safeParse(dropUndefined(candidate));
  if (checked.success) return { ok: true, value: checked.data };
  return {
    ok: false,
    issues: checked.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  };
}

function readCurrency(read: ParamReader, sent: string | undefined, fallback: string, issue: Issue): string {
  const currency = sent?.toUpperCase() ?? (fallback || 'EUR');
  if (!isCurrencyCode(currency)) {
    issue('currency', `"${currency}" is not an active ISO 4217 currency code (parameter ${read.describe('currency')})`);
  }
  return currency;
}

function readStatus(
  read: ParamReader,
  rawStatus: string | undefined,
  statusMap: Record<string, string>,
  issue: Issue,
): string {
  if (rawStatus === undefined) return 'pending';
  const status = lookupStatus(statusMap, rawStatus);
  if (status) return status;
  issue(
    'status',
    `"${rawStatus}" is not pending, approved, rejected or reversed, nor in the partner's status map (parameter ${read.describe('status')})`,
  );
  return 'pending';
}

function readEvent(read: ParamReader, sent: string | undefined, issue: Issue): ConversionEvent {
  if (sent === undefined) return 'sale';
  const event = EVENT_SYNONYMS[sent.toLowerCase().replace(/[\s-]+/g, '_')];
  if (event) return event;
  issue('event', `"${sent}" is not lead, add_to_cart or sale (parameter ${read.describe('event')})`);
  return 'sale';
}

function readOccurredAt(read: ParamReader, issue: Issue): Date | undefined {
  const found = read.field('occurredAt');
  if (!found) return undefined;
  const value = single(found, 'occurredAt', issue);
  const at = value === undefined ? undefined : parseOccurredAt(value);
  if (at !== null) return at;
  issue(
    'occurredAt',
    `"${String(value)}" is not a time between 2000 and 2100 in ISO 8601, unix seconds or unix milliseconds (parameter "${found.name}")`,
  );
  return undefined;
}

function readAmounts(
  read: ParamReader,
  currency: string,
  inMinorUnits: boolean,
  issue: Issue,
): { amountMinor: number; refundedAmountMinor?: number; items?: PartialItem[] } {
  const amountOf = (found: Found, path: string): number | undefined => {
    const value = single(found, path, issue);
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      issue(path, `must be a number (parameter "${found.name}")`);
      return undefined;
    }
    const parsed = parseAmount(value, currency, inMinorUnits);
    if (parsed.ok) return parsed.amountMinor;
    issue(path, `"${value}" ${parsed.message} (parameter "${found.name}")`);
    return undefined;
  };
  const amountFound = read.field('amount');
  const amountMinor = amountFound && amountOf(amountFound, 'amount');
  const refundedFound = read.field('refundedAmount');
  const refundedAmountMinor = refundedFound && amountOf(refundedFound, 'refundedAmount');
  const items = readItems(read, issue, amountOf);
  const itemsTotal = items?.every((i) => i.amountMinor !== undefined)
    ? items.reduce((sum, i) => sum + (i.amountMinor ?? 0), 0)
    : undefined;
  // Without a total, the lines are the order: their sum is what was bought.
  return { amountMinor: amountMinor ?? itemsTotal ?? 0, refundedAmountMinor, items };
}

type PartialItem = {
  category?: string;
  amountMinor?: number;
  refundedAmountMinor?: number;
  sku?: string;
  quantity?: number;
};

function readItems(
  read: ParamReader,
  issue: Issue,
  amountOf: (found: Found, path: string) => number | undefined,
): PartialItem[] | undefined {
  const lines = read.items(issue);
  if (!lines?.length) return undefined;
  if (lines.length > MAX_ITEMS) {
    issue('items', `has more than ${MAX_ITEMS} order lines`);
    return undefined;
  }
  return lines.map((fields, i) => {
    const path = `items[${i}]`;
    const item: PartialItem = {};
    const category = fields.category && scalarText(fields.category, `${path}.category`, issue);
    if (category !== undefined) item.category = category;
    const sku = fields.sku && scalarText(fields.sku, `${path}.sku`, issue);
    if (sku !== undefined) item.sku = sku;
    if (fields.quantity) {
      const value = single(fields.quantity, `${path}.quantity`, issue);
      const quantity = typeof value === 'string' && /^\s*[0-9]+\s*$/.test(value) ? Number(value) : value;
      if (Number.isSafeInteger(quantity) && (quantity as number) > 0) item.quantity = quantity as number;
      else if (value !== undefined && value !== '') {
        issue(`${path}.quantity`, `must be a whole number above 0 (parameter "${fields.quantity.name}")`);
      }
    }
    const amountMinor = fields.amount && amountOf(fields.amount, `${path}.amount`);
    if (amountMinor !== undefined) item.amountMinor = amountMinor;
    else if (!fields.amount) issue(`${path}.amount`, 'is required for each order line');
    const refundedAmountMinor = fields.refundedAmount && amountOf(fields.refundedAmount, `${path}.refundedAmount`);
    if (refundedAmountMinor !== undefined) item.refundedAmountMinor = refundedAmountMinor;
    return item;
  });
}

function lookupStatus(statusMap: Record<string, string>, rawStatus: string): string | undefined {
  let mapped = Object.hasOwn(statusMap, rawStatus) ? statusMap[rawStatus] : undefined;
  if (mapped === undefined) {
    const lower = rawStatus.toLowerCase();
    const key = Object.keys(statusMap).find((k) => k.toLowerCase() === lower);
    mapped = key === undefined ? lower : statusMap[key];
  }
  return conversionStatusSchema.safeParse(mapped).success ? mapped : undefined;
}

function normalizeIp(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  if (z.ipv4().safeParse(lower).success) return lower;
  if (z.ipv6().safeParse(lower).success) return lower;
  return undefined;
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
