// A partner's postback, in its own parameter names and formats, read into one canonical conversion input.
import { z } from 'zod';
import { conversionStatusSchema } from './conversion-status';
import { currencyCodeSchema, isCurrencyCode, parseAmount } from './money';

export const CONVERSION_EVENTS = ['lead', 'add_to_cart', 'sale'] as const;
export const conversionEventSchema = z.enum(CONVERSION_EVENTS);
export type ConversionEvent = z.infer<typeof conversionEventSchema>;

const text = (max: number) => z.string().min(1).max(max);
const amountMinorSchema = z.int().nonnegative();

/** One order line; `amountMinor` is the line's total (price × quantity), not a unit price. */
export const conversionItemSchema = z.object({
  category: text(100).optional(),
  amountMinor: amountMinorSchema,
  sku: text(200).optional(),
  quantity: z.int().positive().optional(),
});
export type ConversionItem = z.infer<typeof conversionItemSchema>;

/** A conversion as Relais understands it, whatever the partner called its parts. */
export const conversionInputSchema = z.object({
  clickId: text(200).optional(),
  transactionId: text(200),
  amountMinor: amountMinorSchema,
  currency: currencyCodeSchema,
  category: text(100).optional(),
  status: conversionStatusSchema,
  rawStatus: text(100).optional(),
  event: conversionEventSchema,
  coupon: text(100).optional(),
  referralCode: text(100).optional(),
  customerId: text(200).optional(),
  occurredAt: z.date().optional(),
  items: z.array(conversionItemSchema).min(1).max(500).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: text(1024).optional(),
  reason: text(1000).optional(),
});
export type ConversionInput = z.infer<typeof conversionInputSchema>;

export const POSTBACK_FIELDS = [
  'clickId',
  'transactionId',
  'amount',
  'currency',
  'category',
  'status',
  'event',
  'coupon',
  'referralCode',
  'customerId',
  'occurredAt',
  'items',
  'ip',
  'userAgent',
  'reason',
] as const;
export type PostbackField = (typeof POSTBACK_FIELDS)[number];

const ITEM_FIELDS = ['category', 'amount', 'sku', 'quantity'] as const;
type ItemField = (typeof ITEM_FIELDS)[number];

/** Keys a partner may map: the canonical fields, and the base names of indexed order lines. */
export const POSTBACK_PARAM_KEYS = [...POSTBACK_FIELDS, ...ITEM_FIELDS.map((f) => `items.${f}` as const)] as const;

/**
 * Canonical name -> the partner's name. A value may list alternatives separated by `|`
 * (`Amount|SaleAmount`): the first one present in the postback is read.
 */
export const postbackParamsSchema = z.partialRecord(z.enum(POSTBACK_PARAM_KEYS), z.string().trim().min(1).max(200));

/** The partner's raw status values -> ours (`{"billed": "approved"}`). */
export const statusMapSchema = z.record(z.string().min(1).max(100), conversionStatusSchema);

export type PostbackConfig = {
  /** Canonical name -> the partner's name (see `postbackParamsSchema`). */
  postbackParams: Record<string, string>;
  /** The partner's raw status -> ours. */
  statusMap: Record<string, string>;
  amountsInMinorUnits: boolean;
  /** Used when the postback names no currency; EUR when empty. */
  defaultCurrency: string;
};

export type PostbackIssue = { path: string; message: string };
export type PostbackResult = { ok: true; value: ConversionInput } | { ok: false; issues: PostbackIssue[] };

// Base names of indexed order lines (`ItemCategory1`, `ItemSubTotal[0]`) when the partner maps none:
// Impact's, the most common form of line-level postbacks.
const DEFAULT_ITEM_BASES: Record<ItemField, string> = {
  category: 'ItemCategory',
  amount: 'ItemSubTotal',
  sku: 'ItemSku',
  quantity: 'ItemQuantity',
};

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
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

type Found = { name: string; value: unknown };

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

type Issue = (path: string, message: string) => void;

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
): { amountMinor: number; items?: PartialItem[] } {
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
  const items = readItems(read, issue, amountOf);
  const itemsTotal = items?.every((i) => i.amountMinor !== undefined)
    ? items.reduce((sum, i) => sum + (i.amountMinor ?? 0), 0)
    : undefined;
  // Without a total, the lines are the order: their sum is what was bought.
  return { amountMinor: amountMinor ?? itemsTotal ?? 0, items };
}

type PartialItem = { category?: string; amountMinor?: number; sku?: string; quantity?: number };

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
    return item;
  });
}

