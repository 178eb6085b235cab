// A network read through configuration alone: a URL template for the window, where the list is, and which field is which.
import type { ConversionStatus } from '../conversion-status';
import { isCurrencyCode, parseAmount } from '../money';
import { parseOccurredAt } from '../postback-dates';
import type { AnswerRead, NetworkConnector, ReadContext, TransactionRead } from './connector';
import type { DateFormat, JsonSettings, MappedField } from './settings';
import { MAX_WINDOW_DAYS, type SyncWindow, wallClockUtc } from './sync-windows';

/** Status words networks commonly use, ours aside; a partner's `statusMap` comes first. */
const COMMON_STATUSES: Readonly<Record<string, ConversionStatus>> = {
  pending: 'pending',
  approved: 'approved',
  validated: 'approved',
  confirmed: 'approved',
  declined: 'rejected',
  refused: 'rejected',
  rejected: 'rejected',
  cancelled: 'reversed',
  canceled: 'reversed',
  deleted: 'reversed',
  reversed: 'reversed',
};

/**
 * The connector of a network described by a mapping, the same idea as a partner's
 * `postbackParams`: one call per window at `urlTemplate` (`{from}`, `{to}`, `{token}` filled in),
 * the token also in `authHeader`, the list at `listPath`, each field read at its path.
 * @example jsonConnector({ urlTemplate: 'https://api.example/sales?from={from}&to={to}', fields: { transactionId: 'ref', amount: 'total' } })
 */
export function jsonConnector(settings: JsonSettings): NetworkConnector {
  const format = settings.dateFormat ?? 'iso';
  return {
    maxWindowDays: settings.maxWindowDays ?? MAX_WINDOW_DAYS,
    requests(window: SyncWindow, accessToken: string) {
      const values: Record<string, string> = {
        from: formatDate(window.from, format),
        to: formatDate(window.to, format),
        token: accessToken,
      };
      const url = settings.urlTemplate.replace(/\{([A-Za-z_]+)\}/g, (_m, name: string) =>
        encodeURIComponent(values[name] ?? ''),
      );
      const headers: Record<string, string> = { accept: 'application/json' };
      const header = settings.authHeader === undefined ? 'Authorization' : settings.authHeader;
      if (header) {
        const scheme = settings.authScheme ?? 'Bearer';
        headers[header.toLowerCase()] = scheme ? `${scheme} ${accessToken}` : accessToken;
      }
      return [{ url, headers }];
    },
    read(body: unknown, context: ReadContext): AnswerRead {
      const list = settings.listPath ? valueAt(body, settings.listPath) : body;
      if (!Array.isArray(list)) {
        return { ok: false, message: `the answer has no list of transactions at "${settings.listPath || '(root)'}"` };
      }
      return { ok: true, transactions: list.map((item) => readMapped(item, settings, context)) };
    },
  };
}

/** One transaction read through the mapping. */
export function readMapped(item: unknown, settings: JsonSettings, context: ReadContext): TransactionRead {
  const field = (name: MappedField) => {
    const path = settings.fields[name];
    return path === undefined ? undefined : valueAt(item, path);
  };
  const text = (name: MappedField) => {
    const value = field(name);
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() || undefined : undefined;
  };
  const transactionId = text('transactionId');
  if (!transactionId)
    return { ok: false, id: null, message: `no transaction id at "${settings.fields.transactionId}"` };
  const fail = (message: string): TransactionRead => ({ ok: false, id: transactionId, message });
  const currency = (text('currency') ?? context.defaultCurrency ?? 'EUR').toUpperCase();
  if (!isCurrencyCode(currency)) return fail(`currency "${currency}" is not ISO 4217`);
  const amountOf = (name: MappedField) => {
    const value = field(name);
    if (typeof value !== 'string' && typeof value !== 'number') return { ok: false as const, message: 'is missing' };
    return parseAmount(value, currency, settings.amountsInMinorUnits ?? false);
  };
  const amount = amountOf('amount');
  if (!amount.ok) return fail(`amount ${amount.message}`);
  const commission = settings.fields.commission ? amountOf('commission') : ({ ok: true, amountMinor: 0 } as const);
  if (!commission.ok) return fail(`commission ${commission.message}`);
  const rawStatus = text('status');
  const status = rawStatus === undefined ? 'pending' : statusOf(rawStatus, settings.statusMap ?? {});
  if (!status) return fail(`status "${rawStatus}" is not in the status map`);
  const dated = text('occurredAt');
  const occurredAt = dated === undefined ? null : parseOccurredAt(dated);
  if (!occurredAt) return fail(`no date of the transaction at "${settings.fields.occurredAt ?? '(unmapped)'}"`);
  const clickId = text('clickId');
  const coupon = text('coupon');
  const category = text('category');
  return {
    ok: true,
    transaction: {
      commissionMinor: commission.amountMinor,
      networkRef: transactionId.slice(0, 200),
      input: {
        transactionId: transactionId.slice(0, 200),
        event: 'sale',
        amountMinor: amount.amountMinor,
        currency,
        status,
        occurredAt,
        ...(rawStatus ? { rawStatus: rawStatus.slice(0, 100) } : {}),
        ...(clickId ? { clickId: clickId.slice(0, 200) } : {}),
        ...(coupon ? { coupon: coupon.slice(0, 100).toUpperCase() } : {}),
        ...(category ? { category: category.slice(0, 100) } : {}),
      },
    },
  };
}

function statusOf(raw: string, statusMap: Record<string, ConversionStatus>): ConversionStatus | undefined {
  const lower = raw.toLowerCase();
  const mapped = Object.entries(statusMap).find(([k]) => k.toLowerCase() === lower)?.[1];
  return mapped ?? COMMON_STATUSES[lower];
}

/** The value at a dotted path of a JSON value, or undefined. */
export function valueAt(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** An instant in UTC as a generic network's URL asks for it. */
export function formatDate(at: Date, format: DateFormat): string {
  const iso = at.toISOString();
  switch (format) {
    case 'datetime':
      return wallClockUtc(at);
    case 'date':
      return iso.slice(0, 10);
    case 'dmy':
      return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
    default:
      return iso;
  }
}
