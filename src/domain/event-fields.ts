// What a funnel event may carry: a few fields, each of a known type and size, so that no free text reaches the store.
//
// `/e` is public and written by browsers: whatever a field accepts, anyone can store. A field that
// took any text ended up holding e-mail addresses. Each field now has a strict shape (numbers,
// short tokens, codes, ids); unknown fields are dropped, and a known field that does not fit
// refuses the event.
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from './funnel-event';
import { isCurrencyCode } from './money';

/** The fields an event may keep beside its type, click and partner. */
export const EVENT_FIELDS = ['value', 'amount', 'currency', 'sku', 'quantity'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** A click id: a ULID (26 characters of Crockford's base 32). */
const CLICK_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A partner slug, as partners are given them. */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** A plain decimal number: no sign, no exponent, at most 12 digits and 4 decimals. */
const NUMBER = /^\d{1,12}(?:\.\d{1,4})?$/;
/** A short token: letters, digits, `_` and `-`. No `@`, no `.`, no blank: no address, no sentence. */
const TOKEN = /^[A-Za-z0-9_-]{1,32}$/;
/** An amount in major units, at most two decimals (as the contract writes money). */
const AMOUNT = /^\d{1,9}(?:\.\d{1,2})?$/;
const SKU = /^[A-Za-z0-9._/-]{1,64}$/;
const QUANTITY = /^[1-9]\d{0,3}$/;

/** A number sent in JSON is read as the text it would have been in a URL. */
const asText = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v);
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const upper = (v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : v);
const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);

const matching = (pattern: RegExp, what: string, prepare: (v: unknown) => unknown = trimmed) =>
  z.preprocess(prepare, z.string().regex(pattern, `must be ${what}`));

/** An event as `/e` accepts it; other fields are dropped. */
export const funnelEventSchema = z.object({
  type: z.preprocess(lower, z.enum(EVENT_TYPES)),
  clickId: matching(CLICK_ID, 'a click id (26 characters)', upper).optional(),
  partner: matching(SLUG, 'a partner slug').optional(),
  value: z
    .preprocess(
      asText,
      z
        .string()
        .refine((v) => NUMBER.test(v) || TOKEN.test(v), {
          message: 'must be a number (12 digits, 4 decimals) or a token of at most 32 letters, digits, "_" or "-"',
        })
        .describe('A number (12 digits and 4 decimals at most) or a token of at most 32 letters, digits, `_` or `-`.'),
    )
    .optional(),
  amount: matching(AMOUNT, 'an amount in major units with at most two decimals', asText).optional(),
  currency: z
    .preprocess(
      upper,
      z
        .string()
        .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code' })
        .describe('An ISO 4217 currency code, e.g. EUR.'),
    )
    .optional(),
  sku: matching(SKU, 'a SKU of at most 64 letters, digits, ".", "_", "/" or "-"').optional(),
  quantity: matching(QUANTITY, 'a whole number from 1 to 9999', asText).optional(),
});

/** An event as read: its type, the click or partner it names, and its fields as text, in the order sent. */
export type EventInput = {
  type: EventType;
  clickId?: string;
  partnerSlug?: string;
  fields: Partial<Record<EventField, string>>;
};

export type EventIssue = { path: string[]; message: string; code: string };

/** Every spelling a field is known by (case, `_`, `-` and blanks ignored). */
const NAMES: Record<string, keyof z.infer<typeof funnelEventSchema>> = {
  type: 'type',
  event: 'type',
  clickid: 'clickId',
  cid: 'clickId',
  partner: 'partner',
  value: 'value',
  amount: 'amount',
  currency: 'currency',
  sku: 'sku',
  quantity: 'quantity',
};
const loose = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');

/**
 * Reads an event from query, form or JSON parameters. Known fields are checked against their
 * type and size, unknown and empty ones dropped; a name given twice in a URL counts once (its
 * first value).
 * @example readEvent({ type: 'add_to_cart', click_id: '01jd...', amount: '59.90', email: 'a@b.fr' })
 * // { ok: true, event: { type: 'add_to_cart', clickId: '01JD...', fields: { amount: '59.90' } } }
 * readEvent({ type: 'lead', value: 'jean@example.fr' }) // { ok: false, issues: [{ path: ['value'], ... }] }
 */
export function readEvent(
  params: Record<string, unknown>,
): { ok: true; event: EventInput } | { ok: false; issues: EventIssue[] } {
  const named: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(params)) {
    const name = NAMES[loose(key)];
    // An empty parameter (a URL template's macro left blank) says nothing.
    if (!name || name in named || raw === '') continue;
    named[name] = Array.isArray(raw) && raw.every((v) => typeof v === 'string') ? raw[0] : raw;
  }
  const parsed = funnelEventSchema.safeParse(named);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
    };
  }
  const { type, clickId, partner, ...rest } = parsed.data;
  const fields: Partial<Record<EventField, string>> = {};
  for (const name of Object.keys(named)) {
    const value = rest[name as EventField];
    if (value !== undefined) fields[name as EventField] = value;
  }
  return {
    ok: true,
    event: { type, ...(clickId ? { clickId } : {}), ...(partner ? { partnerSlug: partner } : {}), fields },
  };
}