/** Finds each canonical field's value in the raw parameters under the name the partner uses. */
class ParamReader {
  private readonly tolerant = new Map<string, string>();

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly params: Record<string, string>,
    private readonly canonicalToo = false,
  ) {
    for (const key of Object.keys(raw)) {
      const loose = looseName(key);
      if (!this.tolerant.has(loose)) this.tolerant.set(loose, key);
    }
  }

  /** The value of a field, or undefined when absent or empty. */
  field(field: string): Found | undefined {
    const alternatives = this.alternatives(field);
    if (alternatives) {
      for (const name of alternatives) {
        if (Object.hasOwn(this.raw, name) && !isEmpty(this.raw[name])) return { name, value: this.raw[name] };
      }
      if (!this.canonicalToo) return undefined;
    }
    const name = Object.hasOwn(this.raw, field) ? field : this.tolerant.get(looseName(field));
    return name !== undefined && !isEmpty(this.raw[name]) ? { name, value: this.raw[name] } : undefined;
  }

  /** The partner's name(s) for a field, for messages: `"OrderId"` or `"Amount" or "SaleAmount"`. */
  describe(field: string): string {
    return (this.alternatives(field) ?? [field]).map((name) => `"${name}"`).join(' or ');
  }

  /**
   * The order lines, from an `items` value (a JSON array, a JSON string of one, a single
   * object) or else from indexed parameters (`ItemCategory1`, `ItemSubTotal[0]`, `items[0][amount]`).
   */
  items(issue: Issue): Partial<Record<ItemField, Found>>[] | undefined {
    const found = this.field('items');
    if (found) {
      let value = Array.isArray(found.value) && found.value.length === 1 ? found.value[0] : found.value;
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value);
        } catch {
          issue('items', `must be a JSON array of order lines (parameter "${found.name}")`);
          return undefined;
        }
      }
      if (isRecord(value)) value = Object.keys(value).every((k) => /^[0-9]+$/.test(k)) ? byIndex(value) : [value];
      if (!Array.isArray(value) || !value.every(isRecord)) {
        issue('items', `must be a list of order lines (parameter "${found.name}")`);
        return undefined;
      }
      return value.map((line) => {
        // A line object is most often written in our own format, so canonical keys are read as well.
        const lineReader = new ParamReader(line, this.itemParams(), true);
        return Object.fromEntries(
          ITEM_FIELDS.flatMap((f) => {
            const fieldFound = lineReader.field(f);
            return fieldFound ? [[f, fieldFound]] : [];
          }),
        );
      });
    }
    return this.indexedItems();
  }

  private indexedItems(): Partial<Record<ItemField, Found>>[] | undefined {
    const lines = new Map<number, Partial<Record<ItemField, Found>>>();
    const itemsNames = this.alternatives('items');
    const mapped = (f: ItemField) => this.alternatives(`items.${f}`);
    for (const [key, value] of Object.entries(this.raw)) {
      if (isEmpty(value)) continue;
      const hit = this.indexedField(key, itemsNames, mapped);
      if (!hit) continue;
      const line = lines.get(hit.index) ?? {};
      line[hit.field] ??= { name: key, value };
      lines.set(hit.index, line);
    }
    if (lines.size === 0) return undefined;
    return [...lines.entries()].sort(([a], [b]) => a - b).map(([, line]) => line);
  }

  private indexedField(
    key: string,
    itemsNames: string[] | undefined,
    mapped: (f: ItemField) => string[] | undefined,
  ): { field: ItemField; index: number } | undefined {
    // items[0][amount], items[0].amount, items.0.amount
    const nested = /^(.+?)(?:\[([0-9]{1,4})\]|\.([0-9]{1,4}))(?:\[([A-Za-z_]+)\]|\.([A-Za-z_]+))$/.exec(key);
    if (nested) {
      const [, base = '', i1, i2, f1, f2] = nested;
      const field = ITEM_FIELDS.find((f) => looseName(f) === looseName(f1 ?? f2 ?? ''));
      const isItems = itemsNames ? itemsNames.includes(base) : looseName(base) === 'items';
      if (field && isItems) return { field, index: Number(i1 ?? i2) };
    }
    // ItemSubTotal1, ItemSubTotal[0]
    const flat = /^(.+?)(?:\[([0-9]{1,4})\]|([0-9]{1,4}))$/.exec(key);
    if (!flat) return undefined;
    const [, base = '', i1, i2] = flat;
    for (const field of ITEM_FIELDS) {
      const names = mapped(field);
      const matches = names ? names.includes(base) : looseName(base) === looseName(DEFAULT_ITEM_BASES[field]);
      if (matches) return { field, index: Number(i1 ?? i2) };
    }
    return undefined;
  }

  /** The item-level mapping (`items.amount` -> `amount`), for reading one line object. */
  private itemParams(): Record<string, string> {
    const params: Record<string, string> = {};
    for (const f of ITEM_FIELDS) {
      const names = this.alternatives(`items.${f}`);
      if (names) params[f] = names.join('|');
    }
    return params;
  }

  private alternatives(field: string): string[] | undefined {
    const mapped = Object.hasOwn(this.params, field) ? this.params[field] : undefined;
    const names = mapped
      ?.split('|')
      .map((n) => n.trim())
      .filter(Boolean);
    return names?.length ? names : undefined;
  }
}

