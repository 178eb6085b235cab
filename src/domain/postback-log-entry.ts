// What the postback log keeps of a postback: its parameters without secrets or addresses, and what was read from them.
import { parseIp } from './ip-allowlist';
import type { ConversionInput } from './postback-schema';

const REDACTED = '[redacted]';
/** What stands in the log for values nested deeper than redaction walks: never kept unredacted. */
export const TOO_DEEP = '[too deep]';
/** How deep redaction walks into nested objects and lists (a top-level value is at depth 0; order lines at 1). */
const MAX_DEPTH = 8;
const loose = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');

/**
 * A copy of a postback's parameters fit for the log: the token removed, the customer id removed
 * (its keyed hash is kept beside), every value that is an IP address replaced, and any object or
 * list nested deeper than redaction walks (depth 8) replaced by `[too deep]`.
 * @example redactParams({ token: 't', ip: '203.0.113.7', amount: '5' }, {}) // { ip: '[redacted]', amount: '5' }
 */
export function redactParams(params: Record<string, unknown>, postbackParams: Record<string, string>) {
  const customerNames = new Set(
    (postbackParams.customerId ?? '')
      .split('|')
      .map((n) => n.trim())
      .filter(Boolean),
  );
  const drop = (key: string) =>
    loose(key) === 'token' || customerNames.has(key) || (customerNames.size === 0 && loose(key) === 'customerid');
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return parseIp(value) ? REDACTED : value;
    if (value === null || typeof value !== 'object') return value;
    // Past the depth walked nothing is looked at, so nothing may be kept.
    if (depth > MAX_DEPTH) return TOO_DEEP;
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (!drop(key)) out[key] = scrub(value, 0);
  return out;
}

/** A POST body rebuilt from its redacted parameters, in the type it came in, so that it can be replayed. */
export function redactedBody(contentType: string | null, redacted: Record<string, unknown>): string {
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(
      Object.entries(redacted).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)])),
    ).toString();
  }
  return JSON.stringify(redacted);
}

/** The hashed identifiers a conversion keeps so that it can be attributed again later. */
export type KeptSignals = { customerHash: string | null; fingerprints: string[] };

/** What the log keeps of a parsed postback: no raw IP, no raw customer id, only their keyed hashes. */
export type ParsedForLog = Omit<ConversionInput, 'ip' | 'customerId' | 'occurredAt'> & {
  occurredAt: string;
  customerHash: string | null;
  fingerprints: string[];
  visitorId: string | null;
};

/** Hashes the log keeps for attribution, never shown to a partner (see `parsedForPartner`). */
const ATTRIBUTION_HASHES = ['customerHash', 'fingerprints', 'visitorId'];

/**
 * A logged parsed postback as the partner that sent it is shown it: what was read, without the
 * keyed hashes of the app user's identifiers, which are ours to attribute with.
 * @example parsedForPartner({ transactionId: 'T1', customerHash: 'h' }) // { transactionId: 'T1' }
 */
export function parsedForPartner(parsed: unknown): unknown {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => !ATTRIBUTION_HASHES.includes(key)));
}

/** The log's view of a parsed postback, with the hashes a replay needs in place of the raw values. */
export function parsedForLog(
  input: ConversionInput & { occurredAt: Date },
  kept: KeptSignals,
  visitorId: string | null,
): ParsedForLog {
  const { ip: _ip, customerId: _customerId, ...rest } = input;
  return {
    ...rest,
    occurredAt: input.occurredAt.toISOString(),
    customerHash: kept.customerHash,
    fingerprints: kept.fingerprints,
    visitorId,
  };
}