/** One value of a parameter: a query string may repeat a name, which is only fine when the copies agree. */
function single(found: Found, path: string, issue: Issue): unknown {
  if (!Array.isArray(found.value)) return found.value;
  const values = [
    ...new Set(found.value.filter((v) => !isEmpty(v)).map((v) => (typeof v === 'string' ? v.trim() : v))),
  ];
  if (values.length > 1) {
    issue(path, `was sent more than once with different values (parameter "${found.name}")`);
    return undefined;
  }
  return values[0];
}

function scalarText(found: Found, path: string, issue: Issue): string | undefined {
  const value = single(found, path, issue);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value.trim() || undefined;
  if (value !== undefined) issue(path, `must be text (parameter "${found.name}")`);
  return undefined;
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

/**
 * A time from ISO 8601 (a zone-less time is UTC; a space may replace the `T`), unix seconds or
 * unix milliseconds (told apart by size); undefined for `now`, null when unreadable or outside 2000-2100.
 */
function parseOccurredAt(value: unknown): Date | undefined | null {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*[0-9]+(\.[0-9]+)?\s*$/.test(value))) {
    const n = Number(value);
    // 1e11 seconds is the year 5138, 1e11 milliseconds is 1973: the two ranges never overlap in use.
    ms = n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  } else if (typeof value === 'string') {
    const textValue = value.trim();
    if (textValue.toLowerCase() === 'now') return undefined;
    const iso =
      /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?\s?(?:(Z)|([+-]\d{2})(?::?(\d{2}))?)?)?$/i.exec(
        textValue,
      );
    if (!iso) return null;
    const [, date, time, fraction, , offsetHours, offsetMinutes] = iso;
    const isUtc = offsetHours === undefined;
    const offset = isUtc ? 'Z' : `${offsetHours}:${offsetMinutes ?? '00'}`;
    const millis = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
    ms = Date.parse(`${date}T${time ?? '00:00:00'}${millis}${offset}`);
    // Date.parse rolls 2026-02-30 over to March; a date that does not exist is refused instead.
    if (!Number.isNaN(ms) && isUtc && new Date(ms).toISOString().slice(0, 10) !== date) return null;
  } else {
    return null;
  }
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms >= LATEST_MS) return null;
  return new Date(ms);
}

function normalizeIp(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  if (z.ipv4().safeParse(lower).success) return lower;
  if (z.ipv6().safeParse(lower).success) return lower;
  return undefined;
}

function byIndex(record: Record<string, unknown>): unknown[] {
  return Object.keys(record)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => record[k]);
}

function looseName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

export type PresetName = 'tune' | 'everflow' | 'keitaro' | 'voluum' | 'impact';

export type PostbackPreset = {
  label: string;
  postbackParams: Record<string, string>;
  statusMap: Record<string, string>;
  amountsInMinorUnits: boolean;
  /** The body some networks expect back, see answer-template.ts. */
  answerTemplate: string | null;
};

/** Postback formats of common tracking platforms, accepted by configuration alone. */
export const PRESETS: Record<PresetName, PostbackPreset> = {
  tune: {
    label: 'TUNE (HasOffers)',
    // Our click id travels in the affiliate sub; `adv_sub` carries the advertiser's order
    // reference, and TUNE's own `transaction_id` stands in when there is none.
    postbackParams: { clickId: 'aff_sub', transactionId: 'adv_sub|transaction_id', amount: 'amount' },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: 'success=true;',
  },
  everflow: {
    label: 'Everflow',
    // Everflow's `transaction_id` is the click identifier; the order reference goes in `adv1`.
    postbackParams: {
      clickId: 'transaction_id',
      transactionId: 'adv1|order_id',
      amount: 'sale_amount|amount',
      coupon: 'coupon_code',
    },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
  keitaro: {
    label: 'Keitaro',
    postbackParams: { clickId: 'subid', transactionId: 'tid', amount: 'payout|revenue', status: 'status' },
    statusMap: {
      lead: 'pending',
      reg: 'pending',
      topup: 'pending',
      sale: 'approved',
      billed: 'approved',
      rebill: 'approved',
      rejected: 'rejected',
      canceled: 'rejected',
      fake: 'rejected',
    },
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
  voluum: {
    label: 'Voluum',
    postbackParams: { clickId: 'cid', transactionId: 'txid', amount: 'payout', event: 'et' },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
  impact: {
    label: 'Impact',
    postbackParams: {
      clickId: 'ClickId',
      transactionId: 'OrderId',
      amount: 'Amount|SaleAmount',
      currency: 'CurrencyCode',
      coupon: 'OrderPromoCode',
      customerId: 'CustomerId',
      occurredAt: 'EventDate',
      'items.category': 'ItemCategory',
      'items.amount': 'ItemSubTotal',
      'items.sku': 'ItemSku',
      'items.quantity': 'ItemQuantity',
    },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
};
